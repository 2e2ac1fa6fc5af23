package dev.spindle.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS set-up every side of the TLS echo row shares, so that the servers differ only in their
 * event loop: one self-signed EC P-256 certificate (made by the JDK's {@code keytool} into a
 * PKCS#12 file, SAN {@code localhost} and {@code 127.0.0.1}), TLS 1.3 only, cipher suite
 * {@value #CIPHER}, the JDK's {@code SSLEngine} on both servers and in the load generator.
 */
final class BenchTls {
    static final String PROTOCOL = "TLSv1.3";
    static final String CIPHER = "TLS_AES_128_GCM_SHA256";
    static final String PASSWORD = "spindle-bench";
    static final String ALIAS = "bench";

    private BenchTls() {}

    /** Makes the key store at {@code file} with {@code keytool} (must not exist yet). */
    static void createKeyStore(Path file) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(file)) {
            throw new IOException("keytool could not make " + file + ": " + output.strip());
        }
    }

    static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    static KeyManagerFactory keyManagers(Path file) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(file), PASSWORD.toCharArray());
        return kmf;
    }

    static SSLContext serverContext(Path file) throws IOException, GeneralSecurityException {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(keyManagers(file).getKeyManagers(), null, null);
        return c;
    }

    /** A client context that trusts exactly the certificate in {@code file}. */
    static SSLContext clientContext(Path file) throws IOException, GeneralSecurityException {
        KeyStore keys = load(file);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (String alias : Collections.list(keys.aliases())) {
            Certificate cert = keys.getCertificate(alias);
            if (cert != null) {
                trust.setCertificateEntry(alias, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    static List<String> protocols() {
        return List.of(PROTOCOL);
    }

    static List<String> ciphers() {
        return List.of(CIPHER);
    }
}
