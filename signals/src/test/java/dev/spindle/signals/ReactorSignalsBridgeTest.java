package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.reactor.testing.DeterministicReactor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The catalogue's {@code REACTOR_STATE_CHANGED}, fired by {@link ReactorSignals#bridge}. */
class ReactorSignalsBridgeTest {
    static String transition(ReactorStateChange c) {
        return c.from() + "->" + c.to();
    }

    @Nested
    class OnDeterministicReactor {
        final DeterministicReactor reactor = DeterministicReactor.create();
        final SignalBus bus = SignalBus.create(reactor);
        final List<String> log = new ArrayList<>();
        final List<ReactorStateChange> changes = new ArrayList<>();

        void listen() {
            bus.listen(reactor, ReactorSignals.REACTOR_STATE_CHANGED, (src, c) -> {
                assertSame(reactor, src);
                assertEquals(c.to(), reactor.state(), "fired after the state is visible");
                log.add(transition(c));
                changes.add(c);
            });
        }

        @Test
        @DisplayName("Catalogue: REACTOR_STATE_CHANGED reports start and stop in order, with the reactor as source")
        void startAndStop() {
            listen();
            Subscription bridge = ReactorSignals.bridge(reactor, bus);
            reactor.start();
            assertEquals(List.of("INIT->STARTING", "STARTING->STARTED"), log);
            reactor.stop();
            reactor.runUntilIdle();
            assertEquals(List.of("INIT->STARTING", "STARTING->STARTED", "STARTED->STOPPING", "STOPPING->STOPPED"), log);
            for (ReactorStateChange c : changes) {
                assertNull(c.error());
            }
            bridge.close();
            bridge.close();
            assertFalse(bridge.isActive());
            reactor.start();
            assertEquals(4, log.size(), "a closed bridge fires nothing");
            reactor.terminate();
            bus.close();
        }

        @Test
        @DisplayName("Catalogue: REACTOR_STATE_CHANGED reports stop() before start (INIT->STOPPED), a restart and terminate()")
        void stopBeforeStartRestartTerminate() {
            listen();
            Subscription bridge = ReactorSignals.bridge(reactor, bus);
            assertTrue(bridge.isActive());
            reactor.stop();
            reactor.start();
            reactor.terminate();
            assertEquals(List.of("INIT->STOPPED", "STOPPED->STARTING", "STARTING->STARTED", "STARTED->STOPPED"), log);
            bus.close();
        }

        @Test
        @DisplayName("Catalogue: REACTOR_STATE_CHANGED to ERROR carries the loop failure")
        void errorCarriesCause() {
            listen();
            ReactorSignals.bridge(reactor, bus);
            reactor.start();
            reactor.execute(() -> {
                throw new Error("loop broke");
            });
            reactor.runPending();
            assertEquals(ReactorState.ERROR, reactor.state());
            ReactorStateChange last = changes.get(changes.size() - 1);
            assertEquals("STARTED->ERROR", transition(last));
            assertNotNull(last.error());
            assertEquals("loop broke", last.error().getMessage());
            bus.close();
        }
    }

    @Nested
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    class OnSelectReactor {
        static final String LOOP_NAME = "signals-bridge-loop";

        @Test
        @DisplayName("Catalogue: a real reactor's start, stop, restart and terminate arrive in order, all on the reactor thread")
        void realReactorLifecycle() throws Exception {
            Reactor reactor = new SelectReactorProvider().create(ReactorConfig.builder().threadName(LOOP_NAME).build());
            SignalBus bus = SignalBus.create(reactor);
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            bus.listenAll(ReactorSignals.REACTOR_STATE_CHANGED, (src, c) -> {
                String thread = Thread.currentThread().getName();
                events.add(transition(c) + (src == reactor ? "" : " from another source")
                        + (thread.equals(LOOP_NAME) && reactor.inLoop() ? "" : " on " + thread));
            });
            Subscription bridge = ReactorSignals.bridge(reactor, bus);
            try {
                reactor.start();
                assertEquals("INIT->STARTING", next(events));
                assertEquals("STARTING->STARTED", next(events));
                reactor.stop();
                assertEquals("STARTED->STOPPING", next(events));
                assertEquals("STOPPING->STOPPED", next(events));
                reactor.start();
                assertEquals("STOPPED->STARTING", next(events));
                assertEquals("STARTING->STARTED", next(events));
                reactor.terminate();
                assertEquals("STARTED->STOPPED", next(events));
                assertNull(events.poll(), "nothing else: " + events);
            } finally {
                bridge.close();
                bus.close();
                reactor.terminate();
            }
        }

        String next(BlockingQueue<String> events) throws InterruptedException {
            String e = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(e, "no state change reported within 30 s");
            return e;
        }
    }
}
