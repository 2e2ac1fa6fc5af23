package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.SystemEvent;
import dev.spindle.reactor.TriggerPhase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle table of {@link dev.spindle.reactor.CoreReactor}, row by row, and system-event
 * triggers (SPEC §5.1), on the shared skeleton through {@link DeterministicReactor}.
 */
class DeterministicReactorLifecycleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final DeterministicReactor reactor = DeterministicReactor.create(
            ReactorConfig.builder().shutdownTimeout(TIMEOUT).build());
    private final List<String> transitions = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void observe() {
        reactor.addLifecycleListener((r, from, to) -> {
            assertSame(reactor, r);
            assertEquals(to, r.state(), "the new state is visible to the listener");
            transitions.add(from + ">" + to);
        });
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    /** Adds a trigger that logs "EVENT PHASE name". */
    private Registration trigger(SystemEvent event, TriggerPhase phase, String name) {
        return reactor.addSystemEventTrigger(event, phase, () -> {
            log.add(event + " " + phase + " " + name);
            return null;
        });
    }

    private void allPhases(SystemEvent event) {
        for (TriggerPhase p : TriggerPhase.values()) {
            trigger(event, p, "t");
        }
    }

    private CompletableFuture<Void> pendingBefore(SystemEvent event) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        reactor.addSystemEventTrigger(event, TriggerPhase.BEFORE, () -> {
            log.add(event + " BEFORE pending");
            return stage;
        });
        return stage;
    }

    @Nested
    @DisplayName("from INIT")
    class FromInit {
        @Test
        @DisplayName("start() runs startup on the calling thread up to STARTED (SPEC CORE-1, CORE-2)")
        void startRunsStartupSynchronouslyToStarted() {
            allPhases(SystemEvent.STARTUP);
            reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
                log.add("state in BEFORE: " + reactor.state());
                return null;
            });
            reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.AFTER, () -> {
                log.add("state in AFTER: " + reactor.state());
                return null;
            });

            reactor.start();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertTrue(reactor.inLoop(), "the test thread is the loop thread");
            assertEquals(List.of("STARTUP BEFORE t", "state in BEFORE: STARTING", "STARTUP DURING t", "STARTUP AFTER t",
                    "state in AFTER: STARTED"), log);
            assertEquals(List.of("INIT>STARTING", "STARTING>STARTED"), transitions);
        }

        @Test
        @DisplayName("stop() goes straight to STOPPED and runs no trigger")
        void stopGoesToStoppedWithoutTriggers() {
            allPhases(SystemEvent.STARTUP);
            allPhases(SystemEvent.SHUTDOWN);

            reactor.stop();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of(), log);
            assertEquals(List.of("INIT>STOPPED"), transitions);
        }

        @Test
        void terminateHasNoEffect() {
            reactor.terminate();

            assertEquals(ReactorState.INIT, reactor.state());
            assertEquals(List.of(), transitions);
        }

        @Test
        void runIsUnsupportedAndNamesTheWayToDriveTheLoop() {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, reactor::run);

            assertTrue(e.getMessage().contains("start()") && e.getMessage().contains("advance"), e.getMessage());
            assertEquals(ReactorState.INIT, reactor.state());
        }
    }

    @Nested
    @DisplayName("from STARTING (a BEFORE STARTUP stage is pending)")
    class FromStarting {
        private CompletableFuture<Void> stage;

        @BeforeEach
        void startWithPendingStage() {
            stage = pendingBefore(SystemEvent.STARTUP);
            trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "t");
            reactor.start();
            assertEquals(ReactorState.STARTING, reactor.state());
        }

        @Test
        @DisplayName("startup waits for the stage, then runs DURING and AFTER (SPEC CORE-9, CORE-14)")
        void startupWaitsForBeforeStage() {
            reactor.runUntilIdle();
            assertEquals(ReactorState.STARTING, reactor.state());
            assertEquals(List.of("STARTUP BEFORE pending"), log);

            stage.complete(null);
            reactor.runPending();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of("STARTUP BEFORE pending", "STARTUP DURING t"), log);
        }

        @Test
        @DisplayName("a failed BEFORE stage still lets startup go on (SPEC CORE-9)")
        void failedBeforeStageStillLetsDuringRun() {
            stage.completeExceptionally(new IllegalStateException("boom"));
            reactor.runPending();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of("STARTUP BEFORE pending", "STARTUP DURING t"), log);
        }

        @Test
        @DisplayName("the stage is waited for at most shutdownTimeout on the reactor's clock")
        void startupStageTimesOutAfterShutdownTimeout() {
            reactor.advance(TIMEOUT.minusNanos(1));
            assertEquals(ReactorState.STARTING, reactor.state());

            reactor.advance(Duration.ofNanos(1));

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of("STARTUP BEFORE pending", "STARTUP DURING t"), log);
        }

        @Test
        void startIsNoOp() {
            reactor.start();

            assertEquals(ReactorState.STARTING, reactor.state());
            assertEquals(List.of("INIT>STARTING"), transitions);
        }

        @Test
        @DisplayName("stop() lets startup complete, then stops; the loop sleeps meanwhile instead of spinning")
        void stopCompletesStartupThenStops() {
            List<String> ran = new ArrayList<>();
            reactor.callWhenRunning(() -> ran.add("running"));

            reactor.stop();
            reactor.runUntilIdle();

            assertEquals(ReactorState.STARTING, reactor.state());
            assertTrue(reactor.lastPollTimeout() > 0, "waits for the stage or its timeout, found timeout "
                    + reactor.lastPollTimeout());

            stage.complete(null);
            reactor.runPending();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("running"), ran);
            assertEquals(List.of("INIT>STARTING", "STARTING>STARTED", "STARTED>STOPPING", "STOPPING>STOPPED"),
                    transitions);
        }

        @Test
        @DisplayName("terminate() is in STOPPED before it returns; pending triggers wait for the next start")
        void terminateStopsBeforeReturning() {
            reactor.terminate();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("INIT>STARTING", "STARTING>STOPPED"), transitions);
            assertFalse(reactor.inLoop());

            // The consumed BEFORE trigger does not run again (CORE-10); the DURING one never ran.
            reactor.start();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of("STARTUP BEFORE pending", "STARTUP DURING t"), log);
        }
    }

    @Nested
    @DisplayName("from STARTED")
    class FromStarted {
        @BeforeEach
        void start() {
            reactor.start();
            transitions.clear();
        }

        @Test
        void startIsNoOp() {
            reactor.start();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of(), transitions);
        }

        @Test
        @DisplayName("stop() only flags: shutdown runs at the end of the next pass, in three phases (SPEC CORE-3)")
        void stopTakesEffectInTheNextPass() {
            allPhases(SystemEvent.SHUTDOWN);

            reactor.stop();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of(), log);

            reactor.runPending();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("SHUTDOWN BEFORE t", "SHUTDOWN DURING t", "SHUTDOWN AFTER t"), log);
            assertEquals(List.of("STARTED>STOPPING", "STOPPING>STOPPED"), transitions);
            assertFalse(reactor.inLoop(), "the loop was released");
        }

        @Test
        @DisplayName("stop() delivers queued tasks and due calls before the shutdown triggers")
        void stopDeliversQueuedWorkFirst() {
            trigger(SystemEvent.SHUTDOWN, TriggerPhase.BEFORE, "t");
            reactor.schedule(Duration.ofSeconds(1), () -> log.add("due call"));
            reactor.schedule(Duration.ofSeconds(2), () -> log.add("later call"));
            reactor.manualClock().advance(Duration.ofSeconds(1));

            reactor.stop();
            reactor.execute(() -> log.add("task queued after stop()"));
            reactor.runPending();

            assertEquals(List.of("task queued after stop()", "due call", "SHUTDOWN BEFORE t"), log);
            assertEquals(ReactorState.STOPPED, reactor.state());
        }

        @Test
        @DisplayName("stop() is idempotent (SPEC TW-DEF-2)")
        void stopTwiceIsHarmless() {
            reactor.stop();
            reactor.stop();
            reactor.runPending();
            reactor.stop();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("STARTED>STOPPING", "STOPPING>STOPPED"), transitions);
        }

        @Test
        @DisplayName("terminate() closes everything, cancels calls and runs no trigger, before it returns")
        void terminateStopsAtOnce() {
            allPhases(SystemEvent.SHUTDOWN);
            ScheduledCall call = reactor.schedule(Duration.ofSeconds(1), () -> log.add("call"));
            RecordingProtocol p = new RecordingProtocol();
            TcpListener l = (TcpListener) reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    remote -> p);
            MemoryTransport t = reactor.accept(l, new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000));

            reactor.terminate();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("STARTED>STOPPED"), transitions);
            assertEquals(List.of(), log);
            assertFalse(call.isActive());
            assertFalse(l.isOpen());
            assertTrue(t != null && t.isSocketClosed());
            assertEquals(List.of("made", "lost:ConnectionLostException"), p.events);
        }

        @Test
        @DisplayName("a scheduled call can stop the reactor (SPEC TIME-6)")
        void scheduledCallCanStopTheReactor() {
            reactor.schedule(Duration.ofSeconds(1), reactor::stop);

            reactor.advance(Duration.ofSeconds(1));

            assertEquals(ReactorState.STOPPED, reactor.state());
        }
    }

    @Nested
    @DisplayName("from STOPPING (a BEFORE SHUTDOWN stage is pending)")
    class FromStopping {
        private CompletableFuture<Void> stage;

        @BeforeEach
        void stopWithPendingStage() {
            reactor.start();
            stage = pendingBefore(SystemEvent.SHUTDOWN);
            trigger(SystemEvent.SHUTDOWN, TriggerPhase.DURING, "t");
            reactor.stop();
            reactor.runPending();
            assertEquals(ReactorState.STOPPING, reactor.state());
            transitions.clear();
        }

        @Test
        @DisplayName("shutdown waits for the stage, then runs DURING (SPEC CORE-3, CORE-9)")
        void shutdownWaitsForBeforeStage() {
            reactor.runUntilIdle();
            assertEquals(ReactorState.STOPPING, reactor.state());

            stage.complete(null);
            reactor.runPending();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("SHUTDOWN BEFORE pending", "SHUTDOWN DURING t"), log);
            assertEquals(List.of("STOPPING>STOPPED"), transitions);
        }

        @Test
        @DisplayName("the shutdown stage is waited for at most shutdownTimeout on the reactor's clock")
        void shutdownStageTimeoutIsHonoured() {
            reactor.advance(TIMEOUT.minusMillis(1));
            assertEquals(ReactorState.STOPPING, reactor.state());

            reactor.advance(Duration.ofMillis(1));

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("SHUTDOWN BEFORE pending", "SHUTDOWN DURING t"), log);
        }

        @Test
        void startAndStopAreNoOps() {
            reactor.start();
            reactor.stop();
            reactor.runPending();

            assertEquals(ReactorState.STOPPING, reactor.state());
            assertEquals(List.of(), transitions);
        }

        @Test
        void terminateStopsAtOnceWithoutWaitingForTheStage() {
            reactor.terminate();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of("SHUTDOWN BEFORE pending"), log);
            assertEquals(List.of("STOPPING>STOPPED"), transitions);
        }
    }

    @Nested
    @DisplayName("from STOPPED")
    class FromStopped {
        @BeforeEach
        void startAndStop() {
            reactor.start();
            reactor.stop();
            reactor.runPending();
            assertEquals(ReactorState.STOPPED, reactor.state());
            transitions.clear();
        }

        @Test
        void stopAndTerminateAreNoOps() {
            reactor.stop();
            reactor.terminate();
            reactor.runPending();

            assertEquals(ReactorState.STOPPED, reactor.state());
            assertEquals(List.of(), transitions);
        }

        @Test
        @DisplayName("start() restarts: new STARTUP triggers and callWhenRunning tasks run")
        void startRestarts() {
            List<String> ran = new ArrayList<>();
            reactor.callWhenRunning(() -> ran.add("running again"));
            trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "second");

            reactor.start();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertEquals(List.of("running again"), ran);
            assertEquals(List.of("STARTUP DURING second"), log);
            assertEquals(List.of("STOPPED>STARTING", "STARTING>STARTED"), transitions);

            reactor.stop();
            reactor.runPending();
            assertEquals(ReactorState.STOPPED, reactor.state());
        }
    }

    @Nested
    @DisplayName("from ERROR (an Error escaped a callback)")
    class FromError {
        private ScheduledCall call;

        @BeforeEach
        void fail() {
            reactor.start();
            call = reactor.schedule(Duration.ofSeconds(1), () -> log.add("call"));
            reactor.execute(() -> {
                throw new LoopBreaker();
            });
            reactor.runPending();
            transitions.clear();
        }

        @Test
        @DisplayName("a loop failure moves to ERROR, cancels calls and keeps the cause")
        void errorKeepsCauseAndCancelsCalls() {
            assertEquals(ReactorState.ERROR, reactor.state());
            assertTrue(reactor.error() instanceof LoopBreaker, String.valueOf(reactor.error()));
            assertFalse(call.isActive());
            assertFalse(reactor.inLoop());
        }

        @Test
        void stopAndTerminateAreNoOpsAndKeepTheError() {
            reactor.stop();
            reactor.terminate();

            assertEquals(ReactorState.ERROR, reactor.state());
            assertTrue(reactor.error() instanceof LoopBreaker);
            assertEquals(List.of(), transitions);
        }

        @Test
        void startRestartsAndClearsTheError() {
            reactor.start();

            assertEquals(ReactorState.STARTED, reactor.state());
            assertNull(reactor.error());
            assertEquals(List.of("ERROR>STARTING", "STARTING>STARTED"), transitions);
        }
    }

    @Test
    @DisplayName("the listener sees every transition of a full life in order, and can be removed")
    void listenerSeesEveryTransitionInOrder() {
        List<String> second = new ArrayList<>();
        Registration r = reactor.addLifecycleListener((rr, from, to) -> second.add(from + ">" + to));
        reactor.addLifecycleListener((rr, from, to) -> {
            throw new IllegalStateException("a failing listener does not disturb the others");
        });

        reactor.start();
        reactor.stop();
        reactor.runPending();
        assertTrue(r.remove());
        assertFalse(r.remove());
        reactor.start();
        reactor.execute(() -> {
            throw new LoopBreaker();
        });
        reactor.runPending();

        assertEquals(List.of("INIT>STARTING", "STARTING>STARTED", "STARTED>STOPPING", "STOPPING>STOPPED",
                "STOPPED>STARTING", "STARTING>STARTED", "STARTED>ERROR"), transitions);
        assertEquals(transitions.subList(0, 4), second);
    }

    // ------------------------------------------------------------------ triggers

    @Test
    @DisplayName("triggers are consumed: each runs once, not again after a restart (SPEC CORE-10)")
    void triggersRunOnce() {
        allPhases(SystemEvent.STARTUP);
        allPhases(SystemEvent.SHUTDOWN);

        reactor.start();
        reactor.stop();
        reactor.runPending();
        reactor.start();
        reactor.stop();
        reactor.runPending();

        assertEquals(List.of("STARTUP BEFORE t", "STARTUP DURING t", "STARTUP AFTER t", "SHUTDOWN BEFORE t",
                "SHUTDOWN DURING t", "SHUTDOWN AFTER t"), log);
    }

    @Test
    @DisplayName("a trigger added to the running phase runs in the same firing; one added to a finished phase waits (SPEC CORE-10)")
    void triggerAddedDuringFiring() {
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
            log.add("first");
            trigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, "added to the running phase");
            return null;
        });
        trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "t");
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.AFTER, () -> {
            trigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, "added to a finished phase");
            return null;
        });

        reactor.start();

        assertEquals(List.of("first", "STARTUP BEFORE added to the running phase", "STARTUP DURING t"), log);

        reactor.stop();
        reactor.runPending();
        reactor.start();

        assertEquals("STARTUP BEFORE added to a finished phase", log.get(log.size() - 1));
    }

    @Test
    @DisplayName("a trigger that throws is logged; the others in every phase still run (SPEC CORE-11)")
    void triggerExceptionsAreIsolated() {
        for (TriggerPhase p : TriggerPhase.values()) {
            reactor.addSystemEventTrigger(SystemEvent.STARTUP, p, () -> {
                throw new Exception("trigger failure in " + p);
            });
            trigger(SystemEvent.STARTUP, p, "after the failing one");
        }

        reactor.start();

        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals(List.of("STARTUP BEFORE after the failing one", "STARTUP DURING after the failing one",
                "STARTUP AFTER after the failing one"), log);
    }

    @Test
    @DisplayName("Registration.remove() stops a pending trigger; a second remove or one after it ran returns false (SPEC CORE-12, TW-DEF-3)")
    void removeTrigger() {
        Registration removed = trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "removed");
        Registration ran = trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "kept");

        assertTrue(removed.remove());
        assertFalse(removed.remove());
        reactor.start();

        assertEquals(List.of("STARTUP DURING kept"), log);
        assertFalse(ran.remove(), "already ran");
    }

    @Test
    @DisplayName("a BEFORE trigger can remove a pending DURING trigger, also while startup waits for a stage (SPEC CORE-12)")
    void beforeTriggerRemovesDuringTrigger() {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        Registration[] during = new Registration[2];
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
            assertTrue(during[0].remove());
            return stage;
        });
        during[0] = trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "removed synchronously");
        during[1] = trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "removed while waiting");

        reactor.start();
        assertTrue(during[1].remove());
        stage.complete(null);
        reactor.runPending();

        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("STARTUP and SHUTDOWN triggers do not interfere (SPEC CORE-9)")
    void differentEventsDoNotInterfere() {
        allPhases(SystemEvent.SHUTDOWN);

        reactor.start();

        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("callWhenRunning: in order after startup; at once when running (SPEC CORE-7)")
    void callWhenRunningOrder() {
        List<String> ran = new ArrayList<>();
        reactor.callWhenRunning(() -> ran.add("a"));
        Registration removed = reactor.callWhenRunning(() -> ran.add("removed"));
        reactor.callWhenRunning(() -> ran.add("b"));
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.DURING, () -> {
            ran.add("during");
            return null;
        });
        assertTrue(removed.remove());

        reactor.start();
        Registration atOnce = reactor.callWhenRunning(() -> ran.add("c"));

        assertEquals(List.of("during", "a", "b", "c"), ran);
        assertFalse(atOnce.remove(), "it already ran");
    }

    @Test
    @DisplayName("stop() inside a startup trigger stops cleanly, and the reactor can start again")
    void stopInsideStartupTrigger() {
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
            reactor.stop();
            return null;
        });

        reactor.start();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertFalse(reactor.inLoop());
        assertEquals(List.of("INIT>STARTING", "STARTING>STARTED", "STARTED>STOPPING", "STOPPING>STOPPED"), transitions);

        reactor.start();
        reactor.schedule(Duration.ZERO, () -> log.add("scheduled after restart"));
        reactor.runPending();

        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals(List.of("scheduled after restart"), log);
    }

    @Test
    @DisplayName("terminate() inside a startup trigger stops cleanly, and the reactor can start again")
    void terminateInsideStartupTrigger() {
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
            reactor.terminate();
            return null;
        });
        trigger(SystemEvent.STARTUP, TriggerPhase.DURING, "t");

        reactor.start();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(List.of(), log);

        reactor.start();

        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals(List.of("STARTUP DURING t"), log);
    }

    @Test
    @DisplayName("stop() lets transports flush; after shutdownTimeout the rest are aborted")
    void shutdownDrainsTransportsWithinTimeout() {
        reactor.start();
        RecordingProtocol flushed = new RecordingProtocol();
        RecordingProtocol stuck = new RecordingProtocol();
        TcpListener l = (TcpListener) reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                remote -> ((InetSocketAddress) remote).getPort() == 1 ? flushed : stuck);
        MemoryTransport a = reactor.accept(l, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        MemoryTransport b = reactor.accept(l, new InetSocketAddress(InetAddress.getLoopbackAddress(), 2));
        a.setWriteCapacity(1);
        b.setWriteCapacity(0);
        a.write(RecordingProtocol.bytes("abc"));
        b.write(RecordingProtocol.bytes("xyz"));

        reactor.stop();
        reactor.runUntilIdle();

        assertEquals(ReactorState.STOPPING, reactor.state());
        assertEquals("abc", RecordingProtocol.string(a.written()));
        assertEquals(List.of("made", "lost:null"), flushed.events);
        assertEquals(List.of("made"), stuck.events);

        reactor.advance(TIMEOUT);

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(List.of("made", "lost:ConnectionLostException"), stuck.events);
        assertTrue(stuck.lostCauses.get(0) instanceof ConnectionLostException);
    }

    /** An {@link Error} from a callback: the loop itself fails. */
    static final class LoopBreaker extends Error {
        private static final long serialVersionUID = 1L;

        LoopBreaker() {
            super("test error escaping a callback");
        }
    }
}
