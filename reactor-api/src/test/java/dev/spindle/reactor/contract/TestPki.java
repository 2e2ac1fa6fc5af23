package dev.spindle.reactor.contract;

import dev.spindle.reactor.spi.HostNames;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority made at test time, so that no private key is ever checked in: a CA
 * and the server, client and expired certificates it issues, with the key stores and
 * {@link SSLContext}s tests need. EC P-256 keys (fast to make), SHA-256 ECDSA signatures,
 * BouncyCastle's certificate builder with the JDK's own crypto provider.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create("Test CA");
 * TestPki.Identity server = pki.server("localhost", "127.0.0.1");
 * SSLContext serverContext = server.serverContext();   // key + trusts the CA (for mutual TLS)
 * SSLContext clientContext = pki.clientContext();      // trusts the CA
 * }</pre>
 * Thread-safe once made.
 */
public final class TestPki {
    /** The password of every key store made here. */
    public static final char[] PASSWORD = "test-pki".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final String SIGNATURE = "SHA256withECDSA";

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;

    private TestPki(String name, KeyPair caKeys, X509Certificate caCertificate) {
        this.name = name;
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
    }

    /**
     * Makes a new CA, valid from a day ago for ten years.
     *
     * @param name the CA's common name
     * @return the PKI
     */
    public static TestPki create(String name) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name + ", O=Spindle tests");
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new TestPki(name, keys, sign(b, keys.getPrivate()));
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot make the test CA " + name, e);
        }
    }

    /**
     * The CA's certificate.
     *
     * @return the certificate
     */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * A server certificate valid now for {@code names} (each a DNS name or an IP literal,
     * which becomes an IP-address SAN); the first name is also the common name.
     *
     * @param names at least one
     * @return the identity
     */
    public Identity server(String... names) {
        Instant now = Instant.now();
        return issue(names, KeyPurposeId.id_kp_serverAuth, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /**
     * A server certificate for {@code names} that expired yesterday.
     *
     * @param names at least one
     * @return the identity
     */
    public Identity expiredServer(String... names) {
        Instant now = Instant.now();
        return issue(names, KeyPurposeId.id_kp_serverAuth, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    /**
     * A client certificate (for mutual TLS) with common name {@code commonName}.
     *
     * @param commonName the name
     * @return the identity
     */
    public Identity client(String commonName) {
        Instant now = Instant.now();
        return issue(new String[] {commonName}, KeyPurposeId.id_kp_clientAuth, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
    }

    /**
     * A key store with the CA certificate as its only (trusted) entry.
     *
     * @return a PKCS#12 store
     */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", caCertificate);
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client context that trusts this CA and has no certificate of its own.
     *
     * @return the context
     */
    public SSLContext clientContext() {
        return context(null, trustStore());
    }

    /**
     * A client context that trusts this CA and presents {@code identity} when asked.
     *
     * @param identity the client's certificate
     * @return the context
     */
    public SSLContext clientContext(Identity identity) {
        return context(identity.keyStore(), trustStore());
    }

    private Identity issue(String[] names, KeyPurposeId purpose, Instant notBefore, Instant notAfter) {
        if (names.length == 0) {
            throw new IllegalArgumentException("at least one name is needed");
        }
        KeyPair keys = newKeys();
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(HostNames.literal(n) != null ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + names[0] + ", O=Spindle tests"), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCertificate));
            if (purpose == KeyPurposeId.id_kp_serverAuth) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            }
            X509Certificate cert = sign(b, caKeys.getPrivate());
            return new Identity(keys.getPrivate(), new X509Certificate[] {cert, caCertificate});
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + String.join(",", names), e);
        }
    }

    /** A private key with its certificate chain (leaf first, then the CA). */
    public final class Identity {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        Identity(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        /**
         * The leaf certificate.
         *
         * @return the certificate
         */
        public X509Certificate certificate() {
            return chain[0];
        }

        /**
         * A PKCS#12 store with the key and chain under alias {@code "key"}, password
         * {@link TestPki#PASSWORD}.
         *
         * @return the store
         */
        public KeyStore keyStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", key, PASSWORD, chain.clone());
                return ks;
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * A server context with this key that trusts the issuing CA (for client certificates).
         *
         * @return the context
         */
        public SSLContext serverContext() {
            return context(keyStore(), trustStore());
        }

        @Override
        public String toString() {
            return "Identity[" + chain[0].getSubjectX500Principal() + " issued by " + name + "]";
        }
    }

    private static SSLContext context(@Nullable KeyStore keys, KeyStore trust) {
        try {
            KeyManager[] kms = null;
            if (keys != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD);
                kms = kmf.getKeyManagers();
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kms, tmf.getTrustManagers(), new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an SSLContext", e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator", e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        ContentSigner s;
        try {
            s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
        }
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(b.build(s));
        c.checkValidity(Date.from(c.getNotBefore().toInstant().plusSeconds(1)));
        return c;
    }
}
