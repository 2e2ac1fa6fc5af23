package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.testing.DeterministicReactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link LoopingCall} on the manual clock (SPEC §5.7). */
class LoopingCallTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<Long> times = new ArrayList<>();
    private final List<Long> counts = new ArrayList<>();

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private long nowMillis() {
        return reactor.clock().nanoTime() / 1_000_000;
    }

    private LoopingCall recording() {
        return LoopingCall.of(reactor, () -> times.add(nowMillis()));
    }

    private LoopingCall counting() {
        return LoopingCall.withCount(reactor, count -> {
            times.add(nowMillis());
            counts.add(count);
        });
    }

    private static Throwable failureOf(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), "stage failed: " + f);
        Throwable t = assertThrows(CompletionException.class, f::join).getCause();
        return t;
    }

    @Test
    @DisplayName("start(now=true) calls at once, then every interval from the start time (SPEC LC-1)")
    void startNowCallsAtOnce() {
        LoopingCall lc = recording();

        CompletionStage<LoopingCall> done = lc.start(SECOND, true);

        assertTrue(lc.isRunning());
        assertEquals(SECOND, lc.interval());
        assertEquals(List.of(0L), times);
        reactor.pump(SECOND, SECOND, Duration.ofMillis(500), Duration.ofMillis(500));
        assertEquals(List.of(0L, 1000L, 2000L, 3000L), times);
        assertFalse(done.toCompletableFuture().isDone());
    }

    @Test
    @DisplayName("start(now=false) makes the first call one interval after the start (SPEC LC-1)")
    void startDelayedWaitsOneInterval() {
        LoopingCall lc = recording();

        lc.start(SECOND, false);
        reactor.advance(SECOND.minusNanos(1));
        assertEquals(List.of(), times);

        reactor.advance(Duration.ofNanos(1));
        assertEquals(List.of(1000L), times);
    }

    @Test
    @DisplayName("start while running, or with a negative interval, throws (SPEC LC-1)")
    void badStarts() {
        LoopingCall lc = recording();
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> lc.start(Duration.ofMillis(-1), true));
        assertTrue(negative.getMessage().contains("PT-0.001S"), negative.getMessage());
        assertFalse(lc.isRunning());

        lc.start(SECOND, false);
        assertThrows(IllegalStateException.class, () -> lc.start(SECOND, false));
    }

    @Test
    @DisplayName("start on an inactive reactor throws and leaves the call stopped")
    void startOnInactiveReactorLeavesItStopped() {
        DeterministicReactor idle = DeterministicReactor.create();
        LoopingCall lc = LoopingCall.of(idle, () -> times.add(0L));

        assertThrows(IllegalStateException.class, () -> lc.start(SECOND, false));

        assertFalse(lc.isRunning());
        assertThrows(IllegalStateException.class, lc::stop);
    }

    @Test
    @DisplayName("beats missed because the loop was late are skipped, not replayed (SPEC LC-2)")
    void reactorDelaySkipsBeats() {
        LoopingCall lc = recording();
        lc.start(SECOND, true);

        reactor.advance(Duration.ofMillis(3500));
        assertEquals(List.of(0L, 3500L), times);

        reactor.advance(Duration.ofMillis(499));
        assertEquals(2, times.size());
        reactor.advance(Duration.ofMillis(1));
        assertEquals(List.of(0L, 3500L, 4000L), times);
    }

    @Test
    @DisplayName("beats missed because the function was slow are skipped too (SPEC LC-2)")
    void callbackDelaySkipsBeats() {
        LoopingCall lc = LoopingCall.of(reactor, () -> {
            times.add(nowMillis());
            if (times.size() == 1) {
                reactor.manualClock().advance(Duration.ofMillis(2500));
            }
        });
        lc.start(SECOND, true);

        assertEquals(1, reactor.pendingCalls().size());
        assertEquals(Duration.ofSeconds(3).toNanos(), reactor.pendingCalls().get(0).deadline());
        reactor.advance(Duration.ofMillis(500));
        assertEquals(List.of(0L, 3000L), times);
    }

    @Test
    @DisplayName("interval 0 calls once per loop pass, never twice in one pass (SPEC LC-2, LC-6)")
    void zeroIntervalCallsOncePerPass() {
        LoopingCall lc = counting();
        lc.start(Duration.ZERO, true);
        assertEquals(1, times.size());

        reactor.runPending();
        reactor.runPending();
        reactor.advance(SECOND);

        assertEquals(4, times.size());
        assertEquals(List.of(1L, 1L, 1L, 1L), counts);
        lc.stop();
        reactor.runUntilIdle();
        assertEquals(4, times.size());
    }

    @Test
    @DisplayName("withCount: counts are never 0 and add up to the elapsed intervals (SPEC LC-6)")
    void countsAddUpToElapsedIntervals() {
        LoopingCall lc = counting();
        lc.start(SECOND, true);

        reactor.pump(SECOND, Duration.ofMillis(3500), Duration.ofMillis(500), Duration.ofMillis(2900), Duration.ofMillis(100));

        assertEquals(List.of(0L, 1000L, 4500L, 5000L, 7900L, 8000L), times);
        assertEquals(List.of(1L, 1L, 3L, 1L, 2L, 1L), counts);
        long sum = counts.stream().mapToLong(Long::longValue).sum();
        assertEquals(8 + 1, sum, "intervals elapsed since the start, plus the call at the start");
    }

    @Test
    @DisplayName("an async function's stage is waited for before the next call; beats skipped meanwhile are counted (SPEC LC-3, LC-6)")
    void asyncStageIsWaitedFor() {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        LoopingCall lc = LoopingCall.async(reactor, count -> {
            counts.add(count);
            CompletableFuture<Void> s = new CompletableFuture<>();
            stages.add(s);
            return s;
        });
        lc.start(SECOND, true);

        reactor.pump(SECOND, SECOND, Duration.ofMillis(500));
        assertEquals(List.of(1L), counts, "no call while the stage is pending");
        assertTrue(reactor.pendingCalls().isEmpty());

        stages.get(0).complete(null);
        reactor.runPending();
        reactor.advance(Duration.ofMillis(500));

        assertEquals(List.of(1L, 3L), counts);
    }

    @Test
    @DisplayName("a function that throws stops the loop and fails the start stage (SPEC LC-3)")
    void failureStopsAndFailsTheStage() {
        IllegalStateException failure = new IllegalStateException("beat failed");
        LoopingCall lc = LoopingCall.of(reactor, () -> {
            times.add(nowMillis());
            if (times.size() == 2) {
                throw failure;
            }
        });
        CompletionStage<LoopingCall> done = lc.start(SECOND, true);

        reactor.pump(SECOND, SECOND);

        assertSame(failure, failureOf(done));
        assertFalse(lc.isRunning());
        assertEquals(List.of(0L, 1000L), times);
        assertTrue(reactor.pendingCalls().isEmpty());
        assertThrows(IllegalStateException.class, lc::stop, "stop after a failure");
    }

    @Test
    @DisplayName("a failed stage stops the loop and fails the start stage (SPEC LC-3)")
    void failedStageStopsAndFailsTheStage() {
        IllegalStateException failure = new IllegalStateException("async beat failed");
        LoopingCall lc = LoopingCall.async(reactor, count -> CompletableFuture.failedFuture(failure));

        CompletionStage<LoopingCall> done = lc.start(SECOND, true);
        reactor.runPending();

        assertSame(failure, failureOf(done));
        assertFalse(lc.isRunning());
    }

    @Test
    @DisplayName("stop() cancels the next call and completes the stage with the LoopingCall (SPEC LC-4)")
    void stopCancelsAndCompletes() {
        LoopingCall lc = recording();
        CompletionStage<LoopingCall> done = lc.start(SECOND, true);

        lc.stop();

        assertFalse(lc.isRunning());
        assertSame(lc, done.toCompletableFuture().getNow(null));
        assertTrue(reactor.pendingCalls().isEmpty());
        reactor.advance(Duration.ofSeconds(5));
        assertEquals(List.of(0L), times);
        assertThrows(IllegalStateException.class, lc::stop, "stop when not running");
    }

    @Test
    @DisplayName("stop() before a delayed first call: the function never runs (SPEC LC-4)")
    void stopBeforeDelayedStart() {
        LoopingCall lc = recording();
        lc.start(SECOND, false);

        lc.stop();
        reactor.advance(Duration.ofSeconds(5));

        assertEquals(List.of(), times);
        assertTrue(reactor.pendingCalls().isEmpty());
    }

    @Test
    @DisplayName("stop() while a stage is pending completes when the stage does, with no further call (SPEC LC-4)")
    void stopWhileStagePending() {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        LoopingCall lc = LoopingCall.async(reactor, count -> {
            counts.add(count);
            return stage;
        });
        CompletionStage<LoopingCall> done = lc.start(SECOND, true);

        lc.stop();
        assertFalse(done.toCompletableFuture().isDone());

        stage.complete(null);
        reactor.runPending();
        reactor.advance(Duration.ofSeconds(5));

        assertSame(lc, done.toCompletableFuture().getNow(null));
        assertEquals(List.of(1L), counts);
    }

    @Test
    @DisplayName("stop() from inside the function, then a throw, fails the stage (SPEC LC-4)")
    void stopThenThrowFromInsideFails() {
        IllegalStateException failure = new IllegalStateException("after stop");
        LoopingCall[] self = new LoopingCall[1];
        self[0] = LoopingCall.of(reactor, () -> {
            self[0].stop();
            throw failure;
        });

        CompletionStage<LoopingCall> done = self[0].start(SECOND, true);

        assertSame(failure, failureOf(done));
        assertFalse(self[0].isRunning());
    }

    @Test
    @DisplayName("stop() from inside the function, returning normally, completes the stage (SPEC LC-4)")
    void stopFromInsideCompletes() {
        LoopingCall[] self = new LoopingCall[1];
        self[0] = LoopingCall.of(reactor, () -> {
            times.add(nowMillis());
            if (times.size() == 2) {
                self[0].stop();
            }
        });
        CompletionStage<LoopingCall> done = self[0].start(SECOND, true);

        reactor.pump(SECOND, SECOND, SECOND);

        assertSame(self[0], done.toCompletableFuture().getNow(null));
        assertEquals(List.of(0L, 1000L), times);
        assertTrue(reactor.pendingCalls().isEmpty());
    }

    @Test
    @DisplayName("start() after stop() works, timing from the new start (SPEC LC-4)")
    void restartAfterStop() {
        LoopingCall lc = recording();
        lc.start(SECOND, true);
        lc.stop();
        reactor.advance(Duration.ofMillis(300));

        CompletionStage<LoopingCall> second = lc.start(SECOND, false);
        reactor.pump(SECOND, SECOND);

        assertEquals(List.of(0L, 1300L, 2300L), times);
        assertFalse(second.toCompletableFuture().isDone());
    }

    @Test
    @DisplayName("restarted while the previous run's stage is pending: that stage ends the old run only")
    void restartWhileOldStagePending() {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        LoopingCall lc = LoopingCall.async(reactor, count -> {
            times.add(nowMillis());
            CompletableFuture<Void> s = new CompletableFuture<>();
            stages.add(s);
            return stages.size() == 1 ? s : null;
        });
        CompletionStage<LoopingCall> first = lc.start(SECOND, true);
        lc.stop();

        CompletionStage<LoopingCall> second = lc.start(SECOND, false);
        stages.get(0).complete(null);
        reactor.pump(Duration.ZERO, SECOND, SECOND);

        assertSame(lc, first.toCompletableFuture().getNow(null));
        assertFalse(second.toCompletableFuture().isDone());
        assertEquals(List.of(0L, 1000L, 2000L), times, "one chain of calls, not two");
        assertEquals(1, reactor.pendingCalls().size());

        lc.stop();
        assertSame(lc, second.toCompletableFuture().getNow(null), "the new run did not wait for the old stage");
    }

    @Test
    @DisplayName("reset() restarts timing from now: the next call is a full interval later (SPEC LC-5)")
    void resetRestartsTiming() {
        LoopingCall lc = recording();
        lc.start(SECOND, true);
        reactor.advance(Duration.ofMillis(700));

        lc.reset();
        reactor.advance(Duration.ofMillis(999));
        assertEquals(List.of(0L), times);

        reactor.advance(Duration.ofMillis(1));
        assertEquals(List.of(0L, 1700L), times);
        assertThrows(IllegalStateException.class, () -> {
            lc.stop();
            lc.reset();
        });
    }

    @Test
    @DisplayName("LoopingCalls stop being called when the reactor stops")
    void reactorStopCancelsTheNextCall() {
        LoopingCall lc = recording();
        lc.start(SECOND, true);

        reactor.stop();
        reactor.runPending();
        reactor.advance(Duration.ofSeconds(3));

        assertEquals(List.of(0L), times);
    }
}
