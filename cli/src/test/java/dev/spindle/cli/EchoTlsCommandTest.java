package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle echo --tls}, run in-process, with a JDK TLS client that trusts the printed certificate. */
@Timeout(60)
class EchoTlsCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("TLS certificate SHA-256 fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");

    @TempDir
    Path dir;

    /** One in-process run of {@code spindle echo}. */
    private static final class Run implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
        final CompletableFuture<EchoCommand> command = new CompletableFuture<>();
        final FutureTask<Integer> task;

        Run(String... args) throws Exception {
            Spindle spindle = new Spindle(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false, (c, address) -> {
                        command.complete(c);
                        listening.complete(address);
                    });
            task = new FutureTask<>(() -> spindle.execute(args));
            Thread t = new Thread(task, "echo-tls-under-test");
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() throws Exception {
            return listening.get(30, TimeUnit.SECONDS);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
            try {
                if (command.isDone()) {
                    assertTrue(command.get().shutdown(Duration.ofSeconds(10)));
                    assertEquals(Spindle.OK, task.get(10, TimeUnit.SECONDS), err::toString);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Test
    void echoesOverTlsWithTheCertificateItPrintedAndReusesItNextTime() throws Exception {
        Path keyStore = dir.resolve("nested").resolve("echo.p12");
        String fingerprint;
        try (Run run = new Run("echo", "--port", "0", "--tls", "--tls-keystore", keyStore.toString())) {
            InetSocketAddress address = run.address();
            String out = run.out();
            assertTrue(out.contains("TLS certificate created in " + keyStore), out);
            assertTrue(out.contains("(backend select, TLS)"), out);
            Matcher m = FINGERPRINT.matcher(out);
            assertTrue(m.find(), out);
            fingerprint = m.group(1);

            X509Certificate cert = certificateIn(keyStore);
            assertEquals(EchoTls.fingerprint(cert), fingerprint, "the printed fingerprint is the stored certificate's");
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            assertTrue(sans.contains(List.of(2, "localhost")), sans::toString);
            assertTrue(sans.contains(List.of(7, "127.0.0.1")), sans::toString);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyStore)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyStore.getParent())));

            byte[] hello = "hello over TLS\n".getBytes(StandardCharsets.UTF_8);
            try (SSLSocket s = client(trusting(cert), address.getPort())) {
                s.getOutputStream().write(hello);
                s.getOutputStream().flush();
                assertArrayEquals(hello, s.getInputStream().readNBytes(hello.length));
                assertEquals("TLSv1.3", s.getSession().getProtocol());
            }
        }
        try (Run again = new Run("echo", "--port", "0", "--tls", "--tls-keystore", keyStore.toString())) {
            again.address();
            assertTrue(again.out().contains("TLS certificate loaded from " + keyStore), again.out());
            assertTrue(again.out().contains(fingerprint), "same certificate on the second run");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsAndTheServerGoesOn() throws Exception {
        Path keyStore = dir.resolve("echo.p12");
        try (Run run = new Run("echo", "--port", "0", "--tls", "--tls-keystore", keyStore.toString())) {
            int port = run.address().getPort();
            SSLContext defaults = SSLContext.getInstance("TLS");
            defaults.init(null, null, null);
            try (SSLSocket s = client(defaults, port)) {
                SSLHandshakeException e = org.junit.jupiter.api.Assertions.assertThrows(SSLHandshakeException.class, s::startHandshake);
                assertNotEquals(null, e.getMessage());
            }
            try (SSLSocket s = client(trusting(certificateIn(keyStore)), port)) {
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                assertEquals(1, in.read());
            }
        }
    }

    @Test
    void tlsKeystoreWithoutTlsIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Spindle(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, null)
                .execute(new String[] {"echo", "--port", "0", "--tls-keystore", "x.p12"});
        assertEquals(Spindle.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--tls-keystore needs --tls"), err::toString);
    }

    @Test
    void anUnreadableKeystoreFailsWithExitCode1() throws Exception {
        Path bad = dir.resolve("bad.p12");
        Files.writeString(bad, "not a key store");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Spindle(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, null)
                .execute(new String[] {"echo", "--port", "0", "--tls", "--tls-keystore", bad.toString()});
        assertEquals(Spindle.FAILED, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot use the TLS key store " + bad), err::toString);
    }

    private static X509Certificate certificateIn(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, EchoTls.PASSWORD.toCharArray());
        }
        return (X509Certificate) ks.getCertificate(EchoTls.ALIAS);
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("echo", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** A client that verifies the host name as HTTPS does, against 127.0.0.1. */
    private static SSLSocket client(SSLContext context, int port) throws Exception {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), port);
        s.setSoTimeout(20_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }
}
