package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.ScheduledCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scheduled calls (SPEC §5.2, TW-DEF-1 decisions) on the shared skeleton. */
class DeterministicReactorTimersTest {
    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<String> ran = new ArrayList<>();

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private Runnable record(String name) {
        return () -> ran.add(name);
    }

    private static Duration secs(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    @Test
    @DisplayName("a call runs once, on the loop thread, not before now + delay (SPEC TIME-2, DC-1)")
    void callRunsOnceNotBeforeItsDeadline() {
        Thread loop = Thread.currentThread();
        reactor.manualClock().advance(Duration.ofSeconds(10));
        ScheduledCall call = reactor.schedule(Duration.ofSeconds(5),
                () -> ran.add(Thread.currentThread() == loop ? "on loop" : "elsewhere"));

        assertEquals(Duration.ofSeconds(15).toNanos(), call.deadline());
        reactor.advance(Duration.ofSeconds(5).minusNanos(1));
        assertEquals(List.of(), ran);

        reactor.advance(Duration.ofNanos(1));
        reactor.advance(Duration.ofSeconds(100));

        assertEquals(List.of("on loop"), ran);
        assertFalse(call.isActive());
    }

    @Test
    @DisplayName("the TimeUnit form schedules like the Duration form")
    void timeUnitForm() {
        reactor.schedule(1500, TimeUnit.MILLISECONDS, record("a"));

        reactor.advance(Duration.ofMillis(1499));
        assertEquals(List.of(), ran);
        reactor.advance(Duration.ofMillis(1));
        assertEquals(List.of("a"), ran);
    }

    @Test
    @DisplayName("pendingCalls: pending calls in deadline order, new ones included, run and cancelled ones not (SPEC TIME-3)")
    void pendingCallsReflectsPendingOnly() {
        ScheduledCall late = reactor.schedule(Duration.ofSeconds(3), record("late"));
        ScheduledCall early = reactor.schedule(Duration.ofSeconds(1), record("early"));
        ScheduledCall cancelled = reactor.schedule(Duration.ofSeconds(2), record("cancelled"));
        AtomicReference<ScheduledCall> createdInPass = new AtomicReference<>();
        reactor.schedule(Duration.ofSeconds(1), () -> createdInPass.set(reactor.schedule(Duration.ofSeconds(10), record("new"))));

        assertEquals(4, reactor.pendingCalls().size());
        assertSame(early, reactor.pendingCalls().get(0));
        cancelled.cancel();
        reactor.advance(Duration.ofSeconds(1));

        assertEquals(List.of(late, createdInPass.get()), reactor.pendingCalls());
        assertThrows(UnsupportedOperationException.class, () -> reactor.pendingCalls().clear());
    }

    @Test
    @DisplayName("calls due at the same instant run first-scheduled first, a reset one after the others (SPEC TIME-4 decision)")
    void equalDeadlinesRunFifo() {
        reactor.schedule(Duration.ofSeconds(1), record("a"));
        ScheduledCall b = reactor.schedule(Duration.ofSeconds(1), record("b"));
        reactor.schedule(Duration.ofSeconds(1), record("c"));
        reactor.schedule(Duration.ofMillis(500), record("earlier"));
        b.reset(Duration.ofSeconds(1));

        reactor.advance(Duration.ofSeconds(1));

        assertEquals(List.of("earlier", "a", "c", "b"), ran);
    }

    @Test
    @DisplayName("a call scheduled from a call runs in the next pass, even with delay 0 (SPEC TIME-5, TW-DEF-1)")
    void callScheduledFromCallRunsInNextPass() {
        reactor.schedule(Duration.ofSeconds(1), () -> {
            ran.add("outer");
            reactor.schedule(Duration.ZERO, record("inner"));
        });

        reactor.advance(Duration.ofSeconds(1));
        assertEquals(List.of("outer"), ran);

        reactor.advance(Duration.ZERO);
        assertEquals(List.of("outer", "inner"), ran);
    }

    @Test
    @DisplayName("a call that throws is logged; the other due calls still run (SPEC TIME-5)")
    void exceptionInCallIsIsolated() {
        reactor.schedule(Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("timer failure");
        });
        reactor.schedule(Duration.ofSeconds(1), record("after"));

        reactor.advance(Duration.ofSeconds(1));

        assertEquals(List.of("after"), ran);
        assertEquals(ReactorState.STARTED, reactor.state());
    }

    @Test
    @DisplayName("cancel() stops a pending call and returns true; then, after the run, or from inside it, false (SPEC DC-2 decision)")
    void cancelReturnsWhetherItCancelled() {
        ScheduledCall c = reactor.schedule(Duration.ofSeconds(1), record("cancelled"));
        assertTrue(c.isActive());
        assertTrue(c.cancel());
        assertFalse(c.isActive());
        assertFalse(c.cancel());

        AtomicReference<Boolean> fromInside = new AtomicReference<>();
        ScheduledCall[] self = new ScheduledCall[1];
        self[0] = reactor.schedule(Duration.ofSeconds(1), () -> fromInside.set(self[0].cancel()));
        reactor.advance(Duration.ofSeconds(1));

        assertEquals(List.of(), ran);
        assertEquals(false, fromInside.get());
        assertFalse(self[0].cancel(), "after it ran");
    }

    @Test
    @DisplayName("isActive() is false while the call runs (SPEC DC-4)")
    void inactiveWhileRunning() {
        AtomicReference<Boolean> activeInside = new AtomicReference<>();
        ScheduledCall[] self = new ScheduledCall[1];
        self[0] = reactor.schedule(Duration.ofSeconds(1), () -> activeInside.set(self[0].isActive()));

        reactor.advance(Duration.ofSeconds(1));

        assertEquals(false, activeInside.get());
    }

    @Test
    @DisplayName("delay() moves a call later, or earlier when negative; reset() moves it to now + delay (SPEC DC-3)")
    void delayAndReset() {
        ScheduledCall c = reactor.schedule(Duration.ofSeconds(10), record("c"));
        long t0 = c.deadline();

        c.delay(Duration.ofSeconds(2));
        assertEquals(t0 + secs(2).toNanos(), c.deadline());
        c.delay(Duration.ofSeconds(-11));
        assertEquals(t0 - secs(9).toNanos(), c.deadline());

        reactor.advance(Duration.ofMillis(500));
        assertEquals(List.of(), ran);

        c.reset(Duration.ofSeconds(3));
        assertEquals(secs(3.5).toNanos(), c.deadline());
        reactor.advance(Duration.ofMillis(2999));
        assertEquals(List.of(), ran);
        reactor.advance(Duration.ofMillis(1));
        assertEquals(List.of("c"), ran);
    }

    @Test
    @DisplayName("delay() and reset() of a call that ran or was cancelled throw IllegalStateException naming its state (SPEC DC-3)")
    void delayAndResetOfInactiveCallThrow() {
        ScheduledCall cancelled = reactor.schedule(Duration.ofSeconds(1), record("x"));
        cancelled.cancel();
        ScheduledCall called = reactor.schedule(Duration.ofSeconds(1), record("y"));
        reactor.advance(Duration.ofSeconds(1));

        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> cancelled.delay(Duration.ofSeconds(1)));
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> called.reset(Duration.ofSeconds(1)));

        assertTrue(e1.getMessage().contains("cancelled"), e1.getMessage());
        assertTrue(e2.getMessage().contains("already called"), e2.getMessage());
    }

    @Test
    @DisplayName("negative delays are rejected with a message naming the value (SPEC TIME-2, TW-DEF-1)")
    void negativeDelayRejected() {
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> reactor.schedule(Duration.ofMillis(-1500), record("x")));
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> reactor.schedule(-7, TimeUnit.SECONDS, record("x")));
        ScheduledCall c = reactor.schedule(Duration.ofSeconds(1), record("x"));
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> c.reset(Duration.ofSeconds(-2)));

        assertTrue(d.getMessage().contains("PT-1.5S"), d.getMessage());
        assertTrue(u.getMessage().contains("-7 SECONDS"), u.getMessage());
        assertTrue(r.getMessage().contains("PT-2S"), r.getMessage());
        assertEquals(1, reactor.pendingCalls().size());
    }

    @Test
    @Timeout(10)
    @DisplayName("schedule off the loop thread throws IllegalStateException naming both threads")
    void scheduleOffLoopThrows() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                reactor.schedule(Duration.ofSeconds(1), record("x"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "not-the-loop");
        other.start();
        other.join();

        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        String m = thrown.get().getMessage();
        assertTrue(m.contains("not-the-loop") && m.contains(Thread.currentThread().getName()), m);
    }

    @Test
    @DisplayName("schedule on an inactive reactor throws IllegalStateException naming the state")
    void scheduleWhenInactiveThrows() {
        DeterministicReactor fresh = DeterministicReactor.create();
        IllegalStateException init = assertThrows(IllegalStateException.class,
                () -> fresh.schedule(Duration.ofSeconds(1), record("x")));

        reactor.stop();
        reactor.runPending();
        IllegalStateException stopped = assertThrows(IllegalStateException.class,
                () -> reactor.schedule(Duration.ofSeconds(1), record("x")));

        assertTrue(init.getMessage().contains("INIT"), init.getMessage());
        assertTrue(stopped.getMessage().contains("STOPPED"), stopped.getMessage());
    }

    @Test
    @DisplayName("stopping cancels every pending call")
    void stopCancelsPendingCalls() {
        ScheduledCall c = reactor.schedule(Duration.ofSeconds(1), record("x"));

        reactor.stop();
        reactor.runPending();

        assertFalse(c.isActive());
        reactor.advance(Duration.ofSeconds(2));
        assertEquals(List.of(), ran);
    }

    @Test
    @DisplayName("a call in the extreme future does not disturb the others (SPEC TIME-6)")
    void distantCallIsHarmless() {
        ScheduledCall far = reactor.schedule(Duration.ofSeconds(Long.MAX_VALUE), record("far"));
        reactor.schedule(Duration.ofSeconds(1), record("near"));

        reactor.advance(Duration.ofDays(365));

        assertEquals(List.of("near"), ran);
        assertTrue(far.isActive());
        assertTrue(far.deadline() > 0);
    }
}
