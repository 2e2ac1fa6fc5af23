package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectTimeoutException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** In-memory TCP of {@link DeterministicReactor} (SPEC NET-1, NET-2, NET-8) over the real connector. */
class DeterministicReactorTcpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final RecordingProtocol protocol = new RecordingProtocol();

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally(), "failed: " + f);
        return assertThrows(CompletionException.class, f::join).getCause();
    }

    // ------------------------------------------------------------------ listening

    @Test
    @DisplayName("listenTcp records address, factory and options; port 0 gets fake ephemeral ports (SPEC NET-8)")
    void listenRecordsTheCall() {
        ListenOptions options = ListenOptions.builder().backlog(7).build();
        ListeningPort first = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> protocol, options);
        ListeningPort second = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> protocol);
        ListeningPort fixed = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 1883), remote -> protocol);

        assertEquals(DeterministicReactor.FIRST_EPHEMERAL_PORT, first.port());
        assertEquals(DeterministicReactor.FIRST_EPHEMERAL_PORT + 1, second.port());
        assertEquals(1883, fixed.port());
        List<TcpListener> recorded = reactor.tcpListeners();
        assertEquals(List.of(first, second, fixed), recorded);
        assertEquals(0, recorded.get(0).requestedAddress().getPort());
        assertSame(options, recorded.get(0).options());
        assertEquals(new InetSocketAddress(LOOPBACK, 1883), recorded.get(2).localAddress());
        assertTrue(first.isOpen());
    }

    @Test
    @DisplayName("a port already listened on cannot be bound again until closed (SPEC NET-1)")
    void portInUseCannotListen() {
        ListeningPort l = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 1883), remote -> protocol);

        CannotListenException e = assertThrows(CannotListenException.class,
                () -> reactor.listenTcp(new InetSocketAddress(1883), remote -> protocol));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());

        l.close();
        l.close();
        assertFalse(l.isOpen());
        assertEquals(1883, reactor.listenTcp(new InetSocketAddress(1883), remote -> protocol).port());
    }

    @Test
    void unresolvedBindAddressIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reactor.listenTcp(InetSocketAddress.createUnresolved("example.invalid", 80), remote -> protocol));

        assertTrue(e.getMessage().contains("example.invalid"), e.getMessage());
    }

    @Test
    @DisplayName("accept builds the protocol from the recorded factory and connects it")
    void acceptBuildsTheProtocol() {
        List<SocketAddress> asked = new ArrayList<>();
        ListeningPort l = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> {
            asked.add(remote);
            return protocol;
        });
        InetSocketAddress peer = new InetSocketAddress(LOOPBACK, 51_000);

        MemoryTransport t = reactor.accept(l, peer);

        assertTrue(t != null && t.isOpen());
        assertEquals(List.of(peer), asked);
        assertEquals(List.of("made"), protocol.events);
        assertSame(t, protocol.transport);
        assertEquals(l.localAddress(), t.localAddress());
        assertEquals(peer, t.remoteAddress());
        assertSame(reactor, t.reactor());
    }

    @Test
    @DisplayName("a factory that refuses (null) or throws gets no connection")
    void acceptRefused() {
        ListeningPort refusing = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> null);
        ListeningPort throwing = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> {
            throw new IllegalStateException("factory bug");
        });

        assertNull(reactor.accept(refusing, new InetSocketAddress(LOOPBACK, 1)));
        assertNull(reactor.accept(throwing, new InetSocketAddress(LOOPBACK, 1)));
        assertEquals(ReactorState.STARTED, reactor.state());
    }

    @Test
    void acceptOnClosedOrForeignPortThrows() {
        ListeningPort l = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> protocol);
        l.close();
        ListeningPort foreign = new ListeningPort() {
            @Override
            public SocketAddress localAddress() {
                return new InetSocketAddress(LOOPBACK, 1);
            }

            @Override
            public void close() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        };

        assertThrows(IllegalStateException.class, () -> reactor.accept(l, new InetSocketAddress(LOOPBACK, 1)));
        assertThrows(IllegalArgumentException.class, () -> reactor.accept(foreign, new InetSocketAddress(LOOPBACK, 1)));
    }

    @Test
    @DisplayName("while STOPPING, incoming connections are refused")
    void acceptRefusedWhileStopping() {
        ListeningPort l = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> protocol);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        reactor.addSystemEventTrigger(dev.spindle.reactor.SystemEvent.SHUTDOWN, dev.spindle.reactor.TriggerPhase.BEFORE,
                () -> stage);
        reactor.stop();
        reactor.runPending();
        assertEquals(ReactorState.STOPPING, reactor.state());

        assertNull(reactor.accept(l, new InetSocketAddress(LOOPBACK, 1)));
        assertEquals(List.of(), protocol.events);
    }

    @Test
    @DisplayName("stopping closes listening ports")
    void stopClosesListeners() {
        ListeningPort l = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> protocol);

        reactor.stop();
        reactor.runPending();

        assertFalse(l.isOpen());
        assertEquals(ReactorState.STOPPED, reactor.state());
    }

    // ------------------------------------------------------------------ connecting

    @Test
    @DisplayName("connectTcp to a literal records a pending connection; succeed() runs connectionMade, then completes the attempt (SPEC NET-2)")
    void connectToLiteralThenSucceed() {
        ConnectAttempt attempt = reactor.connectTcp("127.0.0.1", 1883, protocol);
        List<String> order = new ArrayList<>();
        attempt.result().whenComplete((t, e) -> order.add("attempt completed after " + protocol.events));

        List<PendingConnection> connects = reactor.tcpConnects();
        assertEquals(1, connects.size());
        PendingConnection c = connects.get(0);
        assertTrue(c.isPending());
        assertEquals(new InetSocketAddress("127.0.0.1", 1883), c.target());
        assertSame(protocol, c.protocol());
        assertFalse(attempt.result().toCompletableFuture().isDone());

        MemoryTransport t = c.succeed();

        assertFalse(c.isPending());
        assertSame(t, attempt.result().toCompletableFuture().getNow(null));
        assertEquals(List.of("attempt completed after [made]"), order);
        assertEquals(new InetSocketAddress("127.0.0.1", 1883), t.remoteAddress());
        assertTrue(((InetSocketAddress) t.localAddress()).getAddress().isLoopbackAddress());
        assertThrows(IllegalStateException.class, c::succeed);
        assertTrue(reactor.pendingCalls().isEmpty(), "the connect timeout was cancelled");
    }

    @Test
    @DisplayName("a failed attempt fails the stage with ConnectionFailedException; the protocol is not called")
    void connectFailure() {
        ConnectAttempt attempt = reactor.connectTcp("::1", 1883, protocol);
        ConnectException refused = new ConnectException("Connection refused");

        reactor.tcpConnects().get(0).fail(refused);

        Throwable e = failureOf(attempt.result().toCompletableFuture());
        assertTrue(e instanceof ConnectionFailedException, String.valueOf(e));
        assertSame(refused, e.getCause());
        assertTrue(e.getMessage().contains("::1") && e.getMessage().contains("1883"), e.getMessage());
        assertEquals(List.of(), protocol.events);
    }

    @Test
    @DisplayName("the connect timeout runs on the manual clock and abandons the pending connection")
    void connectTimeout() {
        ConnectAttempt attempt = reactor.connectTcp("127.0.0.1", 1883, protocol,
                ConnectOptions.builder().timeout(Duration.ofSeconds(5)).build());
        PendingConnection c = reactor.tcpConnects().get(0);

        reactor.advance(Duration.ofMillis(4999));
        assertTrue(c.isPending());
        reactor.advance(Duration.ofMillis(1));

        assertTrue(c.isAbandoned());
        assertTrue(failureOf(attempt.result().toCompletableFuture()) instanceof ConnectTimeoutException);
        assertThrows(IllegalStateException.class, c::succeed);
    }

    @Test
    @DisplayName("cancel() abandons the attempt and fails its stage with a CancellationException cause")
    void connectCancel() {
        ConnectAttempt attempt = reactor.connectTcp("127.0.0.1", 1883, protocol);

        assertTrue(attempt.cancel());
        assertFalse(attempt.cancel());

        assertTrue(reactor.tcpConnects().get(0).isAbandoned());
        Throwable e = failureOf(attempt.result().toCompletableFuture());
        assertTrue(e instanceof ConnectionFailedException && e.getCause() instanceof CancellationException, String.valueOf(e));
    }

    @Test
    @DisplayName("stopping while connecting fails the attempt and abandons the pending connection")
    void stopWhileConnectingFailsAttempt() {
        ConnectAttempt attempt = reactor.connectTcp("127.0.0.1", 1883, protocol);

        reactor.stop();
        reactor.runPending();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertTrue(reactor.tcpConnects().get(0).isAbandoned());
        assertTrue(failureOf(attempt.result().toCompletableFuture()) instanceof ConnectionFailedException);
    }

    @Test
    @DisplayName("a host name resolves in the next pass, on the loop thread, then each address is tried in turn")
    void hostNameResolvesInNextPass() {
        ConnectAttempt attempt = reactor.connectTcp("localhost", 1883, protocol);
        assertEquals(List.of(), reactor.tcpConnects(), "resolution waits for the next pass");

        reactor.runPending();

        List<PendingConnection> tried = reactor.tcpConnects();
        assertEquals(1, tried.size());
        assertTrue(tried.get(0).target().getAddress().isLoopbackAddress(), tried.toString());
        tried.get(0).fail(new ConnectException("refused"));
        while (reactor.tcpConnects().size() > tried.size()) {
            tried = reactor.tcpConnects();
            tried.get(tried.size() - 1).fail(new ConnectException("refused"));
        }
        Throwable e = failureOf(attempt.result().toCompletableFuture());
        assertTrue(e instanceof ConnectionFailedException && e.getMessage().contains("localhost"), String.valueOf(e));
    }

    @Test
    @DisplayName("after a failed address the next one is tried; the attempt succeeds on it")
    void nextAddressAfterFailure() {
        List<Transport> connected = new ArrayList<>();
        reactor.connectTcp("localhost", 1883, protocol).result().thenAccept(connected::add);
        reactor.runPending();
        PendingConnection first = reactor.tcpConnects().get(0);

        first.fail(new ConnectException("refused"));
        List<PendingConnection> all = reactor.tcpConnects();
        if (all.size() == 1) {
            return; // "localhost" has a single address on this machine: nothing more to try
        }
        MemoryTransport t = all.get(1).succeed();

        assertEquals(List.of(t), connected);
    }

    @Test
    void portOutOfRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reactor.connectTcp("127.0.0.1", 65_536, protocol));

        assertTrue(e.getMessage().contains("65536"), e.getMessage());
        assertEquals(List.of(), reactor.tcpConnects());
    }
}
