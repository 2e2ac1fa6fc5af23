package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectTimeoutException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP on real loopback sockets: listening, connecting, the protocol callbacks and their order,
 * failures and argument checks (SPEC NET-1, NET-2; {@code DescriptorReactor}, {@code Transport},
 * {@code Protocol}). Server and client run on the reactor under test; a plain blocking
 * {@code java.net.Socket} is the peer where the other side must be passive or misbehave.
 *
 * <p>An attempt is held pending deterministically, without any traffic off loopback, by
 * connecting to a host name while the reactor's only worker thread (which resolves names) is
 * busy; the connect timeout then runs on an injected {@link ManualClock}.
 */
@Timeout(30)
public abstract class TcpContractTest extends ReactorContractSupport {

    /** For subclasses. */
    protected TcpContractTest() {
    }

    @Test
    @DisplayName("NET-1/NET-2: listen on port 0, connect, echo round trip; made→data→lost on the loop; clean close gives connectionLost(null) on both ends")
    public void echoRoundTrip() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol.Echo::new);
        assertTrue(server.port() > 0, "port 0 picks a free port: " + server.port());
        RecordingProtocol client = new RecordingProtocol();
        CompletionStage<Transport> result = h.call(() -> {
            CompletionStage<Transport> s = r.connectTcp("127.0.0.1", server.port(), client).result();
            s.thenRun(() -> client.mark("result"));
            return s;
        });
        Transport t = ReactorHarness.await(result);
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            assertSame(r, t.reactor());
            assertTrue(t.isOpen());
            assertEquals(new InetSocketAddress(BlockingPeer.LOOPBACK, server.port()), t.remoteAddress());
            assertEquals(t.localAddress(), accepted.transport().remoteAddress());
            assertEquals(t.remoteAddress(), accepted.transport().localAddress());
            t.write("hello, reactor".getBytes(UTF_8));
        });
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 14);
        assertEquals("hello, reactor", client.receivedText());

        h.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()), "the server closes after the client's EOF: a clean close");
        assertEquals(List.of("made", "result", "data", "lost"), client.events(), "connectionMade comes before the stage completes");
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(1, client.lostCalls());
        assertEquals(0, client.offLoopCalls() + accepted.offLoopCalls());
        assertFalse(h.call(t::isOpen));
    }

    @Test
    @DisplayName("Transport.write: 20 000 small writes arrive complete and in order; each write consumes its buffer")
    public void manySmallWritesArriveInOrder() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        RecordingProtocol accepted = server.next();
        int perBatch = 10_000;
        for (int batch = 0; batch < 2; batch++) {
            int first = batch * perBatch;
            int notConsumed = h.call(() -> {
                int left = 0;
                for (int i = first; i < first + perBatch; i++) {
                    ByteBuffer b = ByteBuffer.allocate(4).putInt(0, i);
                    t.write(b);
                    if (b.hasRemaining()) {
                        left++;
                    }
                }
                return left;
            });
            assertEquals(0, notConsumed, "write() must consume the buffer");
        }
        ReactorHarness.await("80 000 bytes", () -> accepted.receivedBytes() == 8L * perBatch);
        ByteBuffer got = ByteBuffer.wrap(accepted.received());
        for (int i = 0; i < 2 * perBatch; i++) {
            int v = got.getInt();
            if (v != i) {
                throw new AssertionError("int " + i + " arrived as " + v);
            }
        }
    }

    @Test
    @DisplayName("Transport.write(ByteBuffer[]): a gathering write sends the buffers in order and consumes them")
    public void gatheringWriteSendsBuffersInOrder() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        Transport t = connect(h, server.port(), new RecordingProtocol());
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            ByteBuffer[] parts = {ByteBuffer.wrap("one,".getBytes(UTF_8)), ByteBuffer.allocate(0),
                ByteBuffer.wrap("two,".getBytes(UTF_8)), ByteBuffer.wrap("three".getBytes(UTF_8))};
            t.write(parts);
            for (ByteBuffer p : parts) {
                assertFalse(p.hasRemaining());
            }
        });
        ReactorHarness.await("13 bytes", () -> accepted.receivedBytes() == 13);
        assertEquals("one,two,three", accepted.receivedText());
    }

    @Test
    @DisplayName("NET-1: a plain blocking client echoes through a reactor server; the factory sees the client's address")
    public void blockingClientEchoesThroughReactorServer() throws Exception {
        ReactorHarness h = started();
        AtomicReference<SocketAddress> seen = new AtomicReference<>();
        int port = h.call(() -> {
            ListeningPort lp = h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
                seen.set(remote);
                return new RecordingProtocol.Echo();
            });
            assertTrue(lp.isOpen());
            return lp.port();
        });
        Socket peer = closeLater(BlockingPeer.connect(port));
        peer.getOutputStream().write("ping".getBytes(UTF_8));
        byte[] back = peer.getInputStream().readNBytes(4);
        assertEquals("ping", new String(back, UTF_8));
        assertEquals(peer.getLocalSocketAddress(), seen.get());
    }

    @Test
    @DisplayName("Protocol.eofReceived: the peer's FIN gives eof, then (default false) a clean close: connectionLost(null)")
    public void peerCloseGivesEofThenCleanConnectionLost() throws Exception {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        Socket peer = closeLater(BlockingPeer.connect(server.port()));
        RecordingProtocol accepted = server.next();
        peer.getOutputStream().write("bye".getBytes(UTF_8));
        peer.shutdownOutput();
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals("bye", accepted.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(-1, peer.getInputStream().read(), "the reactor closes its side after the peer's EOF");
    }

    @Test
    @DisplayName("Protocol.connectionLost: a peer reset (SO_LINGER 0) gives a ConnectionLostException")
    public void peerResetGivesConnectionLostException() throws Exception {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        Socket peer = closeLater(BlockingPeer.connect(server.port()));
        RecordingProtocol accepted = server.next();
        peer.setSoLinger(true, 0);
        peer.close();
        assertInstanceOf(ConnectionLostException.class, ReactorHarness.await(accepted.lost()));
        assertEquals(1, accepted.lostCalls());
        assertFalse(h.call(() -> accepted.transport().isOpen()));
    }

    @Test
    @DisplayName("NET-2: connecting to a closed port fails the stage with ConnectionFailedException naming the target; the protocol is never called")
    public void connectRefusedFailsWithConnectionFailed() throws Exception {
        ReactorHarness h = started();
        int port = BlockingPeer.closedPort();
        RecordingProtocol client = new RecordingProtocol();
        CompletionStage<Transport> result = h.call(() -> h.reactor().connectTcp("127.0.0.1", port, client).result());
        Throwable failure = ReactorHarness.awaitFailure(result);
        assertInstanceOf(ConnectionFailedException.class, failure);
        assertTrue(String.valueOf(failure.getMessage()).contains(String.valueOf(port)), failure.getMessage());
        assertEquals(List.of(), client.events());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("ConnectAttempt.cancel(): before completion the stage fails with ConnectionFailedException caused by CancellationException; no connectionMade")
    public void cancelBeforeCompletionFailsWithCancellation() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol::new);
        RecordingProtocol cancelled = new RecordingProtocol();
        // A host name is resolved on the worker pool, so the attempt is surely pending in this task.
        CompletionStage<Transport> result = h.call(() -> {
            ConnectAttempt attempt = r.connectTcp("localhost", server.port(), cancelled);
            assertTrue(attempt.cancel());
            assertFalse(attempt.cancel(), "a second cancel returns false");
            return attempt.result();
        });
        Throwable failure = ReactorHarness.awaitFailure(result);
        assertInstanceOf(ConnectionFailedException.class, failure);
        assertInstanceOf(CancellationException.class, failure.getCause());

        // A later attempt through the same path completes; the cancelled one stays silent.
        RecordingProtocol later = new RecordingProtocol();
        ReactorHarness.await(h.call(() -> r.connectTcp("localhost", server.port(), later).result()));
        server.next();
        h.call(() -> null);
        assertEquals(List.of(), cancelled.events());
        assertEquals(0, server.waiting(), "the cancelled attempt must not have connected");
    }

    @Test
    @DisplayName("ConnectOptions.timeout: an attempt still pending when the timeout passes fails with ConnectTimeoutException; the protocol is never called")
    public void connectTimeoutFailsAPendingAttempt() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).workerThreads(1).build());
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol::new);
        CountDownLatch release = holdTheOnlyWorker(r);
        RecordingProtocol client = new RecordingProtocol();
        ConnectOptions options = ConnectOptions.builder().timeout(Duration.ofSeconds(5)).build();
        CompletionStage<Transport> result = h.call(() -> r.connectTcp("localhost", server.port(), client, options).result());

        clock.advance(Duration.ofSeconds(5));
        r.execute(() -> { });
        Throwable failure = ReactorHarness.awaitFailure(result);
        assertInstanceOf(ConnectTimeoutException.class, failure);
        assertTrue(String.valueOf(failure.getMessage()).contains(String.valueOf(server.port())), failure.getMessage());

        // The held-back resolution completes now and must be ignored.
        release.countDown();
        ReactorHarness.await(r.callInThread(() -> null)); // queued behind the resolution on the single worker
        h.call(() -> null);
        assertEquals(List.of(), client.events());
        assertEquals(0, server.waiting(), "a timed-out attempt must not connect later");
    }

    @Test
    @DisplayName("CoreReactor.stop(): an attempt still connecting fails with ConnectionFailedException; the protocol is never called")
    public void stopWhileConnectingFailsTheAttempt() {
        ReactorHarness h = started(config().workerThreads(1).build());
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol::new);
        holdTheOnlyWorker(r);
        RecordingProtocol client = new RecordingProtocol();
        CompletionStage<Transport> result = h.call(() -> r.connectTcp("localhost", server.port(), client).result());

        r.stop();
        assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(result));
        h.awaitState(ReactorState.STOPPED);
        assertEquals(List.of(), client.events());
    }

    @Test
    @DisplayName("DescriptorReactor.connectTcp: a host name (localhost) is resolved off the loop and connects")
    public void hostNameIsResolvedAndConnects() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTcp("localhost", server.port(), client).result()));
        InetSocketAddress remote = (InetSocketAddress) h.call(t::remoteAddress);
        assertTrue(remote.getAddress().isLoopbackAddress(), remote.toString());
        assertEquals(server.port(), remote.getPort());
        h.run(() -> t.write("via name".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 8);
    }

    @Test
    @DisplayName("ProtocolFactory: returning null refuses the connection: the peer sees end of stream")
    public void factoryReturningNullClosesTheConnection() throws Exception {
        ReactorHarness h = started();
        AtomicReference<SocketAddress> asked = new AtomicReference<>();
        int port = h.call(() -> h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
            asked.set(remote);
            return null;
        }).port());
        Socket peer = closeLater(BlockingPeer.connect(port));
        assertEquals(-1, peer.getInputStream().read());
        assertEquals(peer.getLocalSocketAddress(), asked.get());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("Protocol: an exception from dataReceived aborts that connection only (ConnectionLostException carrying it); others keep working")
    public void protocolThrowingInDataReceivedAbortsOnlyItsConnection() {
        ReactorHarness h = started();
        IllegalStateException failure = new IllegalStateException("protocol failure (expected by the test)");
        Server server = listen(h, () -> new RecordingProtocol.Echo() {
            @Override
            protected void onData(ByteBuffer data) {
                if (data.get(data.position()) == '!') {
                    throw failure;
                }
                super.onData(data);
            }
        });
        RecordingProtocol clientA = new RecordingProtocol();
        Transport a = connect(h, server.port(), clientA);
        RecordingProtocol serverA = server.next();
        RecordingProtocol clientB = new RecordingProtocol();
        Transport b = connect(h, server.port(), clientB);
        server.next();

        h.run(() -> a.write("!boom".getBytes(UTF_8)));
        Throwable cause = ReactorHarness.await(serverA.lost());
        assertInstanceOf(ConnectionLostException.class, cause);
        assertSame(failure, cause.getCause());
        ReactorHarness.await(clientA.lost());

        h.run(() -> b.write("fine".getBytes(UTF_8)));
        ReactorHarness.await("the other connection's echo", () -> clientB.receivedBytes() == 4);
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
        assertFalse(clientB.lost().isDone());
    }

    @Test
    @DisplayName("Protocol: an exception from connectionMade aborts that connection (connectionLost with ConnectionLostException); the peer sees it close")
    public void protocolThrowingInConnectionMadeAbortsItsConnection() throws Exception {
        ReactorHarness h = started();
        Server server = listen(h, () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                throw new IllegalStateException("connectionMade failure (expected by the test)");
            }
        });
        Socket peer = closeLater(BlockingPeer.connect(server.port()));
        RecordingProtocol accepted = server.next();
        assertInstanceOf(ConnectionLostException.class, ReactorHarness.await(accepted.lost()));
        StreamPattern.Check ignored = new StreamPattern.Check();
        BlockingPeer.readToEnd(peer.getInputStream(), ignored);
        assertEquals(0, ignored.count());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("NET-1: listening on a port in use throws CannotListenException naming the address")
    public void listenOnPortInUseThrowsCannotListen() throws Exception {
        ReactorHarness h = started();
        ServerSocket taken = closeLater(new ServerSocket(0, 50, BlockingPeer.LOOPBACK));
        int port = taken.getLocalPort();
        CannotListenException e = h.call(() -> assertThrows(CannotListenException.class,
                () -> h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, port), remote -> null)));
        assertTrue(String.valueOf(e.getMessage()).contains(String.valueOf(port)), e.getMessage());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("DescriptorReactor.listenTcp: an unresolved address is rejected with IllegalArgumentException")
    public void listenOnUnresolvedAddressThrowsIllegalArgument() {
        ReactorHarness h = started();
        h.run(() -> assertThrows(IllegalArgumentException.class,
                () -> h.reactor().listenTcp(InetSocketAddress.createUnresolved("localhost", 0), remote -> null)));
    }

    @Test
    @DisplayName("DescriptorReactor.connectTcp: a port outside 1..65535 is rejected with IllegalArgumentException naming it")
    public void connectWithPortOutOfRangeThrowsNamingIt() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        h.run(() -> {
            for (int port : new int[] {0, -1, 65536, 70000}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> r.connectTcp("127.0.0.1", port, new RecordingProtocol()));
                assertTrue(Pattern.compile("(?<![0-9-])" + Pattern.quote(String.valueOf(port)) + "(?![0-9])")
                        .matcher(String.valueOf(e.getMessage())).find(), "message should name " + port + ": " + e.getMessage());
            }
        });
    }

    @Test
    @DisplayName("ListeningPort.close(): new connections are refused, accepted ones stay up; close is idempotent")
    public void closedListeningPortRefusesNewConnectionsKeepsExisting() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        server.next();

        h.run(() -> {
            server.listeningPort().close();
            assertFalse(server.listeningPort().isOpen());
            server.listeningPort().close();
        });
        CompletionStage<Transport> refused = h.call(() -> r.connectTcp("127.0.0.1", server.port(), new RecordingProtocol()).result());
        assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(refused));

        h.run(() -> t.write("alive".getBytes(UTF_8)));
        ReactorHarness.await("the echo on the old connection", () -> client.receivedBytes() == 5);
        assertFalse(client.lost().isDone());
    }

    @Test
    @DisplayName("Transport: calls off the loop thread throw IllegalStateException")
    public void transportCallsOffTheLoopThrow() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        Transport t = connect(h, server.port(), new RecordingProtocol());
        RecordingProtocol accepted = server.next();
        assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        assertThrows(IllegalStateException.class, t::close);
        assertThrows(IllegalStateException.class, t::abort);
        assertThrows(IllegalStateException.class, t::pauseReading);
        h.call(() -> null);
        assertEquals(0, accepted.receivedBytes());
        assertTrue(h.call(t::isOpen));
    }

    /**
     * Occupies the worker pool's only thread until the returned latch (released after the test
     * at the latest) is counted down, so that a name look-up queued behind it stays pending.
     */
    private CountDownLatch holdTheOnlyWorker(Reactor r) {
        CountDownLatch running = latch(1);
        CountDownLatch release = latch(1);
        r.callInThread(() -> {
            running.countDown();
            return release.await(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
        await(running);
        return release;
    }
}
