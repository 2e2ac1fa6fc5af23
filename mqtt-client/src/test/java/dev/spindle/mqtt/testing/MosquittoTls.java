package dev.spindle.mqtt.testing;

import dev.spindle.reactor.contract.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * The TLS material of one broker: a CA made at test time with {@link TestPki} (so no private key
 * is checked in), a server certificate for {@code localhost} and {@code 127.0.0.1}, and a client
 * certificate for mutual TLS. Mosquitto reads PEM files, written here into the broker's
 * directory; the Java side gets key stores and {@link SSLContext}s.
 *
 * <p>Kept apart from {@link MosquittoBroker} so that a broker without TLS never loads
 * BouncyCastle (a test dependency that users of the test-jar need only for TLS).
 */
final class MosquittoTls {
    static final String CA_FILE = "ca.pem";
    static final String CERT_FILE = "server.pem";
    static final String KEY_FILE = "server-key.pem";

    private final TestPki pki;
    private final TestPki.Identity server;
    private final TestPki.Identity client;

    private MosquittoTls(TestPki pki, TestPki.Identity server, TestPki.Identity client) {
        this.pki = pki;
        this.server = server;
        this.client = client;
    }

    static MosquittoTls create() {
        TestPki pki = TestPki.create("Mosquitto test CA");
        return new MosquittoTls(pki, pki.server(MosquittoBroker.HOST, "localhost"), pki.client("spindle-mqtt-test-client"));
    }

    /** Writes the CA certificate, the server certificate and its PKCS#8 key as PEM into {@code dir}. */
    void writePemFiles(Path dir) throws IOException {
        MosquittoBroker.writePrivate(dir.resolve(CA_FILE), pem("CERTIFICATE", encoded(pki.caCertificate())));
        MosquittoBroker.writePrivate(dir.resolve(CERT_FILE), pem("CERTIFICATE", encoded(server.certificate())));
        try {
            Key key = server.keyStore().getKey("key", TestPki.PASSWORD);
            // getEncoded() of a JDK private key is its PKCS#8 form, which OpenSSL reads as "PRIVATE KEY".
            MosquittoBroker.writePrivate(dir.resolve(KEY_FILE), pem("PRIVATE KEY", key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the server key back from its key store", e);
        }
    }

    static char[] password() {
        return TestPki.PASSWORD.clone();
    }

    X509Certificate caCertificate() {
        return pki.caCertificate();
    }

    X509Certificate clientCertificate() {
        return client.certificate();
    }

    KeyStore trustStore() {
        return pki.trustStore();
    }

    KeyStore clientKeyStore() {
        return client.keyStore();
    }

    SSLContext clientContext() {
        return pki.clientContext();
    }

    SSLContext mutualClientContext() {
        return pki.clientContext(client);
    }

    private static byte[] encoded(X509Certificate c) throws IOException {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode " + c.getSubjectX500Principal(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
