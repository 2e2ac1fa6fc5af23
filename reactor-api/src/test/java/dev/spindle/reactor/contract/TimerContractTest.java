package dev.spindle.reactor.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.LoopingCall;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scheduled and looping calls on the real loop (SPEC §5.2 TIME-*, DC-*, §5.7 LC-*, and the
 * TW-DEF-1 decisions in {@code TimeReactor}). Exact-time assertions use a {@link ManualClock}
 * injected through {@code ReactorConfig}, which every backend must honour; the real clock is
 * used only where order, not time, is asserted.
 */
@Timeout(30)
public abstract class TimerContractTest extends ReactorContractSupport {
    private static final Duration MS10 = Duration.ofMillis(10);

    /** For subclasses. */
    protected TimerContractTest() {
    }

    @Test
    @DisplayName("TIME-4: calls run in deadline order, not scheduling order (real clock)")
    public void callsRunInDeadlineOrder() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        h.run(() -> {
            r.schedule(Duration.ofMillis(120), () -> {
                order.add(120);
                last.complete(null);
            });
            r.schedule(Duration.ofMillis(40), () -> order.add(40));
            r.schedule(Duration.ofMillis(80), () -> order.add(80));
        });
        ReactorHarness.await(last);
        assertEquals(List.of(40, 80, 120), order);
    }

    @Test
    @DisplayName("TW-DEF-1: calls due at the same instant run first-scheduled first")
    public void callsDueAtTheSameInstantRunFirstScheduledFirst() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Integer> expected = new ArrayList<>();
        h.run(() -> {
            for (int i = 0; i < 20; i++) {
                int n = i;
                r.schedule(MS10, () -> order.add(n));
                expected.add(n);
            }
        });
        clock.advance(MS10);
        h.awaitOnLoop("20 calls", () -> order.size() == 20);
        assertEquals(expected, order);
    }

    @Test
    @DisplayName("TIME-2/DC-1: a call runs once, on the loop, at its deadline (now + delay on the reactor's clock) and not before")
    public void callRunsAtItsDeadlineNotBefore() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> ranOn = new AtomicReference<>();
        ScheduledCall call = h.call(() -> {
            ScheduledCall c = r.schedule(MS10, () -> {
                runs.incrementAndGet();
                ranOn.set(Thread.currentThread().getName());
            });
            assertEquals(clock.nanoTime() + MS10.toNanos(), c.deadline());
            assertTrue(c.isActive());
            return c;
        });

        clock.advance(Duration.ofMillis(9));
        passes(h, 2);
        assertEquals(0, runs.get(), "ran before its deadline");
        assertTrue(h.call(call::isActive));

        clock.advance(Duration.ofMillis(1));
        h.awaitOnLoop("the call", () -> runs.get() == 1);
        passes(h, 2);
        assertEquals(1, runs.get(), "ran more than once");
        assertEquals(r.config().threadName(), ranOn.get());
        assertFalse(h.call(call::isActive));
    }

    @Test
    @DisplayName("DC-2: cancel() stops a pending call (true once, then false); cancel after it ran returns false")
    public void cancelledCallNeverRuns() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        AtomicBoolean cancelledRan = new AtomicBoolean();
        AtomicBoolean otherRan = new AtomicBoolean();
        ScheduledCall[] calls = h.call(() -> {
            ScheduledCall a = r.schedule(MS10, () -> cancelledRan.set(true));
            ScheduledCall b = r.schedule(Duration.ofMillis(20), () -> otherRan.set(true));
            assertTrue(a.cancel());
            assertFalse(a.cancel());
            assertFalse(a.isActive());
            assertTrue(b.isActive());
            return new ScheduledCall[] {a, b};
        });

        clock.advance(Duration.ofMillis(20));
        h.awaitOnLoop("the other call", otherRan::get);
        assertFalse(cancelledRan.get());
        assertFalse(h.call(calls[1]::cancel), "cancel after the call ran");
        assertFalse(h.call(calls[1]::isActive));
    }

    @Test
    @DisplayName("DC-3: reset() moves a call to now + delay (earlier or later), delay() shifts it; both throw on a call that ran or was cancelled")
    public void resetAndDelayMoveTheCall() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        List<String> order = new CopyOnWriteArrayList<>();
        ScheduledCall[] calls = h.call(() -> {
            long t0 = clock.nanoTime();
            ScheduledCall sooner = r.schedule(Duration.ofMillis(100), () -> order.add("sooner"));
            sooner.reset(MS10);
            assertEquals(t0 + MS10.toNanos(), sooner.deadline());
            ScheduledCall later = r.schedule(MS10, () -> order.add("later"));
            later.reset(Duration.ofMillis(200));
            ScheduledCall delayed = r.schedule(MS10, () -> order.add("delayed"));
            delayed.delay(Duration.ofMillis(40));
            delayed.delay(Duration.ofMillis(-10));
            assertEquals(t0 + Duration.ofMillis(40).toNanos(), delayed.deadline());
            assertThrows(IllegalArgumentException.class, () -> later.reset(Duration.ofMillis(-1)));
            return new ScheduledCall[] {sooner, later, delayed};
        });

        clock.advance(MS10);
        h.awaitOnLoop("the call reset sooner", () -> order.size() == 1);
        clock.advance(Duration.ofMillis(30));
        h.awaitOnLoop("the delayed call", () -> order.size() == 2);
        passes(h, 2);
        assertEquals(List.of("sooner", "delayed"), order);
        clock.advance(Duration.ofMillis(160));
        h.awaitOnLoop("the call reset later", () -> order.size() == 3);
        assertEquals(List.of("sooner", "delayed", "later"), order);

        h.run(() -> {
            assertThrows(IllegalStateException.class, () -> calls[0].reset(MS10), "reset after the call ran");
            assertThrows(IllegalStateException.class, () -> calls[0].delay(MS10), "delay after the call ran");
            ScheduledCall c = r.schedule(MS10, () -> { });
            c.cancel();
            assertThrows(IllegalStateException.class, () -> c.reset(MS10), "reset after cancel");
            assertThrows(IllegalStateException.class, () -> c.delay(MS10), "delay after cancel");
        });
    }

    @Test
    @DisplayName("DC-4: isActive() is false while the call runs, and cancel() from inside returns false")
    public void callIsInactiveWhileItRuns() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        AtomicReference<ScheduledCall> self = new AtomicReference<>();
        CompletableFuture<String> inside = new CompletableFuture<>();
        h.run(() -> self.set(r.schedule(Duration.ofMillis(1),
                () -> inside.complete("active=" + self.get().isActive() + " cancel=" + self.get().cancel()))));
        assertEquals("active=false cancel=false", ReactorHarness.await(inside));
    }

    @Test
    @DisplayName("TIME-5: a zero-delay call scheduled from a call runs in a later pass (after a task queued at the same moment)")
    public void zeroDelayCallFromACallRunsInALaterPass() {
        // A frozen clock makes the new call due at once, so only the pass rule keeps it back.
        ReactorHarness h = started(config().clock(ManualClock.create()).build());
        Reactor r = h.reactor();
        List<String> log = new CopyOnWriteArrayList<>();
        h.run(() -> r.schedule(Duration.ZERO, () -> {
            log.add("first call");
            r.schedule(Duration.ZERO, () -> log.add("zero-delay call"));
            r.execute(() -> log.add("task"));
        }));
        ReactorHarness.await("three entries", () -> log.size() == 3);
        // A pass runs its queued tasks before its due calls; a same-pass run would come before "task".
        assertEquals(List.of("first call", "task", "zero-delay call"), log);
    }

    @Test
    @DisplayName("TIME-5: a chain of zero-delay calls cannot starve tasks or other calls (frozen clock: every link is due at once)")
    public void zeroDelayChainDoesNotStarveTheLoop() {
        ReactorHarness h = started(config().clock(ManualClock.create()).build());
        Reactor r = h.reactor();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong runs = new AtomicLong();
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            runs.incrementAndGet();
            if (!stop.get()) {
                r.schedule(Duration.ZERO, chain[0]);
            }
        };
        CompletableFuture<Void> other = new CompletableFuture<>();
        h.run(() -> {
            r.schedule(Duration.ZERO, chain[0]);
            r.schedule(Duration.ZERO, () -> other.complete(null));
        });
        ReactorHarness.await(other);
        CompletableFuture<Void> foreign = new CompletableFuture<>();
        r.execute(() -> foreign.complete(null));
        ReactorHarness.await(foreign);
        assertEquals(ReactorState.STARTED, h.call(r::state));
        stop.set(true);
        assertTrue(runs.get() > 1, "the chain should have kept running: " + runs.get());
    }

    @Test
    @DisplayName("TIME-5/TW-DEF-1: a call that throws is logged; the other calls due with it still run")
    public void throwingCallDoesNotStopOthers() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        AtomicBoolean after = new AtomicBoolean();
        h.run(() -> {
            r.schedule(MS10, () -> {
                throw new IllegalStateException("call failure (expected by the test)");
            });
            r.schedule(MS10, () -> after.set(true));
        });
        clock.advance(MS10);
        h.awaitOnLoop("the call after the failing one", after::get);
        assertEquals(ReactorState.STARTED, r.state());
        assertNull(r.error());
    }

    @Test
    @DisplayName("TimeReactor.schedule: off the loop thread it throws IllegalStateException naming both threads; inactive too")
    public void scheduleOffTheLoopThrowsNamingBothThreads() {
        ReactorHarness h = harness();
        Reactor r = h.reactor();
        assertThrows(IllegalStateException.class, () -> r.schedule(MS10, () -> { }), "schedule on an INIT reactor");
        h.start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.schedule(MS10, () -> { }));
        String me = Thread.currentThread().getName();
        String loop = r.config().threadName();
        assertTrue(e.getMessage().contains(loop) && e.getMessage().contains(me),
                "message should name " + loop + " and " + me + ": " + e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.schedule(10, TimeUnit.MILLISECONDS, () -> { }));
    }

    @Test
    @DisplayName("TIME-2/TW-DEF-1: a negative delay is rejected with IllegalArgumentException naming it")
    public void negativeDelayIsRejected() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        h.run(() -> {
            Duration negative = Duration.ofMillis(-1);
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> r.schedule(negative, () -> { }));
            assertTrue(a.getMessage().contains(negative.toString()), a.getMessage());
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                    () -> r.schedule(-5, TimeUnit.MILLISECONDS, () -> { }));
            assertTrue(b.getMessage().contains("-5"), b.getMessage());
            assertTrue(r.pendingCalls().isEmpty(), "a refused call must not be pending");
        });
    }

    @Test
    @DisplayName("TIME-3: pendingCalls() is a snapshot ordered by deadline, without cancelled or executed calls")
    public void pendingCallsIsAnOrderedSnapshot() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        AtomicBoolean twentyRan = new AtomicBoolean();
        ScheduledCall[] calls = h.call(() -> {
            ScheduledCall c30 = r.schedule(Duration.ofMillis(30), () -> { });
            ScheduledCall c10 = r.schedule(MS10, () -> { });
            ScheduledCall c20 = r.schedule(Duration.ofMillis(20), () -> twentyRan.set(true));
            List<ScheduledCall> snapshot = r.pendingCalls();
            assertEquals(List.of(c10, c20, c30), snapshot);
            c10.cancel();
            assertEquals(List.of(c10, c20, c30), snapshot, "an earlier snapshot does not change");
            assertEquals(List.of(c20, c30), r.pendingCalls());
            return new ScheduledCall[] {c20, c30};
        });
        clock.advance(Duration.ofMillis(20));
        h.awaitOnLoop("the 20 ms call", twentyRan::get);
        assertEquals(List.of(calls[1]), h.call(r::pendingCalls));
    }

    @Test
    @DisplayName("TIME-6: a call in the extreme future does not disturb the others")
    public void distantCallDoesNotDisturbOthers() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        CompletableFuture<Void> near = new CompletableFuture<>();
        AtomicBoolean farRan = new AtomicBoolean();
        h.run(() -> {
            r.schedule(Duration.ofDays(365L * 10_000), () -> farRan.set(true));
            r.schedule(Long.MAX_VALUE, TimeUnit.NANOSECONDS, () -> farRan.set(true));
            r.schedule(Long.MAX_VALUE, TimeUnit.DAYS, () -> farRan.set(true));
            r.schedule(Duration.ofMillis(5), () -> near.complete(null));
        });
        ReactorHarness.await(near);
        assertFalse(farRan.get());
        assertEquals(3, h.call(() -> r.pendingCalls().size()));
    }

    @Test
    @DisplayName("TIME-6: a scheduled call can stop the reactor")
    public void callCanStopTheReactor() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        h.run(() -> r.schedule(Duration.ofMillis(1), r::stop));
        h.awaitState(ReactorState.STOPPED);
    }

    @Test
    @DisplayName("LC-1/LC-4: a LoopingCall on the real clock runs repeatedly until stop() from its task; the stage completes with it; nothing stays pending")
    public void loopingCallRunsRepeatedlyUntilStopped() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<LoopingCall> holder = new AtomicReference<>();
        CompletionStage<LoopingCall> stage = h.call(() -> {
            LoopingCall lc = LoopingCall.of(r, () -> {
                if (runs.incrementAndGet() == 5) {
                    holder.get().stop();
                }
            });
            holder.set(lc);
            CompletionStage<LoopingCall> s = lc.start(Duration.ofMillis(2), true);
            assertEquals(1, runs.get(), "now=true runs the task inside start()");
            return s;
        });
        assertSame(holder.get(), ReactorHarness.await(stage));
        assertEquals(5, runs.get());
        h.run(() -> {
            assertFalse(holder.get().isRunning());
            assertTrue(r.pendingCalls().isEmpty(), "a stopped LoopingCall leaves no pending call");
        });
    }

    @Test
    @DisplayName("LC-2/LC-6: withCount reports skipped intervals, which are not replayed (manual clock)")
    public void loopingCallCountsSkippedIntervals() {
        ManualClock clock = ManualClock.create();
        ReactorHarness h = started(config().clock(clock).build());
        Reactor r = h.reactor();
        List<Long> counts = new CopyOnWriteArrayList<>();
        LoopingCall lc = h.call(() -> {
            LoopingCall l = LoopingCall.withCount(r, counts::add);
            l.start(MS10, false);
            return l;
        });
        clock.advance(MS10);
        h.awaitOnLoop("the first beat", () -> counts.size() == 1);
        clock.advance(Duration.ofMillis(30));
        h.awaitOnLoop("the second beat", () -> counts.size() == 2);
        passes(h, 2);
        assertEquals(List.of(1L, 3L), counts, "missed beats are counted in one call, not replayed");
        h.run(lc::stop);
        assertTrue(h.call(r::pendingCalls).isEmpty());
    }

    @Test
    @DisplayName("LC-3: a LoopingCall whose task throws stops and fails its stage with that exception")
    public void loopingCallThatThrowsFailsItsStage() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        IllegalStateException failure = new IllegalStateException("looping task failure (expected by the test)");
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<LoopingCall> holder = new AtomicReference<>();
        CompletionStage<LoopingCall> stage = h.call(() -> {
            LoopingCall lc = LoopingCall.of(r, () -> {
                if (runs.incrementAndGet() == 2) {
                    throw failure;
                }
            });
            holder.set(lc);
            return lc.start(Duration.ofMillis(1), false);
        });
        assertSame(failure, ReactorHarness.awaitFailure(stage));
        assertEquals(2, runs.get());
        h.run(() -> {
            assertFalse(holder.get().isRunning());
            assertTrue(r.pendingCalls().isEmpty());
        });
        assertEquals(ReactorState.STARTED, r.state());
    }

    /**
     * Lets the loop finish {@code n} full passes: a pass runs its tasks, then its due calls, so
     * once the second of two tasks ran, the calls of the first task's pass were processed.
     */
    private static void passes(ReactorHarness h, int n) {
        for (int i = 0; i < n; i++) {
            h.call(() -> null);
        }
    }
}
