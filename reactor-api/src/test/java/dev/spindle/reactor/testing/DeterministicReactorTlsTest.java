package dev.spindle.reactor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsHandshakeException;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import dev.spindle.reactor.contract.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TLS on {@link DeterministicReactor} with {@link MemoryTransport}: the TLS layer is the same as
 * over real sockets, and here the test decides how the ciphertext is cut (one byte at a time,
 * odd sizes, everything at once), when records arrive relative to pausing, and when time passes.
 */
class DeterministicReactorTlsTest {
    private static final TestPki PKI = TestPki.create("Deterministic TLS CA");
    private static final TestPki.Identity SERVER = PKI.server("localhost", "127.0.0.1");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final RecordingProtocol client = new RecordingProtocol();
    private @Nullable RecordingProtocol server;
    private @Nullable ConnectAttempt attempt;
    private @Nullable MemoryTransport clientSocket;
    private @Nullable MemoryTransport serverSocket;

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    /** Connects a TLS client and a TLS server of this reactor through two memory sockets; no byte moved yet. */
    private void connect(RecordingProtocol serverProtocol) {
        ListeningPort port = reactor.listenTls(new InetSocketAddress(LOOPBACK, 8883), remote -> {
            server = serverProtocol;
            return serverProtocol;
        }, TlsServerOptions.builder(SERVER.serverContext()).build());
        attempt = reactor.connectTls("127.0.0.1", 8883, client, TlsClientOptions.builder().sslContext(PKI.clientContext()).build());
        clientSocket = reactor.tcpConnects().get(0).succeed();
        serverSocket = reactor.accept(port, new InetSocketAddress(LOOPBACK, 50_000));
    }

    /** Moves ciphertext both ways in pieces of {@code piece} bytes until neither side has more. */
    private void shuttle(int piece) {
        for (int round = 0; round < 1000; round++) {
            byte[] toServer = clientSocket.takeWritten();
            byte[] toClient = serverSocket.takeWritten();
            if (toServer.length == 0 && toClient.length == 0) {
                reactor.runUntilIdle();
                if (clientSocket.written().length == 0 && serverSocket.written().length == 0) {
                    return;
                }
                continue;
            }
            deliver(serverSocket, toServer, piece);
            deliver(clientSocket, toClient, piece);
        }
        throw new AssertionError("the two sides never went quiet");
    }

    private static void deliver(MemoryTransport socket, byte[] bytes, int piece) {
        for (int at = 0; at < bytes.length && !socket.isSocketClosed(); at += piece) {
            int n = Math.min(piece, bytes.length - at);
            byte[] part = new byte[n];
            System.arraycopy(bytes, at, part, 0, n);
            socket.deliver(part);
        }
    }

    private Transport handshake(int piece) {
        shuttle(piece);
        CompletableFuture<Transport> result = attempt.result().toCompletableFuture();
        assertTrue(result.isDone() && !result.isCompletedExceptionally(), () -> "handshake done: " + result);
        return result.join();
    }

    @Test
    @DisplayName("Ciphertext arriving one byte at a time: the handshake completes and every record is delivered whole")
    void oneByteAtATime() {
        connect(new RecordingProtocol.Echo());
        Transport t = handshake(1);
        assertEquals(List.of("made"), client.events());
        t.write("hello, tls".getBytes(UTF_8));
        shuttle(1);
        assertEquals("hello, tls", client.receivedText());
        assertEquals("hello, tls", server.receivedText());
    }

    @Test
    @DisplayName("Odd piece sizes (7, 1000, 16 500 bytes) over 300 KiB each way: the stream arrives intact")
    void oddPieceSizesKeepTheStreamIntact() {
        for (int piece : new int[] {7, 1000, 16_500}) {
            RecordingProtocol c = new RecordingProtocol();
            RecordingProtocol.Echo s = new RecordingProtocol.Echo();
            DeterministicReactor r = DeterministicReactor.create();
            r.start();
            try {
                ListeningPort port = r.listenTls(new InetSocketAddress(LOOPBACK, 8883), remote -> s,
                        TlsServerOptions.builder(SERVER.serverContext()).build());
                ConnectAttempt a = r.connectTls("127.0.0.1", 8883, c, TlsClientOptions.builder().sslContext(PKI.clientContext()).build());
                MemoryTransport cs = r.tcpConnects().get(0).succeed();
                MemoryTransport ss = r.accept(port, new InetSocketAddress(LOOPBACK, 50_001));
                StreamPattern.Source src = new StreamPattern.Source();
                boolean written = false;
                for (int round = 0; round < 10_000 && c.receivedBytes() < 300_000; round++) {
                    if (!written && a.result().toCompletableFuture().isDone()) {
                        Transport t = a.result().toCompletableFuture().join();
                        for (int i = 0; i < 30; i++) {
                            t.write(src.next(10_000));
                        }
                        written = true;
                    }
                    deliver(ss, cs.takeWritten(), piece);
                    deliver(cs, ss.takeWritten(), piece);
                    r.runUntilIdle();
                }
                assertEquals(300_000, c.receivedBytes(), "piece " + piece);
                c.pattern().assertIntact();
                s.pattern().assertIntact();
            } finally {
                r.terminate();
            }
        }
    }

    @Test
    @DisplayName("Handshake timeout on the manual clock: nothing at 9.9 s, TlsHandshakeException TIMEOUT at 10 s, socket closed")
    void handshakeTimeoutOnTheManualClock() {
        attempt = reactor.connectTls("127.0.0.1", 8883, client, TlsClientOptions.builder().sslContext(PKI.clientContext()).build());
        MemoryTransport socket = reactor.tcpConnects().get(0).succeed();
        assertTrue(socket.takeWritten().length > 0, "the ClientHello was sent");
        reactor.advance(Duration.ofMillis(9_900));
        assertFalse(attempt.result().toCompletableFuture().isDone());
        reactor.advance(Duration.ofMillis(100));
        CompletableFuture<?> f = attempt.result().toCompletableFuture();
        assertTrue(f.isCompletedExceptionally());
        TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class, f.handle((v, x) -> x).join());
        assertEquals(TlsHandshakeException.Reason.TIMEOUT, e.reason());
        assertTrue(socket.isSocketClosed());
        assertEquals(List.of(), client.events());
    }

    @Test
    @DisplayName("pauseReading holds records already read: only the first of three records is delivered; after resumeReading the rest come in a later pass")
    void pausedReaderHoldsRecordsAlreadyRead() {
        RecordingProtocol paused = new RecordingProtocol() {
            private boolean first = true;

            @Override
            protected void onData(ByteBuffer data) {
                if (first) {
                    first = false;
                    transport().pauseReading();
                }
            }
        };
        connect(paused);
        Transport t = handshake(100_000);
        StreamPattern.Source src = new StreamPattern.Source();
        for (int i = 0; i < 3; i++) {
            t.write(src.next(16_384));
        }
        byte[] ciphertext = clientSocket.takeWritten();
        serverSocket.deliver(ciphertext);
        assertEquals(16_384, server.receivedBytes(), "one record, then paused");
        assertFalse(serverSocket.wantsRead(), "the socket is not read while paused");
        server.transport().resumeReading();
        assertEquals(16_384, server.receivedBytes(), "held records wait for a later pass");
        reactor.runUntilIdle();
        assertEquals(3 * 16_384, server.receivedBytes());
        server.pattern().assertIntact();
        assertTrue(serverSocket.wantsRead(), "reading resumed once the held records were delivered");
    }

    @Test
    @DisplayName("close(): close_notify reaches the server as eofReceived, which closes; both sides end with connectionLost(null)")
    void closeNotifyIsEndOfStream() {
        connect(new RecordingProtocol());
        Transport t = handshake(100_000);
        t.close();
        assertTrue(clientSocket.isSocketClosed());
        serverSocket.deliver(clientSocket.takeWritten());
        assertNull(server.lost().getNow(new IllegalStateException("not lost")));
        assertEquals(List.of("made", "eof", "lost"), server.events());
        assertNull(client.lost().getNow(new IllegalStateException("not lost")));
    }

    @Test
    @DisplayName("TCP end of stream without close_notify: connectionLost(ConnectionLostException) naming the missing close_notify, no eofReceived")
    void endOfStreamWithoutCloseNotifyIsReported() {
        connect(new RecordingProtocol());
        handshake(100_000);
        clientSocket.deliverEof();
        Throwable cause = client.lost().getNow(null);
        assertInstanceOf(ConnectionLostException.class, cause);
        assertTrue(cause.getMessage().contains("close_notify"), cause.getMessage());
        assertEquals(List.of("made", "lost"), client.events());
    }

    @Test
    @DisplayName("terminate() during the handshake fails the attempt and closes the socket")
    void terminateDuringTheHandshake() {
        connect(new RecordingProtocol());
        reactor.terminate();
        assertTrue(attempt.result().toCompletableFuture().isCompletedExceptionally());
        assertTrue(clientSocket.isSocketClosed());
        assertTrue(serverSocket.isSocketClosed());
    }
}
