package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The harness of the deterministic {@link ClientService} tests, in the spirit of Twisted's
 * {@code ClientServiceTests} (SPEC §3.5): a {@link DeterministicReactor} whose manual clock only
 * moves when told; the endpoint is {@link ClientEndpoint#tcp} on that reactor, wrapped by a
 * {@link RecordingEndpoint} (Twisted's {@code connectQueue}): each attempt shows up in
 * {@code reactor.tcpConnects()} and the test decides it with {@code succeed()} / {@code fail()};
 * a remembering application factory that can refuse; a recording retry policy that waits
 * 10 s × n. After every test each service is stopped and no scheduled call may remain (CS-20).
 */
abstract class ClientServiceFixture {
    /** Twisted's AT_LEAST_ONE_ATTEMPT: longer than any retry delay the tests use. */
    static final Duration AT_LEAST_ONE_ATTEMPT = Duration.ofSeconds(100);

    final DeterministicReactor reactor = DeterministicReactor.create();
    final RecordingEndpoint endpoint = new RecordingEndpoint(ClientEndpoint.tcp(reactor, "127.0.0.1", 1883));
    /** Application protocols the factory built, in order. */
    final List<App> built = new ArrayList<>();
    /** The addresses the factory was called with. */
    final List<SocketAddress> factoryCalls = new ArrayList<>();
    /** Arguments the retry policy was called with. */
    final List<Integer> policyCalls = new ArrayList<>();
    /** When true the factory refuses (returns null). */
    boolean refuse;
    /** When true the protocols built close their connection inside connectionMade. */
    boolean closeOnMade;
    private final List<ClientService<App>> services = new ArrayList<>();
    private boolean checkCleanStop = true;

    final Function<SocketAddress, @Nullable App> factory = remote -> {
        factoryCalls.add(remote);
        if (refuse) {
            return null;
        }
        App a = new App("app-" + (built.size() + 1));
        a.closeOnMade = closeOnMade;
        built.add(a);
        return a;
    };

    final RetryPolicy policy = new RetryPolicy() {
        @Override
        public Duration delay(int failedAttempts) {
            policyCalls.add(failedAttempts);
            return Duration.ofSeconds(10L * failedAttempts);
        }

        @Override
        public String toString() {
            return "10s×n";
        }
    };

    @BeforeEach
    void startReactor() {
        reactor.start();
    }

    @AfterEach
    void stopServicesAndCheckNoCallsLeft() {
        try {
            if (checkCleanStop && reactor.state().isActive()) {
                for (ClientService<App> s : services) {
                    CompletionStage<?> stopped = s.stop();
                    reactor.runUntilIdle();
                    assertTrue(stopped.toCompletableFuture().isDone(), "stop() of " + s + " complete after the test");
                    assertEquals(ClientService.State.STOPPED, s.state());
                }
                // SPEC CS-20: after stop no delayed call remains (no retry timer, no connect timeout).
                assertEquals(List.of(), reactor.pendingCalls(), "scheduled calls left after stop()");
            }
        } finally {
            reactor.terminate();
        }
    }

    /** Skips the after-test stop check (for tests that end the reactor themselves). */
    void noCleanStopCheck() {
        checkCleanStop = false;
    }

    /** A service over {@link #endpoint}, {@link #factory} and {@link #policy}; not started. */
    ClientService<App> service() {
        return service(b -> b);
    }

    ClientService<App> service(Function<ClientService.Builder<App>, ClientService.Builder<App>> configure) {
        ClientService<App> s = configure.apply(ClientService.builder(reactor, endpoint, factory)
                .retryPolicy(policy).name("svc")).build();
        services.add(s);
        return s;
    }

    /** A started service. */
    ClientService<App> started() {
        ClientService<App> s = service();
        s.start();
        return s;
    }

    // ------------------------------------------------------------------ the fake network

    int connects() {
        return reactor.tcpConnects().size();
    }

    PendingConnection lastConnect() {
        List<PendingConnection> all = reactor.tcpConnects();
        assertFalse(all.isEmpty(), "no connect attempt was made");
        return all.get(all.size() - 1);
    }

    /** The peer accepts the last attempt. */
    MemoryTransport succeed() {
        return lastConnect().succeed();
    }

    /** The peer refuses the last attempt; returns the I/O error used. */
    ConnectException fail() {
        ConnectException e = new ConnectException("Connection refused (attempt " + connects() + ")");
        lastConnect().fail(e);
        return e;
    }

    /** A clean close will wait: the socket takes nothing and the application has written bytes. */
    static void holdClose(MemoryTransport t, App app) {
        t.setWriteCapacity(0);
        app.transport().write("bye".getBytes(StandardCharsets.US_ASCII));
        assertTrue(t.pendingWriteBytes() > 0);
    }

    /** The socket takes the pending bytes again, so a pending clean close completes. */
    static void releaseClose(MemoryTransport t) {
        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        t.flushWritable();
    }

    // ------------------------------------------------------------------ stage assertions

    static <T> T value(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertTrue(f.isDone(), "stage complete");
        assertFalse(f.isCompletedExceptionally(), () -> "stage succeeded, but: " + failure(f));
        return f.join();
    }

    static Throwable failure(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        assertTrue(f.isDone(), "stage complete");
        assertTrue(f.isCompletedExceptionally(), "stage failed");
        Throwable t = assertThrows(RuntimeException.class, f::join);
        if (t instanceof CompletionException && t.getCause() != null) {
            return t.getCause();
        }
        return t;
    }

    static CancellationException cancelled(CompletionStage<?> stage) {
        return assertInstanceOf(CancellationException.class, failure(stage));
    }

    static void pending(CompletionStage<?> stage) {
        assertFalse(stage.toCompletableFuture().isDone(), () -> "stage still pending, found " + stage);
    }

    /** Runs {@code action} with System.err captured (slf4j-simple writes there) and returns what was logged. */
    static String stderrOf(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ doubles

    /** The application's protocol: records its calls. */
    static final class App implements Protocol {
        final String label;
        final List<String> events = new ArrayList<>();
        final List<@Nullable Throwable> lostCauses = new ArrayList<>();
        @Nullable Transport transport;
        boolean keepOpenOnEof;
        boolean closeOnMade;

        App(String label) {
            this.label = label;
        }

        Transport transport() {
            Transport t = transport;
            if (t == null) {
                throw new AssertionError(label + " has no transport");
            }
            return t;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            events.add("made");
            if (closeOnMade) {
                t.close();
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            events.add("data:" + new String(b, StandardCharsets.US_ASCII));
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return keepOpenOnEof;
        }

        @Override
        public void writabilityChanged(boolean writable) {
            events.add("writable:" + writable);
        }

        @Override
        public void connectionLost(@Nullable Throwable cause) {
            events.add("lost");
            lostCauses.add(cause);
        }

        @Override
        public String toString() {
            return "App(" + label + ")";
        }
    }

    /**
     * Wraps an endpoint and records each attempt; can make the attempts' {@code cancel()}
     * misbehave or {@code connect} throw, to reach the edges of the state machine.
     */
    static final class RecordingEndpoint implements ClientEndpoint {
        enum CancelMode {
            /** The wrapped attempt's own cancel (a TCP attempt halts at once). */
            NORMAL,
            /** cancel() does nothing and returns false: the attempt goes on until the peer decides. */
            IGNORE,
            /**
             * Like a Twisted Deferred: cancel() fails the returned stage at once but leaves the
             * wrapped attempt running; its later outcome is dropped.
             */
            FAIL_OWN_STAGE
        }

        final ClientEndpoint target;
        final List<ConnectAttempt> attempts = new ArrayList<>();
        final List<Protocol> protocols = new ArrayList<>();
        CancelMode cancelMode = CancelMode.NORMAL;
        @Nullable RuntimeException throwOnConnect;

        RecordingEndpoint(ClientEndpoint target) {
            this.target = target;
        }

        @Override
        public ConnectAttempt connect(Protocol protocol) {
            RuntimeException e = throwOnConnect;
            if (e != null) {
                throw e;
            }
            protocols.add(protocol);
            ConnectAttempt inner = target.connect(protocol);
            ConnectAttempt a;
            switch (cancelMode) {
                case IGNORE:
                    a = new ConnectAttempt() {
                        @Override
                        public CompletionStage<Transport> result() {
                            return inner.result();
                        }

                        @Override
                        public boolean cancel() {
                            return false;
                        }
                    };
                    break;
                case FAIL_OWN_STAGE:
                    CompletableFuture<Transport> own = new CompletableFuture<>();
                    inner.result().whenComplete((t, f) -> {
                        if (f != null) {
                            own.completeExceptionally(f);
                        } else {
                            own.complete(t);
                        }
                    });
                    a = new ConnectAttempt() {
                        @Override
                        public CompletionStage<Transport> result() {
                            return own;
                        }

                        @Override
                        public boolean cancel() {
                            return own.completeExceptionally(new ConnectionFailedException("cancelled",
                                    new CancellationException("cancelled by the caller")));
                        }
                    };
                    break;
                default:
                    a = inner;
                    break;
            }
            attempts.add(a);
            return a;
        }

        ConnectAttempt last() {
            return attempts.get(attempts.size() - 1);
        }

        @Override
        public String toString() {
            return "recording(" + target + ")";
        }
    }
}
