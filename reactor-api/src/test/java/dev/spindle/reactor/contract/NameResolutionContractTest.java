package dev.spindle.reactor.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.HostResolver;
import dev.spindle.reactor.NameLookup;
import dev.spindle.reactor.NameResolutionException;
import dev.spindle.reactor.NameResolutionTimeoutException;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Non-blocking name resolution ({@code DescriptorReactor.resolve}, issue 3 item 6): the resolver
 * runs off the loop, answers and failures arrive on the loop, look-ups time out, can be
 * cancelled, and are cancelled by {@code stop()} and {@code terminate()} (seed "Terminate": "Any
 * asynchronous hostname lookups are cancelled"). Resolvers are injected through
 * {@code ReactorConfig.hostResolver}, so nothing leaves the machine; one test uses the system
 * resolver on {@code localhost}.
 */
@Timeout(30)
public abstract class NameResolutionContractTest extends ReactorContractSupport {
    private static final InetAddress ADDR_A = address(10, 1, 2, 3);
    private static final InetAddress ADDR_B = address(10, 1, 2, 4);

    /** For subclasses. */
    protected NameResolutionContractTest() {
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A resolver answering from a table and counting its calls; unknown names fail as the JDK's do. */
    private static final class TableResolver implements HostResolver {
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, List<InetAddress>> table;

        TableResolver(Map<String, List<InetAddress>> table) {
            this.table = table;
        }

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            calls.incrementAndGet();
            List<InetAddress> found = table.get(host);
            if (found == null) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
            return found;
        }
    }

    private ReactorHarness startedWith(HostResolver resolver) {
        return started(config().hostResolver(resolver).build());
    }

    @Test
    @DisplayName("a name resolves through the configured resolver, off the loop thread; the answer arrives on the loop")
    public void resolvesOffTheLoop() {
        AtomicReference<Thread> resolverThread = new AtomicReference<>();
        ReactorHarness h = startedWith(host -> {
            resolverThread.set(Thread.currentThread());
            return List.of(ADDR_A, ADDR_B);
        });
        Reactor r = h.reactor();
        AtomicReference<Thread> answerThread = new AtomicReference<>();
        AtomicReference<NameLookup> started = new AtomicReference<>();
        CompletionStage<List<InetAddress>> answered = h.call(() -> {
            NameLookup l = r.resolve("broker.example");
            started.set(l);
            return l.result().whenComplete((v, e) -> answerThread.set(Thread.currentThread()));
        });
        NameLookup lookup = started.get();
        assertEquals(List.of(ADDR_A, ADDR_B), ReactorHarness.await(answered));
        assertEquals("broker.example", lookup.host());
        Thread loop = h.call(Thread::currentThread);
        assertSame(loop, answerThread.get(), "answer delivered on the loop thread");
        assertTrue(resolverThread.get() != null && resolverThread.get() != loop, "resolver ran off the loop: " + resolverThread.get());
        assertFalse(h.call(lookup::cancel), "cancel after completion reports false");
    }

    @Test
    @DisplayName("address literals (IPv4, IPv6, bracketed IPv6) complete at once without calling the resolver")
    public void literalsSkipTheResolver() throws Exception {
        TableResolver resolver = new TableResolver(Map.of());
        ReactorHarness h = startedWith(resolver);
        Reactor r = h.reactor();
        for (String literal : List.of("127.0.0.1", "::1", "[::1]", "10.1.2.3")) {
            CompletableFuture<List<InetAddress>> f = h.call(() -> r.resolve(literal).result().toCompletableFuture());
            assertTrue(f.isDone(), literal + " completes inside resolve()");
            String bare = literal.startsWith("[") ? literal.substring(1, literal.length() - 1) : literal;
            assertEquals(List.of(InetAddress.getByName(bare)), f.get());
        }
        assertEquals(0, resolver.calls.get(), "the resolver is never asked about literals");
    }

    @Test
    @DisplayName("an unknown host fails with NameResolutionException naming the host, the resolver's UnknownHostException as cause")
    public void unknownHost() {
        ReactorHarness h = startedWith(new TableResolver(Map.of()));
        Throwable failure = ReactorHarness.awaitFailure(h.call(() -> h.reactor().resolve("nowhere.invalid").result()));
        NameResolutionException e = assertInstanceOf(NameResolutionException.class, failure);
        assertEquals("nowhere.invalid", e.host());
        assertTrue(e.getMessage().contains("nowhere.invalid"), e.getMessage());
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }

    @Test
    @DisplayName("a resolver that throws something else, or answers with no address, fails with NameResolutionException")
    public void resolverFailures() {
        IOException boom = new IOException("resolver socket closed");
        ReactorHarness h = startedWith(host -> {
            if (host.equals("empty.example")) {
                return List.of();
            }
            throw boom;
        });
        Throwable f1 = ReactorHarness.awaitFailure(h.call(() -> h.reactor().resolve("broken.example").result()));
        assertSame(boom, assertInstanceOf(NameResolutionException.class, f1).getCause());
        Throwable f2 = ReactorHarness.awaitFailure(h.call(() -> h.reactor().resolve("empty.example").result()));
        assertTrue(assertInstanceOf(NameResolutionException.class, f2).getMessage().contains("no address"), f2.getMessage());
    }

    @Test
    @DisplayName("a resolver that never answers times out with NameResolutionTimeoutException; the loop keeps running meanwhile; the late answer is dropped")
    public void timeout() throws Exception {
        CountDownLatch release = latch(1);
        CountDownLatch entered = new CountDownLatch(1);
        ReactorHarness h = startedWith(host -> {
            entered.countDown();
            release.await();
            return List.of(ADDR_A);
        });
        Reactor r = h.reactor();
        CountDownLatch timerFired = new CountDownLatch(1);
        NameLookup lookup = h.call(() -> {
            r.schedule(Duration.ofMillis(20), timerFired::countDown);
            return r.resolve("slow.example", Duration.ofMillis(300));
        });
        await(entered);
        await(timerFired); // the loop is not blocked by the resolver
        Throwable failure = ReactorHarness.awaitFailure(lookup.result());
        NameResolutionTimeoutException e = assertInstanceOf(NameResolutionTimeoutException.class, failure);
        assertTrue(e.getMessage().contains("slow.example") && e.getMessage().contains("PT0.3S"), e.getMessage());
        release.countDown();
        // The late answer must not complete anything or disturb the loop.
        assertEquals(ReactorState.STARTED, h.call(r::state));
        assertTrue(lookup.result().toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    @DisplayName("cancel() fails the look-up with CancellationException at once and reports true once")
    public void cancel() {
        CountDownLatch release = latch(1);
        ReactorHarness h = startedWith(host -> {
            release.await();
            return List.of(ADDR_A);
        });
        Reactor r = h.reactor();
        NameLookup lookup = h.call(() -> r.resolve("slow.example"));
        assertTrue(h.call(lookup::cancel));
        assertFalse(h.call(lookup::cancel));
        assertInstanceOf(CancellationException.class, ReactorHarness.awaitFailure(lookup.result()));
        assertThrows(IllegalStateException.class, lookup::cancel, "cancel is loop-thread only");
    }

    @Test
    @DisplayName("seed Terminate: terminate() cancels pending look-ups before it returns")
    public void terminateCancelsLookups() {
        CountDownLatch release = latch(1);
        ReactorHarness h = startedWith(host -> {
            release.await();
            return List.of(ADDR_A);
        });
        Reactor r = h.reactor();
        NameLookup lookup = h.call(() -> r.resolve("slow.example", Duration.ofHours(1)));
        r.terminate();
        CompletableFuture<List<InetAddress>> f = lookup.result().toCompletableFuture();
        assertTrue(f.isDone(), "failed before terminate() returned");
        assertInstanceOf(CancellationException.class, ReactorHarness.awaitFailure(f));
        assertEquals(ReactorState.STOPPED, r.state());
    }

    @Test
    @DisplayName("stop() cancels pending look-ups; the reactor reaches STOPPED without waiting for the resolver")
    public void stopCancelsLookups() {
        CountDownLatch release = latch(1);
        ReactorHarness h = startedWith(host -> {
            release.await();
            return List.of(ADDR_A);
        });
        Reactor r = h.reactor();
        NameLookup lookup = h.call(() -> r.resolve("slow.example", Duration.ofHours(1)));
        r.stop();
        h.awaitState(ReactorState.STOPPED);
        assertInstanceOf(CancellationException.class, ReactorHarness.awaitFailure(lookup.result()));
    }

    @Test
    @DisplayName("connectTcp resolves names through the configured resolver and tries each address")
    public void connectUsesTheResolver() {
        TableResolver resolver = new TableResolver(Map.of("echo.test", List.of(InetAddress.getLoopbackAddress())));
        ReactorHarness h = startedWith(resolver);
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTcp("echo.test", server.port(), client).result()));
        assertTrue(h.call(t::isOpen));
        assertEquals(1, resolver.calls.get());
        h.run(t::abort);
    }

    @Test
    @DisplayName("connectTcp to an unknown host fails with ConnectionFailedException caused by NameResolutionException")
    public void connectUnknownHost() {
        ReactorHarness h = startedWith(new TableResolver(Map.of()));
        Throwable failure = ReactorHarness.awaitFailure(h.call(() ->
                h.reactor().connectTcp("nowhere.invalid", 1883, new RecordingProtocol()).result()));
        ConnectionFailedException e = assertInstanceOf(ConnectionFailedException.class, failure);
        assertTrue(e.getMessage().contains("nowhere.invalid"), e.getMessage());
        assertInstanceOf(NameResolutionException.class, e.getCause());
    }

    @Test
    @DisplayName("cancelling a connect while its name is being resolved cancels the look-up too; nothing is left scheduled")
    public void cancelConnectDuringLookup() {
        CountDownLatch release = latch(1);
        CountDownLatch entered = new CountDownLatch(1);
        ReactorHarness h = startedWith(host -> {
            entered.countDown();
            release.await();
            return List.of(InetAddress.getLoopbackAddress());
        });
        Reactor r = h.reactor();
        var attempt = h.call(() -> r.connectTcp("slow.example", 1883, new RecordingProtocol(),
                ConnectOptions.builder().timeout(Duration.ofHours(1)).build()));
        await(entered);
        assertTrue(h.call(attempt::cancel));
        assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(attempt.result()));
        assertTrue(h.call(r::pendingCalls).isEmpty(), "no timers left: " + h.call(r::pendingCalls));
    }

    @Test
    @DisplayName("the system resolver answers 'localhost' with a loopback address")
    public void systemResolverLocalhost() {
        ReactorHarness h = started();
        List<InetAddress> found = ReactorHarness.await(h.call(() -> h.reactor().resolve("localhost").result()));
        assertFalse(found.isEmpty());
        assertTrue(found.stream().allMatch(InetAddress::isLoopbackAddress), "loopback only: " + found);
    }

    @Test
    @DisplayName("argument and thread checks: empty host, non-positive timeout, off the loop, inactive reactor")
    public void argumentChecks() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        h.run(() -> {
            assertThrows(IllegalArgumentException.class, () -> r.resolve(""));
            assertThrows(IllegalArgumentException.class, () -> r.resolve("a.example", Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> r.resolve("a.example", Duration.ofSeconds(-1)));
            assertThrows(NullPointerException.class, () -> r.resolve(null));
        });
        IllegalStateException off = assertThrows(IllegalStateException.class, () -> r.resolve("localhost"));
        assertTrue(off.getMessage().contains("resolve"), off.getMessage());
        r.terminate();
        Reactor idle = harness().reactor();
        assertThrows(IllegalStateException.class, () -> idle.resolve("localhost"));
    }
}
