package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Clock;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.LoopingCall;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a test turns a {@link DeterministicReactor}: advance, runPending, runUntilIdle, pump, elapse (SPEC §5.6). */
class DeterministicReactorDrivingTest {
    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private void chain(int remaining) {
        ran.add("link " + remaining);
        if (remaining > 0) {
            reactor.schedule(Duration.ZERO, () -> chain(remaining - 1));
        }
    }

    @Test
    @DisplayName("create() forces a ManualClock reading 0; a ManualClock in the config is kept (SPEC CLK-1)")
    void createForcesManualClock() {
        DeterministicReactor fromSystem = DeterministicReactor.create(ReactorConfig.builder().clock(Clock.system()).build());
        ManualClock shared = ManualClock.create();
        DeterministicReactor withShared = DeterministicReactor.create(ReactorConfig.builder().clock(shared).build());

        assertInstanceOf(ManualClock.class, fromSystem.clock());
        assertSame(fromSystem.clock(), fromSystem.manualClock());
        assertSame(fromSystem.clock(), fromSystem.config().clock());
        assertEquals(0, fromSystem.clock().nanoTime());
        assertSame(shared, withShared.manualClock());
        assertEquals("deterministic", reactor.backendName());
    }

    @Test
    @DisplayName("advance() runs one pass: a call made due during the pass waits for the next (SPEC TIME-5, TW-DEF-1)")
    void advanceRunsOnePass() {
        reactor.start();
        reactor.schedule(Duration.ofSeconds(1), () -> chain(2));

        reactor.advance(Duration.ofSeconds(1));
        assertEquals(List.of("link 2"), ran);

        reactor.runPending();
        assertEquals(List.of("link 2", "link 1"), ran);
        reactor.advance(Duration.ZERO);
        assertEquals(List.of("link 2", "link 1", "link 0"), ran);
    }

    @Test
    @DisplayName("runUntilIdle() runs chained work to the end without moving the clock")
    void runUntilIdleRunsChains() {
        reactor.start();
        reactor.execute(() -> chain(20));
        reactor.schedule(Duration.ofSeconds(1), () -> ran.add("not due"));

        reactor.runUntilIdle();

        assertEquals(21, ran.size());
        assertEquals("link 0", ran.get(20));
        assertEquals(0, reactor.clock().nanoTime());
    }

    @Test
    @DisplayName("runUntilIdle() gives up after MAX_PASSES when the loop never becomes idle")
    void runUntilIdleIsBounded() {
        reactor.start();
        LoopingCall.of(reactor, () -> { }).start(Duration.ZERO, true);

        IllegalStateException e = assertThrows(IllegalStateException.class, reactor::runUntilIdle);

        assertTrue(e.getMessage().contains("never became idle"), e.getMessage());
    }

    @Test
    @DisplayName("a writer that stays registered and ready keeps the loop busy")
    void alwaysReadyWriterIsNeverIdle() {
        reactor.start();
        Pipe p = reactor.openPipe(new DescriptorHandler() { }, new DescriptorHandler() { });
        reactor.addWriter(p.sink());

        assertThrows(IllegalStateException.class, reactor::runUntilIdle);

        reactor.removeWriter(p.sink());
        reactor.runUntilIdle();
    }

    @Test
    @DisplayName("pump() is a sequence of advances (SPEC CLK-5)")
    void pumpIsSequenceOfAdvances() {
        reactor.start();
        List<Long> at = new ArrayList<>();
        LoopingCall.of(reactor, () -> at.add(reactor.clock().nanoTime() / 1_000_000)).start(Duration.ofMillis(100), false);

        reactor.pump(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(300));

        assertEquals(List.of(100L, 200L, 500L), at);
    }

    @Test
    @DisplayName("elapse() stops at every deadline on the way, as a running reactor would; advance() jumps")
    void elapseStopsAtEveryDeadline() {
        reactor.start();
        List<Long> counts = new ArrayList<>();
        LoopingCall lc = LoopingCall.withCount(reactor, counts::add);
        lc.start(Duration.ofSeconds(1), false);

        reactor.elapse(Duration.ofMillis(3500));
        assertEquals(List.of(1L, 1L, 1L), counts);
        assertEquals(Duration.ofMillis(3500).toNanos(), reactor.clock().nanoTime());

        reactor.advance(Duration.ofSeconds(3));
        assertEquals(List.of(1L, 1L, 1L, 3L), counts);
    }

    @Test
    @DisplayName("with the reactor inactive, advance() and friends only move the clock")
    void inactiveReactorOnlyMovesTheClock() {
        reactor.execute(() -> ran.add("task"));

        reactor.advance(Duration.ofSeconds(1));
        reactor.runPending();
        reactor.runUntilIdle();
        reactor.elapse(Duration.ofSeconds(1));

        assertEquals(Duration.ofSeconds(2).toNanos(), reactor.clock().nanoTime());
        assertEquals(List.of(), ran);
        assertEquals(ReactorState.INIT, reactor.state());
    }

    @Test
    @DisplayName("turning the loop from inside a pass is refused (SPEC CORE-6)")
    void reentrantTurnIsRefused() {
        reactor.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        reactor.execute(() -> {
            try {
                reactor.runPending();
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        });

        reactor.runPending();

        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("inside a loop pass"), thrown.get().getMessage());
    }

    @Test
    @DisplayName("start() from a callback of the pass (or terminate) that stopped the reactor is refused")
    void restartFromInsideAPassIsRefused() {
        reactor.start();
        List<Throwable> thrown = new ArrayList<>();
        reactor.addLifecycleListener((r, from, to) -> {
            if (to == ReactorState.STOPPED) {
                try {
                    reactor.start();
                } catch (IllegalStateException e) {
                    thrown.add(e);
                }
            }
        });

        reactor.stop();
        reactor.runPending();
        assertEquals(ReactorState.STOPPED, reactor.state());
        reactor.start();
        assertEquals(ReactorState.STARTED, reactor.state());
        reactor.terminate();

        assertEquals(2, thrown.size(), "refused after stop() and after terminate()");
        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(false, reactor.inLoop());
    }

    @Test
    void negativeAdvanceIsRejected() {
        reactor.start();

        assertThrows(IllegalArgumentException.class, () -> reactor.advance(Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class, () -> reactor.elapse(Duration.ofNanos(-1)));
        assertEquals(0, reactor.clock().nanoTime());
    }

    @Test
    @Timeout(10)
    @DisplayName("terminate() from a thread other than the driving one is refused instead of waiting forever")
    void terminateFromAnotherThreadIsRefused() throws InterruptedException {
        reactor.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                reactor.terminate();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.start();
        other.join();

        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertEquals(ReactorState.STARTED, reactor.state());
    }

    @Test
    @Timeout(10)
    @DisplayName("stop() from another thread is honoured in the next pass")
    void stopFromAnotherThread() throws InterruptedException {
        reactor.start();
        Thread other = new Thread(reactor::stop);
        other.start();
        other.join();

        reactor.runPending();

        assertEquals(ReactorState.STOPPED, reactor.state());
    }

    @Test
    @DisplayName("turning the loop from a thread other than the driving one names both threads")
    void turningFromAnotherThreadIsRefused() throws InterruptedException {
        reactor.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                reactor.runPending();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "intruder");
        other.start();
        other.join();

        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("intruder"), thrown.get().getMessage());
    }
}
