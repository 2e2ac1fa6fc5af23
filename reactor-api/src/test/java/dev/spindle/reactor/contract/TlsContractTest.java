package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsHandshakeException;
import dev.spindle.reactor.TlsHandshakeException.Reason;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.TlsTransport;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS over real loopback TCP ({@code DescriptorReactor.connectTls}/{@code listenTls},
 * {@code TlsTransport}): TLS 1.3 and 1.2, certificate and host-name checks, SNI, ALPN, mutual
 * TLS, handshake failures of every kind delivered as typed failures (never a hang), the
 * handshake timeout, {@code close_notify} on close and its absence on abort, back-pressure and
 * the hard limit, half-close, graceful stop, renegotiation refused and TLS 1.3 key updates.
 *
 * <p>Certificates come from {@link TestPki}, made when the class loads; no key is checked in.
 * The peer is a second Spindle endpoint where both sides must be observed, a JDK
 * {@link SSLSocket} where the JDK's own behaviour is the point (renegotiation, key update), and a
 * plain socket where the peer must misbehave.
 */
@Timeout(60)
public abstract class TlsContractTest extends ReactorContractSupport {
    private static final TestPki PKI = TestPki.create("Spindle test CA");
    private static final TestPki OTHER_PKI = TestPki.create("Some other CA");
    private static final TestPki.Identity LOCALHOST = PKI.server("localhost", "127.0.0.1");
    private static final int CHUNK = 64 * 1024;

    /** For subclasses. */
    protected TlsContractTest() {
    }

    // ------------------------------------------------------------------ working connections

    @Test
    @DisplayName("connectTls/listenTls, TLS 1.3: echo; connectionMade after the handshake and before the stage completes; close sends close_notify (the server sees eof), clean close on both ends")
    public void echoOverTls13() {
        echo("TLSv1.3");
    }

    @Test
    @DisplayName("connectTls/listenTls, TLS 1.2: echo; close_notify exchanged; clean close on both ends")
    public void echoOverTls12() {
        echo("TLSv1.2");
    }

    private void echo(String protocol) {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of(protocol)).build(), RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        CompletionStage<Transport> result = h.call(() -> {
            CompletionStage<Transport> s = h.reactor().connectTls("127.0.0.1", server.port(), client,
                    clientOptions().protocols(List.of(protocol)).build()).result();
            s.thenRun(() -> client.mark("result"));
            return s;
        });
        Transport t = ReactorHarness.await(result);
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            TlsTransport tls = assertInstanceOf(TlsTransport.class, t);
            assertEquals(protocol, tls.session().getProtocol());
            assertEquals(protocol, ((TlsTransport) accepted.transport()).session().getProtocol());
            assertNull(tls.applicationProtocol(), "no ALPN asked for");
            assertEquals(new InetSocketAddress(BlockingPeer.LOOPBACK, server.port()), t.remoteAddress());
            assertTrue(t.isWritable());
            t.write("hello, ".getBytes(UTF_8));
            t.write(new ByteBuffer[] {ByteBuffer.wrap("tls ".getBytes(UTF_8)), ByteBuffer.wrap(protocol.getBytes(UTF_8))});
        });
        String expected = "hello, tls " + protocol;
        ReactorHarness.await("the echo", () -> client.receivedBytes() == expected.length());
        assertEquals(expected, client.receivedText());

        h.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()), "close_notify is a clean end of stream for the server");
        assertEquals(List.of("made", "result", "data", "lost"), client.events());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(0, client.offLoopCalls() + accepted.offLoopCalls());
    }

    @Test
    @DisplayName("SNI: connecting to a host name sends it; an address literal sends none; serverName(...) overrides, and verification accepts a certificate for that name")
    public void sniReachesTheServer() {
        ReactorHarness h = started();
        TestPki.Identity named = PKI.server("tls.spindle.test");
        Server server = listenTls(h, serverOptions(named).build(), RecordingProtocol::new);
        Transport t = connectTls(h, "127.0.0.1", server.port(), new RecordingProtocol(),
                clientOptions().serverName("tls.spindle.test").build());
        RecordingProtocol accepted = server.next();
        assertEquals(List.of(new SNIHostName("tls.spindle.test")), requestedNames(h, accepted));
        h.run(t::close);

        Server local = listenTls(h, serverOptions(LOCALHOST).build(), RecordingProtocol::new);
        connectTls(h, "127.0.0.1", local.port(), new RecordingProtocol(), clientOptions().build());
        assertEquals(List.of(), requestedNames(h, local.next()), "no SNI for an address literal");
        connectTls(h, "localhost", local.port(), new RecordingProtocol(), clientOptions().build());
        assertEquals(List.of(new SNIHostName("localhost")), requestedNames(h, local.next()));
    }

    private static List<SNIServerName> requestedNames(ReactorHarness h, RecordingProtocol accepted) {
        return h.call(() -> ((ExtendedSSLSession) ((TlsTransport) accepted.transport()).session()).getRequestedServerNames());
    }

    @Test
    @DisplayName("ALPN: the server picks a protocol both offer; both transports report it")
    public void alpnNegotiatesAProtocol() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).applicationProtocols(List.of("mqtt", "h2")).build(),
                RecordingProtocol::new);
        Transport t = connectTls(h, "127.0.0.1", server.port(), new RecordingProtocol(),
                clientOptions().applicationProtocols(List.of("x-unknown", "mqtt")).build());
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            assertEquals("mqtt", ((TlsTransport) t).applicationProtocol());
            assertEquals("mqtt", ((TlsTransport) accepted.transport()).applicationProtocol());
        });
    }

    @Test
    @DisplayName("Mutual TLS: a server with clientAuth NEED accepts a client certificate from its CA and sees it in the session")
    public void mutualTlsWithAClientCertificate() throws Exception {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).clientAuth(TlsServerOptions.ClientAuth.NEED).build(),
                RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(h, "127.0.0.1", server.port(), client,
                TlsClientOptions.builder().sslContext(PKI.clientContext(PKI.client("alice"))).build());
        RecordingProtocol accepted = server.next();
        String peer = h.call(() -> ((TlsTransport) accepted.transport()).session().getPeerPrincipal().getName());
        assertTrue(peer.contains("CN=alice"), peer);
        h.run(() -> t.write("mtls".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 4);
    }

    @Test
    @DisplayName("verifyHostName(false): a trusted certificate for another name is accepted")
    public void hostNameVerificationOffAcceptsAnotherName() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(PKI.server("other.example")).build(), RecordingProtocol::new);
        Transport t = connectTls(h, "127.0.0.1", server.port(), new RecordingProtocol(),
                clientOptions().verifyHostName(false).build());
        assertTrue(h.call(t::isOpen));
        server.next();
    }

    // ------------------------------------------------------------------ handshake failures

    @Test
    @DisplayName("TlsHandshakeException UNTRUSTED_CERTIFICATE: a server certificate from an unknown CA fails the client stage; neither protocol is called")
    public void untrustedCertificateFailsTheClientStage() {
        ReactorHarness h = started();
        BlockingQueue<TlsHandshakeException> serverFailures = new LinkedBlockingQueue<>();
        Server server = listenTls(h, serverOptions(OTHER_PKI.server("localhost", "127.0.0.1"))
                .handshakeFailureListener((remote, failure) -> serverFailures.add(failure)).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", server.port(), client, clientOptions().build());
        assertEquals(Reason.UNTRUSTED_CERTIFICATE, e.reason(), e::toString);
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
        assertNotNull(e.getCause());
        assertEquals(List.of(), client.events());
        assertNotNull(poll(serverFailures), "the server is told too (the client's alert)");
        assertEquals(0, server.waiting(), "the server's factory was never asked");
    }

    @Test
    @DisplayName("TlsHandshakeException HOST_NAME_MISMATCH: a trusted certificate for another name fails the client stage")
    public void wrongHostNameFailsTheClientStage() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(PKI.server("other.example")).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", server.port(), client, clientOptions().build());
        assertEquals(Reason.HOST_NAME_MISMATCH, e.reason(), e::toString);
        assertEquals(List.of(), client.events());
    }

    @Test
    @DisplayName("TlsHandshakeException CERTIFICATE_EXPIRED: an expired server certificate fails the client stage")
    public void expiredCertificateFailsTheClientStage() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(PKI.expiredServer("localhost", "127.0.0.1")).build(), RecordingProtocol::new);
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", server.port(), new RecordingProtocol(), clientOptions().build());
        assertEquals(Reason.CERTIFICATE_EXPIRED, e.reason(), e::toString);
    }

    @Test
    @DisplayName("Mutual TLS, TLS 1.2, no client certificate: the client stage fails with the server's alert; the server reports CERTIFICATE_REQUIRED and never builds a protocol")
    public void missingClientCertificateFailsBothSidesOnTls12() {
        ReactorHarness h = started();
        BlockingQueue<TlsHandshakeException> serverFailures = new LinkedBlockingQueue<>();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of("TLSv1.2"))
                .clientAuth(TlsServerOptions.ClientAuth.NEED)
                .handshakeFailureListener((remote, failure) -> serverFailures.add(failure)).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", server.port(), client, clientOptions().build());
        assertTrue(e.reason() == Reason.PEER_ALERT || e.reason() == Reason.CERTIFICATE_REQUIRED, e::toString);
        assertTrue(e.getMessage().contains("alert"), e.getMessage());
        assertEquals(Reason.CERTIFICATE_REQUIRED, poll(serverFailures).reason());
        assertEquals(List.of(), client.events());
        assertEquals(0, server.waiting());
    }

    @Test
    @DisplayName("Mutual TLS, TLS 1.3, no client certificate: the server reports CERTIFICATE_REQUIRED; the client, whose handshake may end first (RFC 8446), fails its stage or loses the connection naming certificate_required")
    public void missingClientCertificateFailsBothSidesOnTls13() {
        ReactorHarness h = started();
        BlockingQueue<TlsHandshakeException> serverFailures = new LinkedBlockingQueue<>();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of("TLSv1.3"))
                .clientAuth(TlsServerOptions.ClientAuth.NEED)
                .handshakeFailureListener((remote, failure) -> serverFailures.add(failure)).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        CompletionStage<Transport> result = h.call(() -> h.reactor().connectTls("127.0.0.1", server.port(), client,
                clientOptions().build()).result());
        assertEquals(Reason.CERTIFICATE_REQUIRED, poll(serverFailures).reason());
        Throwable failure;
        try {
            ReactorHarness.await(result);
            failure = ReactorHarness.await(client.lost());
            assertInstanceOf(ConnectionLostException.class, failure);
        } catch (AssertionError stageFailed) {
            failure = ReactorHarness.awaitFailure(result);
            assertInstanceOf(TlsHandshakeException.class, failure);
        }
        assertNotNull(failure);
        assertTrue(String.valueOf(failure.getMessage()).contains("certificate_required"), failure::toString);
        assertEquals(0, server.waiting());
    }

    @Test
    @DisplayName("No descriptor leaks: 30 handshakes failing on both sides (client certificate missing) leave the JVM's open descriptors where they were")
    public void failedHandshakesLeakNoDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "counts descriptors through /proc (Linux)");
        ReactorHarness h = started();
        BlockingQueue<TlsHandshakeException> serverFailures = new LinkedBlockingQueue<>();
        Server server = listenTls(h, serverOptions(LOCALHOST).clientAuth(TlsServerOptions.ClientAuth.NEED)
                .protocols(List.of("TLSv1.2"))
                .handshakeFailureListener((remote, failure) -> serverFailures.add(failure)).build(), RecordingProtocol::new);
        handshakeFailure(h, "127.0.0.1", server.port(), new RecordingProtocol(), clientOptions().build());
        poll(serverFailures);
        long before = openDescriptors(fds);
        for (int i = 0; i < 30; i++) {
            handshakeFailure(h, "127.0.0.1", server.port(), new RecordingProtocol(), clientOptions().build());
            assertEquals(Reason.CERTIFICATE_REQUIRED, poll(serverFailures).reason());
        }
        ReactorHarness.await("descriptors back to " + before + " (+3)", () -> openDescriptors(fds) <= before + 3);
        assertEquals(0, server.waiting());
    }

    private static long openDescriptors(Path fds) {
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("TlsHandshakeException CLOSED: a peer that accepts and closes, and one that sends half a record and closes, fail the stage; no hang")
    public void peerClosingMidHandshakeFailsTheStage() throws Exception {
        ReactorHarness h = started();
        ServerSocket closer = closeLater(BlockingPeer.listen(64 * 1024));
        thread("tls-closer", () -> rawPeer(closer, (in, out) -> {
            in.read(new byte[1]);
        }));
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", closer.getLocalPort(), new RecordingProtocol(), clientOptions().build());
        assertEquals(Reason.CLOSED, e.reason(), e::toString);

        ServerSocket half = closeLater(BlockingPeer.listen(64 * 1024));
        thread("tls-half", () -> rawPeer(half, (in, out) -> {
            in.read(new byte[512]);
            // A handshake record header announcing 64 bytes, then one byte of them.
            out.write(new byte[] {0x16, 0x03, 0x03, 0x00, 0x40, 0x02});
            out.flush();
        }));
        TlsHandshakeException e2 = handshakeFailure(h, "127.0.0.1", half.getLocalPort(), new RecordingProtocol(), clientOptions().build());
        assertEquals(Reason.CLOSED, e2.reason(), e2::toString);
    }

    @Test
    @DisplayName("TlsHandshakeException PROTOCOL_ERROR: a peer that answers the ClientHello with something that is not TLS fails the stage at once")
    public void garbageDuringTheHandshakeFailsTheStage() throws Exception {
        ReactorHarness h = started();
        ServerSocket garbage = closeLater(BlockingPeer.listen(64 * 1024));
        CompletableFuture<Boolean> peerSawEnd = new CompletableFuture<>();
        thread("tls-garbage", () -> rawPeer(garbage, (in, out) -> {
            in.read(new byte[512]);
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(UTF_8));
            out.flush();
            peerSawEnd.complete(drain(in));
        }));
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", garbage.getLocalPort(), new RecordingProtocol(), clientOptions().build());
        assertEquals(Reason.PROTOCOL_ERROR, e.reason(), e::toString);
        assertTrue(ReactorHarness.await(peerSawEnd), "the client closed the connection");
    }

    @Test
    @DisplayName("TlsHandshakeException TIMEOUT: a silent server fails the stage after handshakeTimeout and the connection is closed")
    public void silentServerTimesOut() throws Exception {
        ReactorHarness h = started();
        ServerSocket silent = closeLater(BlockingPeer.listen(64 * 1024));
        CompletableFuture<Boolean> peerSawEnd = new CompletableFuture<>();
        thread("tls-silent", () -> rawPeer(silent, (in, out) -> peerSawEnd.complete(drain(in))));
        TlsHandshakeException e = handshakeFailure(h, "127.0.0.1", silent.getLocalPort(), new RecordingProtocol(),
                clientOptions().handshakeTimeout(Duration.ofMillis(300)).build());
        assertEquals(Reason.TIMEOUT, e.reason(), e::toString);
        assertTrue(e.getMessage().contains("PT0.3S"), e.getMessage());
        assertTrue(ReactorHarness.await(peerSawEnd));
    }

    @Test
    @DisplayName("Server handshake timeout: a client that connects and says nothing is closed after handshakeTimeout and reported as TIMEOUT")
    public void silentClientIsClosedByTheServer() throws Exception {
        ReactorHarness h = started();
        BlockingQueue<TlsHandshakeException> serverFailures = new LinkedBlockingQueue<>();
        Server server = listenTls(h, serverOptions(LOCALHOST).handshakeTimeout(Duration.ofMillis(300))
                .handshakeFailureListener((remote, failure) -> serverFailures.add(failure)).build(), RecordingProtocol::new);
        Socket silent = closeLater(BlockingPeer.connect(server.port()));
        assertEquals(Reason.TIMEOUT, poll(serverFailures).reason());
        assertEquals(-1, silent.getInputStream().read(), "closed by the server");
        assertEquals(0, server.waiting());
    }

    @Test
    @DisplayName("ConnectAttempt.cancel() during the handshake: the stage fails with ConnectionFailedException caused by CancellationException; the peer sees the connection closed")
    public void cancelDuringTheHandshake() throws Exception {
        ReactorHarness h = started();
        ServerSocket silent = closeLater(BlockingPeer.listen(64 * 1024));
        CompletableFuture<Boolean> accepted = new CompletableFuture<>();
        CompletableFuture<Boolean> peerSawEnd = new CompletableFuture<>();
        thread("tls-cancel", () -> rawPeer(silent, (in, out) -> {
            in.read(new byte[1]);
            accepted.complete(true);
            peerSawEnd.complete(drain(in));
        }));
        RecordingProtocol client = new RecordingProtocol();
        ConnectAttempt attempt = h.call(() -> h.reactor().connectTls("127.0.0.1", silent.getLocalPort(), client, clientOptions().build()));
        ReactorHarness.await(accepted);
        assertTrue(h.call(attempt::cancel));
        assertFalse(h.call(attempt::cancel));
        Throwable e = ReactorHarness.awaitFailure(attempt.result());
        assertInstanceOf(ConnectionFailedException.class, e);
        assertInstanceOf(CancellationException.class, e.getCause());
        assertTrue(ReactorHarness.await(peerSawEnd));
        assertEquals(List.of(), client.events());
    }

    @Test
    @DisplayName("connectTls to a closed port fails like connectTcp: ConnectionFailedException, not a TLS failure")
    public void refusedConnectionIsNotATlsFailure() throws Exception {
        ReactorHarness h = started();
        int port = BlockingPeer.closedPort();
        Throwable e = ReactorHarness.awaitFailure(h.call(() -> h.reactor().connectTls("127.0.0.1", port,
                new RecordingProtocol(), clientOptions().build()).result()));
        assertInstanceOf(ConnectionFailedException.class, e);
        assertFalse(e instanceof TlsHandshakeException, e::toString);
    }

    // ------------------------------------------------------------------ closing

    @Test
    @DisplayName("abort() sends no close_notify: the peer's protocol gets ConnectionLostException naming the missing close_notify, not eofReceived")
    public void abortSendsNoCloseNotify() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(h, "127.0.0.1", server.port(), client, clientOptions().build());
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            t.write("last words".getBytes(UTF_8));
            t.abort();
            assertFalse(t.isOpen());
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        });
        assertInstanceOf(ConnectionLostException.class, ReactorHarness.await(client.lost()));
        Throwable serverSide = ReactorHarness.await(accepted.lost());
        assertInstanceOf(ConnectionLostException.class, serverSide);
        assertTrue(serverSide.getMessage().contains("close_notify"), serverSide::getMessage);
        assertFalse(accepted.events().contains("eof"), accepted.events()::toString);
    }

    @Test
    @DisplayName("Half-close over TLS 1.3: shutdownOutput() sends close_notify; the server (eofReceived → true) replies and closes; the client reads the reply")
    public void halfCloseLetsThePeerReply() {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of("TLSv1.3")).build(),
                () -> new RecordingProtocol().keepOpenOnEof());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(h, "127.0.0.1", server.port(), client, clientOptions().build());
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            t.write("request".getBytes(UTF_8));
            t.shutdownOutput();
            assertTrue(t.isOpen());
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        });
        ReactorHarness.await("the server's eofReceived", () -> accepted.events().contains("eof"));
        h.run(() -> {
            Transport st = accepted.transport();
            st.write(("reply:" + accepted.receivedText()).getBytes(UTF_8));
            st.close();
        });
        assertNull(ReactorHarness.await(client.lost()));
        assertEquals("reply:request", client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), client.events());
        assertNull(ReactorHarness.await(accepted.lost()));
    }

    @Test
    @DisplayName("CoreReactor.stop() closes TLS connections with close_notify: the peer on another reactor sees eof and a clean close")
    public void stopSendsCloseNotify() {
        ReactorHarness serverSide = started();
        ReactorHarness clientSide = started();
        Server server = listenTls(serverSide, serverOptions(LOCALHOST).build(), RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        connectTls(clientSide, "127.0.0.1", server.port(), client, clientOptions().build());
        RecordingProtocol accepted = server.next();
        serverSide.reactor().stop();
        serverSide.awaitState(ReactorState.STOPPED);
        assertNull(ReactorHarness.await(accepted.lost()));
        assertNull(ReactorHarness.await(client.lost()));
        assertEquals(List.of("made", "eof", "lost"), client.events());
    }

    // ------------------------------------------------------------------ flow

    @Test
    @DisplayName("Back-pressure over TLS: a receiver paused after its first data backs the sender up (writabilityChanged(false) once, nothing delivered while paused); after resume every byte arrives intact and the sender is writable again")
    public void backPressureAndPausedReaderDeliverEverythingIntact() {
        ReactorHarness h = started();
        AtomicInteger whilePaused = new AtomicInteger();
        AtomicInteger deliveries = new AtomicInteger();
        Server server = listenTls(h, serverOptions(LOCALHOST).build(), () -> new RecordingProtocol() {
            @Override
            protected void onData(ByteBuffer data) {
                if (transport().isReadingPaused()) {
                    whilePaused.incrementAndGet();
                }
                if (deliveries.getAndIncrement() == 0) {
                    transport().pauseReading();
                }
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(h, "127.0.0.1", server.port(), client, clientOptions().build());
        RecordingProtocol receiver = server.next();
        StreamPattern.Source src = new StreamPattern.Source();
        h.run(() -> t.write(src.next(100)));
        ReactorHarness.await("the first bytes", () -> receiver.receivedBytes() > 0);
        long[] after = h.call(() -> {
            fillUntilUnwritable(t, src, CHUNK, 8L << 20);
            return new long[] {src.offset(), t.pendingWriteBytes()};
        });
        assertTrue(after[1] > h.reactor().config().writeHighWatermark(), "pending " + after[1]);
        assertEquals(List.of(false), client.writability());
        assertFalse(h.call(t::isWritable));

        assertEquals(100, receiver.receivedBytes(), "nothing delivered while paused");
        long written = after[0];
        h.run(() -> receiver.transport().resumeReading());
        ReactorHarness.await("all " + written + " bytes", () -> receiver.receivedBytes() == written);
        receiver.pattern().assertIntact();
        assertEquals(0, whilePaused.get(), "dataReceived while paused");
        ReactorHarness.await("writable again", () -> client.writability().equals(List.of(false, true)));
        assertEquals(0L, h.call(t::pendingWriteBytes));
    }

    @Test
    @DisplayName("WriteBufferFullException over TLS: a write past maxPendingWriteBytes (with record overhead) throws and encrypts nothing; earlier data still arrives intact")
    public void writePastTheHardLimitThrows() {
        long max = 512 * 1024;
        ReactorHarness h = started(config().writeWatermarks(16 * 1024, 64 * 1024).maxPendingWriteBytes(max).build());
        Server server = listenTls(h, serverOptions(LOCALHOST).build(), () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.pauseReading();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(h, "127.0.0.1", server.port(), client, clientOptions().build());
        RecordingProtocol receiver = server.next();
        StreamPattern.Source src = new StreamPattern.Source();
        int chunk = 16 * 1024;
        long written = h.call(() -> {
            while (t.pendingWriteBytes() + 2 * chunk + 8192 < max) {
                if (src.offset() > (48L << 20)) {
                    throw new AssertionError("pending output does not grow: " + t.pendingWriteBytes());
                }
                t.write(src.next(chunk));
            }
            long before = t.pendingWriteBytes();
            WriteBufferFullException e = assertThrows(WriteBufferFullException.class,
                    () -> t.write(ByteBuffer.allocate((int) (max - before))));
            assertTrue(e.getMessage().contains(String.valueOf(max)), e.getMessage());
            assertEquals(before, t.pendingWriteBytes(), "a refused write queues nothing");
            assertTrue(t.isOpen());
            return src.offset();
        });
        h.run(() -> receiver.transport().resumeReading());
        ReactorHarness.await("all " + written + " bytes", () -> receiver.receivedBytes() == written);
        receiver.pattern().assertIntact();
    }

    // ------------------------------------------------------------------ JDK peers

    @Test
    @DisplayName("Renegotiation refused: a TLS 1.2 JDK SSLSocket client that starts a second handshake loses the connection; the server's protocol is told why")
    public void renegotiationIsRefused() throws Exception {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of("TLSv1.2")).build(), RecordingProtocol.Echo::new);
        CompletableFuture<Throwable> clientFailure = new CompletableFuture<>();
        thread("tls-renegotiator", () -> {
            try (SSLSocket s = jdkClient(PKI.clientContext(), server.port(), "TLSv1.2")) {
                s.startHandshake();
                roundTrip(s, "before");
                s.startHandshake();
                roundTrip(s, "after");
                clientFailure.complete(null);
            } catch (IOException | RuntimeException e) {
                clientFailure.complete(e);
            }
        });
        RecordingProtocol accepted = server.next();
        Throwable lost = ReactorHarness.await(accepted.lost());
        assertInstanceOf(ConnectionLostException.class, lost);
        assertTrue(lost.getMessage().contains("renegotiation"), lost::getMessage);
        assertNotNull(ReactorHarness.await(clientFailure), "the JDK client must not complete a renegotiated round trip");
        assertEquals("before", accepted.receivedText());
    }

    @Test
    @DisplayName("TLS 1.3 key update: a JDK SSLSocket client that updates its keys mid-connection keeps talking")
    public void tls13KeyUpdateKeepsTheConnection() throws Exception {
        ReactorHarness h = started();
        Server server = listenTls(h, serverOptions(LOCALHOST).protocols(List.of("TLSv1.3")).build(), RecordingProtocol.Echo::new);
        CompletableFuture<@Nullable Throwable> client = new CompletableFuture<>();
        thread("tls-key-update", () -> {
            try (SSLSocket s = jdkClient(PKI.clientContext(), server.port(), "TLSv1.3")) {
                s.startHandshake();
                roundTrip(s, "before");
                s.startHandshake(); // TLS 1.3: a KeyUpdate, not a new handshake
                roundTrip(s, "after");
                client.complete(null);
            } catch (IOException | RuntimeException e) {
                client.complete(e);
            }
        });
        RecordingProtocol accepted = server.next();
        assertNull(ReactorHarness.await(client));
        ReactorHarness.await("both messages", () -> accepted.receivedBytes() == 11);
        assertEquals("beforeafter", accepted.receivedText());
    }

    // ------------------------------------------------------------------ helpers

    /** Server options with {@code identity}'s key, trusting the test CA for client certificates. */
    protected static TlsServerOptions.Builder serverOptions(TestPki.Identity identity) {
        return TlsServerOptions.builder(identity.serverContext());
    }

    /** Client options trusting the test CA. */
    protected static TlsClientOptions.Builder clientOptions() {
        return TlsClientOptions.builder().sslContext(PKI.clientContext());
    }

    /** Listens with TLS on 127.0.0.1 and a free port. */
    protected static Server listenTls(ReactorHarness h, TlsServerOptions options, Supplier<? extends RecordingProtocol> protocols) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> {
            ListeningPort lp = h.reactor().listenTls(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
                RecordingProtocol p = protocols.get();
                accepted.add(p);
                return p;
            }, options);
            return new Server(lp, lp.port(), accepted);
        });
    }

    /** Connects with TLS and waits for the transport. */
    protected static Transport connectTls(ReactorHarness h, String host, int port, Protocol protocol, TlsClientOptions options) {
        return ReactorHarness.await(h.call(() -> h.reactor().connectTls(host, port, protocol, options).result()));
    }

    private static TlsHandshakeException handshakeFailure(ReactorHarness h, String host, int port, Protocol protocol,
            TlsClientOptions options) {
        Throwable e = ReactorHarness.awaitFailure(h.call(() -> h.reactor().connectTls(host, port, protocol, options).result()));
        return assertInstanceOf(TlsHandshakeException.class, e);
    }

    private static <T> T poll(BlockingQueue<T> queue) {
        try {
            T t = queue.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (t == null) {
                throw new AssertionError("nothing reported within " + ReactorHarness.WAIT);
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static SSLSocket jdkClient(SSLContext context, int port, String protocol) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(BlockingPeer.LOOPBACK, port);
        s.setSoTimeout((int) ReactorHarness.WAIT.toMillis());
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }

    private static void roundTrip(SSLSocket s, String message) throws IOException {
        byte[] m = message.getBytes(UTF_8);
        s.getOutputStream().write(m);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(m.length);
        if (!message.equals(new String(back, UTF_8))) {
            throw new IOException("echo of '" + message + "' came back as '" + new String(back, UTF_8) + "'");
        }
    }

    /** Reads until end of stream or reset; true when the stream ended (not a time-out). */
    private static boolean drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
        return true;
    }

    /** Accepts one connection and runs {@code body} on it, then closes it. */
    private static void rawPeer(ServerSocket listener, RawBody body) {
        try (Socket s = BlockingPeer.accept(listener)) {
            body.run(s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
            // The client closed first or the test ended: the assertions are on the client side.
        }
    }

    @FunctionalInterface
    private interface RawBody {
        void run(InputStream in, OutputStream out) throws IOException;
    }
}
