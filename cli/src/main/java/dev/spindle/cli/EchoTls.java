package dev.spindle.cli;

import dev.spindle.reactor.TlsServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The certificate of {@code spindle echo --tls}: a self-signed EC P-256 certificate for
 * {@code localhost}, {@code 127.0.0.1} and the {@code --host} value, made on first use and kept
 * in a PKCS#12 file (mode 600, password {@value #PASSWORD}) that later runs reuse, so its
 * fingerprint stays the same. An expired certificate is replaced.
 */
final class EchoTls {
    /** The key store's password: the file's protection is its mode, not this. */
    static final String PASSWORD = "spindle";
    static final String ALIAS = "spindle-echo";
    static final Duration VALIDITY = Duration.ofDays(825);

    private final Path keyStorePath;
    private final KeyStore keyStore;
    private final X509Certificate certificate;
    private final boolean created;

    private EchoTls(Path keyStorePath, KeyStore keyStore, X509Certificate certificate, boolean created) {
        this.keyStorePath = keyStorePath;
        this.keyStore = keyStore;
        this.certificate = certificate;
        this.created = created;
    }

    /** {@code ~/.spindle/echo-tls.p12}. */
    static Path defaultKeyStore() {
        return Path.of(System.getProperty("user.home"), ".spindle", "echo-tls.p12");
    }

    /**
     * Loads the key store at {@code path}, or makes it (and its directory, mode 700) when absent
     * or when its certificate has expired.
     *
     * @param path the PKCS#12 file
     * @param host the {@code --host} value, added to the names of a new certificate
     * @return the certificate and key
     * @throws IOException if the file cannot be read or written
     * @throws GeneralSecurityException if it is not a usable key store
     */
    static EchoTls loadOrCreate(Path path, String host) throws IOException, GeneralSecurityException {
        if (Files.exists(path)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(path)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            X509Certificate cert = firstKeyCertificate(ks, path);
            if (cert.getNotAfter().toInstant().isAfter(Instant.now())) {
                return new EchoTls(path, ks, cert, false);
            }
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        List<String> dns = new ArrayList<>(List.of("localhost"));
        List<InetAddress> ips = new ArrayList<>(List.of(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1})));
        addHost(host, dns, ips);
        Instant now = Instant.now();
        X509Certificate cert = SelfSignedCertificate.create(keys, "spindle echo", dns, ips, now.minus(Duration.ofHours(1)),
                now.plus(VALIDITY));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, keys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {cert});
        store(ks, path);
        return new EchoTls(path, ks, cert, true);
    }

    private static void addHost(String host, List<String> dns, List<InetAddress> ips) throws UnknownHostException {
        String h = host.trim();
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("localhost")) {
            return;
        }
        if (h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            InetAddress a = InetAddress.getByName(h);
            if (!ips.contains(a)) {
                ips.add(a);
            }
        } else {
            dns.add(h.toLowerCase(Locale.ROOT));
        }
    }

    private static X509Certificate firstKeyCertificate(KeyStore ks, Path path) throws GeneralSecurityException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate) {
                return (X509Certificate) ks.getCertificate(alias);
            }
        }
        throw new GeneralSecurityException(path + " holds no private key with an X.509 certificate");
    }

    /** Writes the store to a private temporary file beside {@code path}, then moves it in place. */
    private static void store(KeyStore ks, Path path) throws IOException, GeneralSecurityException {
        Path dir = path.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        Path tmp = posix
                ? Files.createTempFile(dir, ".echo-tls", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".echo-tls", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, PASSWORD.toCharArray());
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileAlreadyExistsException | java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Server options with this key, TLS 1.3 and 1.2.
     *
     * @return the options
     */
    TlsServerOptions serverOptions() {
        return TlsServerOptions.builder(keyStore, PASSWORD.toCharArray()).build();
    }

    /**
     * The certificate's SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints
     * it: upper-case hex pairs joined by colons.
     *
     * @return the fingerprint
     */
    String fingerprint() {
        return fingerprint(certificate);
    }

    static String fingerprint(X509Certificate cert) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
        StringBuilder sb = new StringBuilder(digest.length * 3);
        for (byte b : digest) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
        }
        return sb.toString();
    }

    X509Certificate certificate() {
        return certificate;
    }

    Path keyStorePath() {
        return keyStorePath;
    }

    boolean created() {
        return created;
    }
}
