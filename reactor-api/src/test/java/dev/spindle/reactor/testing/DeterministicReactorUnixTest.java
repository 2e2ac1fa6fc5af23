package dev.spindle.reactor.testing;

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
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** In-memory UNIX-domain sockets of {@link DeterministicReactor} (SPEC NET-4, NET-8) over the real connector. */
class DeterministicReactorUnixTest {
    private static final Path PATH = Path.of("/run/spindle-test/broker.sock");

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

    /** The failure the attempt's stage already holds, which must be of {@code type}. */
    private static <T extends Throwable> T failed(ConnectAttempt attempt, Class<T> type) {
        CompletableFuture<Transport> f = attempt.result().toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), "failed: " + f);
        return assertInstanceOf(type, assertThrows(CompletionException.class, f::join).getCause());
    }

    @Test
    @DisplayName("listenUnix records address, factory and options without touching the file system; port() throws")
    void listenRecordsTheCall() {
        UnixListenOptions options = UnixListenOptions.builder().backlog(3).build();
        ListeningPort port = reactor.listenUnix(PATH, remote -> protocol, options);
        ListeningPort named = reactor.listenUnix(UnixAddress.abstractName("bus"), remote -> protocol, UnixListenOptions.defaults());

        assertEquals(List.of(port, named), reactor.unixListeners());
        UnixListener l = reactor.unixListeners().get(0);
        assertEquals(UnixAddress.path(PATH), l.address());
        assertSame(options, l.options());
        assertEquals(UnixDomainSocketAddress.of(PATH), port.localAddress());
        assertEquals(UnixAddress.abstractName("bus"), named.localAddress(), "abstract names are supported in memory");
        assertThrows(IllegalStateException.class, port::port);
        assertFalse(Files.exists(PATH));
    }

    @Test
    @DisplayName("an address with an open listener cannot be listened on again until it is closed")
    void addressInUseUntilClosed() {
        ListeningPort l = reactor.listenUnix(PATH, remote -> protocol);

        CannotListenException e = assertThrows(CannotListenException.class, () -> reactor.listenUnix(PATH, remote -> protocol));
        assertTrue(e.getMessage().contains("in use") && e.getMessage().contains(PATH.toString()), e.getMessage());

        l.close();
        assertTrue(reactor.listenUnix(PATH, remote -> protocol).isOpen());
    }

    @Test
    @DisplayName("acceptUnix asks the factory with an unnamed remote address and connects a MemoryTransport")
    void acceptConnectsTheProtocol() {
        List<SocketAddress> asked = new ArrayList<>();
        ListeningPort l = reactor.listenUnix(PATH, remote -> {
            asked.add(remote);
            return protocol;
        });

        MemoryTransport t = reactor.acceptUnix(l);

        assertTrue(t != null && t.isOpen());
        assertEquals(List.of(UnixDomainSocketAddress.of("")), asked);
        assertEquals(List.of("made"), protocol.events);
        assertEquals(UnixDomainSocketAddress.of(PATH), t.localAddress());
        assertEquals(UnixDomainSocketAddress.of(""), t.remoteAddress());
    }

    @Test
    @DisplayName("acceptUnix: a refusing or throwing factory gets no connection; a closed, TCP or foreign port throws")
    void acceptRefusalsAndWrongPorts() {
        ListeningPort refusing = reactor.listenUnix(PATH, remote -> null);
        ListeningPort throwing = reactor.listenUnix(Path.of("other.sock"), remote -> {
            throw new IllegalStateException("factory bug (expected by the test)");
        });
        ListeningPort tcp = reactor.listenTcp(new java.net.InetSocketAddress(0), remote -> protocol);

        assertNull(reactor.acceptUnix(refusing));
        assertNull(reactor.acceptUnix(throwing));
        assertThrows(IllegalArgumentException.class, () -> reactor.acceptUnix(tcp));
        refusing.close();
        assertThrows(IllegalStateException.class, () -> reactor.acceptUnix(refusing));
    }

    @Test
    @DisplayName("connectUnix records a pending connection; succeed() runs connectionMade, then completes the stage with unnamed local, target remote")
    void connectThenSucceed() {
        ConnectAttempt attempt = reactor.connectUnix(PATH, protocol);
        List<String> order = new ArrayList<>();
        attempt.result().whenComplete((t, e) -> order.add("completed after " + protocol.events));

        PendingUnixConnection c = reactor.unixConnects().get(0);
        assertTrue(c.isPending());
        assertEquals(UnixAddress.path(PATH), c.target());
        assertSame(protocol, c.protocol());

        MemoryTransport t = c.succeed();

        assertEquals(List.of("completed after [made]"), order);
        Transport done = attempt.result().toCompletableFuture().join();
        assertSame(t, done);
        assertEquals(UnixDomainSocketAddress.of(""), t.localAddress());
        assertEquals(UnixDomainSocketAddress.of(PATH), t.remoteAddress());
        assertFalse(c.isPending());
        assertThrows(IllegalStateException.class, c::succeed);
    }

    @Test
    @DisplayName("fail() fails the stage with ConnectionFailedException naming the path and caused by the error; the protocol is not called")
    void connectThenFail() {
        ConnectAttempt attempt = reactor.connectUnix(PATH, protocol);
        ConnectException refused = new ConnectException("Connection refused");

        reactor.unixConnects().get(0).fail(refused);

        ConnectionFailedException failure = failed(attempt, ConnectionFailedException.class);
        assertSame(refused, failure.getCause());
        assertTrue(failure.getMessage().contains(PATH.toString()), failure.getMessage());
        assertEquals(List.of(), protocol.events);
    }

    @Test
    @DisplayName("ConnectOptions.timeout on the manual clock: ConnectTimeoutException, the pending connection abandoned")
    void timeoutAbandonsTheAttempt() {
        ConnectAttempt attempt = reactor.connectUnix(PATH, protocol, ConnectOptions.builder().timeout(Duration.ofSeconds(2)).build());
        PendingUnixConnection c = reactor.unixConnects().get(0);

        reactor.advance(Duration.ofMillis(1999));
        assertFalse(attempt.result().toCompletableFuture().isDone());
        reactor.advance(Duration.ofMillis(1));

        failed(attempt, ConnectTimeoutException.class);
        assertTrue(c.isAbandoned());
        assertThrows(IllegalStateException.class, c::succeed);
    }

    @Test
    @DisplayName("cancel(): ConnectionFailedException caused by CancellationException; a second cancel returns false")
    void cancelAbandonsTheAttempt() {
        ConnectAttempt attempt = reactor.connectUnix(UnixAddress.abstractName("bus"), protocol, ConnectOptions.defaults());

        assertTrue(attempt.cancel());
        assertFalse(attempt.cancel());

        ConnectionFailedException failure = failed(attempt, ConnectionFailedException.class);
        assertInstanceOf(CancellationException.class, failure.getCause());
        assertTrue(reactor.unixConnects().get(0).isAbandoned());
        assertEquals(0, reactor.pendingCalls().size(), "the timeout is cancelled");
    }

    @Test
    @DisplayName("terminate() closes UNIX listeners and fails attempts still pending")
    void terminateClosesListenersAndFailsAttempts() {
        ListeningPort l = reactor.listenUnix(PATH, remote -> protocol);
        ConnectAttempt attempt = reactor.connectUnix(Path.of("elsewhere.sock"), protocol);

        reactor.terminate();

        assertFalse(l.isOpen());
        failed(attempt, ConnectionFailedException.class);
        assertTrue(reactor.unixConnects().get(0).isAbandoned());
    }

    @Test
    @DisplayName("a path too long for sun_path fails the stage at once, and nothing is recorded")
    void pathTooLongFailsTheStage() {
        ConnectAttempt attempt = reactor.connectUnix(Path.of("/tmp/" + "x".repeat(200)), protocol);

        ConnectionFailedException failure = failed(attempt, ConnectionFailedException.class);
        assertTrue(failure.getMessage().contains("too long"), failure.getMessage());
        assertEquals(List.of(), reactor.unixConnects());
        assertEquals(0, reactor.pendingCalls().size());
    }

    @Test
    @DisplayName("connectUnix with a TCP local address throws IllegalArgumentException before recording anything")
    void tcpLocalAddressIsRejected() {
        ConnectOptions tcp = ConnectOptions.builder().localAddress(new java.net.InetSocketAddress(0)).build();

        assertThrows(IllegalArgumentException.class, () -> reactor.connectUnix(PATH, protocol, tcp));
        assertEquals(List.of(), reactor.unixConnects());
    }
}
