package dev.spindle.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.SystemEvent;
import dev.spindle.reactor.TriggerPhase;
import dev.spindle.reactor.testing.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AbstractReactor#run()} and the poll timeouts it computes, on a scripted backend whose
 * {@code poll} never blocks and lets the test act between passes. No threads, no sleeps.
 */
@Timeout(10)
class AbstractReactorRunTest {
    private static final long SHUTDOWN_TIMEOUT = Duration.ofSeconds(10).toNanos();

    private final ScriptedReactor reactor = new ScriptedReactor();
    private final List<String> log = new ArrayList<>();

    /** A backend whose poll records its timeout and runs the test's script instead of waiting. */
    static final class ScriptedReactor extends AbstractReactor {
        final ManualClock clock;
        final List<Long> pollTimeouts = new ArrayList<>();
        int opened;
        int closed;
        int wakeups;
        @Nullable IOException failNextPoll;
        @Nullable LongConsumer onPoll;

        ScriptedReactor() {
            this(ManualClock.create());
        }

        private ScriptedReactor(ManualClock clock) {
            super(ReactorConfig.builder().clock(clock).build());
            this.clock = clock;
        }

        @Override
        protected void openBackend() {
            opened++;
        }

        @Override
        protected void poll(long timeoutNanos) throws IOException {
            pollTimeouts.add(timeoutNanos);
            if (pollTimeouts.size() > 10_000) {
                throw new IllegalStateException("runaway loop: " + pollTimeouts.size() + " passes");
            }
            IOException e = failNextPoll;
            if (e != null) {
                failNextPoll = null;
                throw e;
            }
            LongConsumer script = onPoll;
            if (script != null) {
                script.accept(timeoutNanos);
            }
        }

        @Override
        protected void wakeupBackend() {
            wakeups++;
        }

        @Override
        protected void closeBackend() {
            closed++;
        }

        @Override
        protected PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options, Protocol protocol,
                ConnectListener listener) throws IOException {
            throw new IOException("no sockets in this test");
        }

        @Override
        public String backendName() {
            return "scripted";
        }

        @Override
        public Pipe openPipe(dev.spindle.reactor.DescriptorHandler sourceHandler,
                dev.spindle.reactor.DescriptorHandler sinkHandler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addReader(dev.spindle.reactor.Descriptor descriptor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addWriter(dev.spindle.reactor.Descriptor descriptor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeReader(dev.spindle.reactor.Descriptor descriptor) {
        }

        @Override
        public void removeWriter(dev.spindle.reactor.Descriptor descriptor) {
        }

        @Override
        public List<dev.spindle.reactor.Descriptor> removeAll() {
            return List.of();
        }

        @Override
        public List<dev.spindle.reactor.Descriptor> readers() {
            return List.of();
        }

        @Override
        public List<dev.spindle.reactor.Descriptor> writers() {
            return List.of();
        }

        @Override
        public ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    @DisplayName("run() drives the loop on the calling thread and returns once stopped (SPEC CORE-1)")
    void runDrivesTheLoopUntilStopped() {
        Thread caller = Thread.currentThread();
        reactor.callWhenRunning(() -> {
            log.add(Thread.currentThread() == caller ? "running on the caller" : "elsewhere");
            reactor.stop();
        });

        reactor.run();

        assertEquals(List.of("running on the caller"), log);
        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(1, reactor.opened);
        assertEquals(1, reactor.closed);
        assertTrue(!reactor.inLoop());
    }

    @Test
    @DisplayName("run() while running throws IllegalStateException naming the driving thread (SPEC CORE-1)")
    void runWhileRunningThrows() {
        List<Throwable> thrown = new ArrayList<>();
        reactor.callWhenRunning(() -> {
            try {
                reactor.run();
            } catch (IllegalStateException e) {
                thrown.add(e);
            }
            reactor.stop();
        });

        reactor.run();

        assertEquals(1, thrown.size());
        String m = thrown.get(0).getMessage();
        assertTrue(m.contains("STARTED") && m.contains(Thread.currentThread().getName()), m);
    }

    @Test
    @DisplayName("run() after a stop runs again (unlike Twisted's ReactorNotRestartable, SPEC CORE-1)")
    void runAgainAfterStop() {
        reactor.callWhenRunning(reactor::stop);
        reactor.run();
        reactor.callWhenRunning(() -> {
            log.add("second run");
            reactor.stop();
        });

        reactor.run();

        assertEquals(List.of("second run"), log);
        assertEquals(2, reactor.opened);
        assertEquals(2, reactor.closed);
    }

    @Test
    @DisplayName("a failing poll moves the reactor to ERROR; run() throws with the cause; the next run() clears it")
    void pollFailureMovesToError() {
        IOException broken = new IOException("poller broke");
        List<String> transitions = new ArrayList<>();
        reactor.addLifecycleListener((r, from, to) -> transitions.add(from + ">" + to));
        reactor.failNextPoll = broken;

        ReactorException e = assertThrows(ReactorException.class, reactor::run);

        assertSame(broken, e.getCause());
        assertEquals(ReactorState.ERROR, reactor.state());
        assertSame(broken, reactor.error());
        assertEquals(1, reactor.closed, "the backend is released");
        assertEquals(List.of("INIT>STARTING", "STARTING>STARTED", "STARTED>ERROR"), transitions);

        reactor.callWhenRunning(reactor::stop);
        reactor.run();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertNull(reactor.error());
    }

    @Test
    @DisplayName("with nothing to do the loop waits without bound; with a call pending, until its deadline (SPEC TIME-6)")
    void pollTimeouts() {
        reactor.onPoll = timeout -> {
            if (reactor.pollTimeouts.size() == 1) {
                reactor.schedule(Duration.ofSeconds(5), () -> {
                    log.add("call");
                    reactor.stop();
                });
            } else if (timeout > 0) {
                reactor.clock.advance(Duration.ofNanos(timeout));
            }
        };

        reactor.run();

        assertEquals(-1L, reactor.pollTimeouts.get(0));
        assertEquals(Duration.ofSeconds(5).toNanos(), reactor.pollTimeouts.get(1));
        assertEquals(List.of("call"), log);
    }

    @Test
    @DisplayName("at most one wake-up per sleep, none while the loop is busy")
    void oneWakeupPerSleep() {
        reactor.execute(() -> log.add("queued before run"));
        assertEquals(0, reactor.wakeups, "not sleeping: no wake-up");
        reactor.onPoll = timeout -> {
            if (timeout != 0 && log.size() == 1) {
                // The loop is about to sleep: the first producer wakes it, the second need not.
                reactor.execute(() -> log.add("a"));
                reactor.execute(() -> log.add("b"));
            } else if (log.size() == 3 && timeout != 0) {
                log.add("wake-ups before stop: " + reactor.wakeups);
                reactor.stop();
            }
        };

        reactor.run();

        assertEquals(List.of("queued before run", "a", "b", "wake-ups before stop: 1"), log);
        assertEquals(2, reactor.wakeups, "stop() wakes the sleeping loop too");
    }

    @Test
    @DisplayName("stop() while startup waits for a BEFORE stage does not spin the loop: it sleeps until the stage or its timeout")
    void stopDuringStartupStageDoesNotSpin() {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        reactor.addSystemEventTrigger(SystemEvent.STARTUP, TriggerPhase.BEFORE, () -> {
            reactor.stop();
            return stage;
        });
        reactor.callWhenRunning(() -> log.add("started"));
        reactor.onPoll = timeout -> {
            if (reactor.pollTimeouts.size() == 1) {
                stage.complete(null);
            }
        };

        reactor.run();

        assertEquals(SHUTDOWN_TIMEOUT, reactor.pollTimeouts.get(0));
        assertEquals(List.of("started"), log);
        assertEquals(ReactorState.STOPPED, reactor.state());
    }

    @Test
    @DisplayName("an Error escaping a callback moves the reactor to ERROR and run() reports it")
    void errorInCallbackFailsTheLoop() {
        AssertionError bug = new AssertionError("callback bug");
        reactor.callWhenRunning(() -> reactor.execute(() -> {
            throw bug;
        }));

        ReactorException e = assertThrows(ReactorException.class, reactor::run);

        assertSame(bug, e.getCause());
        assertInstanceOf(AssertionError.class, reactor.error());
    }
}
