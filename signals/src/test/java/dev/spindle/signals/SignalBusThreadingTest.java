package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.testing.DeterministicReactor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which thread delivers, deterministically: the test thread is the loop thread of a
 * {@link DeterministicReactor}, and "another thread" is a helper thread joined before asserting.
 */
class SignalBusThreadingTest {
    static final Signal<String> TEXT = Signal.of("test.text", String.class);

    DeterministicReactor reactor;
    SignalBus bus;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    final Object source = new Object();

    @BeforeEach
    void setUp() {
        reactor = DeterministicReactor.create();
        bus = SignalBus.create(reactor);
        bus.listen(source, TEXT, (src, e) -> {
            log.add(e);
            threads.add(Thread.currentThread());
        });
    }

    @AfterEach
    void tearDown() {
        bus.close();
        reactor.terminate();
    }

    /** Runs {@code task} on a new thread and waits for it; returns that thread. */
    static Thread onOtherThread(ThrowingRunnable task) throws Exception {
        CompletableFuture<Thread> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                task.run();
                done.complete(Thread.currentThread());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "other-thread");
        t.start();
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("the other thread did not finish in 30 s", e);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    @DisplayName("Thread: a fire from another thread while the reactor runs is delivered on the loop thread, not the caller's")
    void crossThreadFireIsHandedOver() throws Exception {
        reactor.start();
        Thread loop = Thread.currentThread();
        onOtherThread(() -> bus.fire(source, TEXT, "from-other"));
        assertEquals(List.of(), log, "nothing is delivered on the firing thread");
        reactor.runPending();
        assertEquals(List.of("from-other"), log);
        assertSame(loop, threads.get(0));
    }

    @Test
    @DisplayName("Thread: events handed over from another thread are delivered in the order they were fired")
    void crossThreadOrderKept() throws Exception {
        reactor.start();
        onOtherThread(() -> {
            for (int i = 0; i < 100; i++) {
                bus.fire(source, TEXT, "e" + i);
            }
        });
        reactor.runUntilIdle();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("e" + i);
        }
        assertEquals(expected, log);
    }

    @Test
    @DisplayName("Thread: an event handed over before the loop fires its own is delivered first")
    void handedOverEventsGoFirst() throws Exception {
        reactor.start();
        onOtherThread(() -> bus.fire(source, TEXT, "earlier-from-other"));
        bus.fire(source, TEXT, "later-on-loop");
        assertEquals(List.of("earlier-from-other", "later-on-loop"), log, "delivered synchronously by the loop's fire, in order");
        reactor.runUntilIdle();
        assertEquals(2, log.size(), "nothing delivered twice");
    }

    @Test
    @DisplayName("Inactive: before start (INIT) a fire from any thread is delivered synchronously on the caller")
    void inactiveReactorDeliversOnCaller() throws Exception {
        assertEquals(ReactorState.INIT, reactor.state());
        Thread other = onOtherThread(() -> {
            bus.fire(source, TEXT, "while-init");
            assertEquals(List.of("while-init"), log, "delivered before fire returned");
        });
        assertSame(other, threads.get(0));
    }

    @Test
    @DisplayName("Inactive: after the reactor stopped a fire is delivered synchronously on the caller")
    void stoppedReactorDeliversOnCaller() throws Exception {
        reactor.start();
        reactor.stop();
        reactor.runUntilIdle();
        assertEquals(ReactorState.STOPPED, reactor.state());
        Thread other = onOtherThread(() -> bus.fire(source, TEXT, "while-stopped"));
        assertEquals(List.of("while-stopped"), log);
        assertSame(other, threads.get(0));
    }

    @Test
    @DisplayName("Inactive: events handed over but not yet delivered when terminate() runs are delivered at that transition")
    void terminateDeliversQueued() throws Exception {
        reactor.start();
        onOtherThread(() -> bus.fire(source, TEXT, "queued"));
        assertEquals(List.of(), log);
        reactor.terminate();
        assertEquals(List.of("queued"), log, "not kept until the next start");
        assertSame(Thread.currentThread(), threads.get(0));
        reactor.start();
        reactor.runUntilIdle();
        assertEquals(List.of("queued"), log, "not delivered again after a restart");
        onOtherThread(() -> bus.fire(source, TEXT, "after-restart"));
        assertEquals(List.of("queued"), log);
        reactor.runPending();
        assertEquals(List.of("queued", "after-restart"), log, "hand-over works again after the restart");
    }

    @Test
    @DisplayName("Bounds: a full hand-over queue refuses with RejectedExecutionException; accepted events are all delivered")
    void fullQueueRejects() throws Exception {
        bus.close();
        bus = SignalBus.create(reactor, 2);
        bus.listen(source, TEXT, (src, e) -> log.add(e));
        reactor.start();
        onOtherThread(() -> {
            bus.fire(source, TEXT, "1");
            bus.fire(source, TEXT, "2");
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> bus.fire(source, TEXT, "3"));
            assertTrue(e.getMessage().contains("capacity 2"), e.getMessage());
        });
        reactor.runUntilIdle();
        assertEquals(List.of("1", "2"), log);
        onOtherThread(() -> bus.fire(source, TEXT, "4"));
        reactor.runUntilIdle();
        assertEquals(List.of("1", "2", "4"), log, "room again once drained");
    }

    @Test
    @DisplayName("Bounds: a capacity below 1 is rejected")
    void badCapacity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignalBus.create(reactor, 0));
        assertTrue(e.getMessage().contains("found: 0"), e.getMessage());
    }

    @Test
    @DisplayName("Close: events still queued for the loop are dropped when the bus closes")
    void closeDropsQueued() throws Exception {
        reactor.start();
        onOtherThread(() -> bus.fire(source, TEXT, "queued"));
        bus.close();
        reactor.runUntilIdle();
        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("Listen and close from another thread take effect for the next event delivered on the loop")
    void listenFromOtherThread() throws Exception {
        reactor.start();
        Subscription[] sub = new Subscription[1];
        onOtherThread(() -> sub[0] = bus.listenAll(TEXT, (src, e) -> log.add("all:" + e)));
        bus.fire(source, TEXT, "1");
        onOtherThread(() -> sub[0].close());
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("1", "all:1", "2"), log);
    }
}
