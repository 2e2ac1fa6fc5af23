package dev.spindle.signals.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.ReactorStateChange;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SignalBus service's rules without a framework: one bus per reactor, made before the old
 * one is withdrawn, the old one kept until its reactor stops, whiteboard listeners on every bus.
 */
@Timeout(60)
class SignalBusManagerTest {
    private static final List<Signal<?>> STATE = List.of(ReactorSignals.REACTOR_STATE_CHANGED);

    private final SignalBusManager manager = new SignalBusManager();
    private final List<String> events = new ArrayList<>();
    private final List<SignalBus> published = new ArrayList<>();
    private final List<Reactor> reactors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        manager.deactivate();
        for (Reactor r : reactors) {
            r.terminate();
        }
    }

    private final SignalBusManager.Publisher publisher = (bus, backend) -> {
        synchronized (events) {
            int n = published.size();
            published.add(bus);
            events.add("+" + backend + "#" + n);
            return () -> {
                synchronized (events) {
                    events.add("-" + backend + "#" + n);
                }
            };
        }
    };

    private List<String> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** A select reactor in state STARTED, as the Reactor service's reactors are. */
    private Reactor started() throws InterruptedException {
        Reactor r = new SelectReactorProvider().create(dev.spindle.reactor.ReactorConfig.defaults());
        reactors.add(r);
        CountDownLatch running = new CountDownLatch(1);
        r.callWhenRunning(running::countDown);
        r.start();
        assertTrue(running.await(30, TimeUnit.SECONDS));
        return r;
    }

    /** Records state changes per source, and counts down on STOPPED. */
    static final class Recorder implements SignalListener<ReactorStateChange> {
        final List<String> seen = new ArrayList<>();
        final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public synchronized void onSignal(Object source, ReactorStateChange event) {
            seen.add(System.identityHashCode(source) + ":" + event.from() + "->" + event.to());
            if (event.to() == ReactorState.STOPPED) {
                stopped.countDown();
            }
        }

        synchronized List<String> seen() {
            return new ArrayList<>(seen);
        }
    }

    @Test
    void publishesABusOnTheBoundReactorOnlyWhileActive() {
        DeterministicReactor reactor = DeterministicReactor.create();
        manager.bindReactor(reactor, "test");
        assertTrue(events().isEmpty(), "nothing before activation");
        manager.activate(publisher);
        assertEquals(List.of("+test#0"), events());
        assertSame(reactor, published.get(0).reactor());
        assertNotNull(manager.bus());
        manager.deactivate();
        assertEquals(List.of("+test#0", "-test#0"), events());
        assertNull(manager.bus());
    }

    @Test
    void theServiceBusCannotBeClosedByAConsumer() {
        manager.bindReactor(DeterministicReactor.create(), null);
        manager.activate(publisher);
        SignalBus shared = published.get(0);
        shared.close();
        assertNotNull(shared.listenAll(SignalBus.LISTENER_FAILED, (s, e) -> { }));
        assertEquals(1, shared.subscriptionCount());
    }

    @Test
    void aReplacementReactorGetsANewBusBeforeTheOldIsWithdrawnAndTheOldStaysUntilItsReactorStops()
            throws Exception {
        Reactor first = started();
        Reactor second = started();
        Recorder recorder = new Recorder();
        manager.addListener(recorder, STATE);
        manager.activate(publisher);
        manager.bindReactor(first, "a");
        SignalBus firstBus = manager.bus();
        assertNotNull(firstBus);

        // DS binds the replacement before it unbinds the old reactor.
        manager.bindReactor(second, "b");
        manager.unbindReactor(first);
        assertEquals(List.of("+a#0", "+b#1", "-a#0"), events());
        assertSame(second, manager.bus().reactor());
        assertEquals(1, manager.retiringCount(), "the old bus waits for its reactor to stop");

        first.stop();
        assertTrue(recorder.stopped.await(30, TimeUnit.SECONDS));
        String id = System.identityHashCode(first) + ":";
        assertEquals(List.of(id + "STARTED->STOPPING", id + "STOPPING->STOPPED"), recorder.seen());
        awaitRetired();
        assertEquals(0, firstBus.subscriptionCount(), "closed with its reactor");

        // The whiteboard listener is on the new bus too.
        Recorder again = new Recorder();
        manager.addListener(again, STATE);
        second.stop();
        assertTrue(recorder.stopped.await(30, TimeUnit.SECONDS));
        assertTrue(again.stopped.await(30, TimeUnit.SECONDS));
    }

    @Test
    void anUnbindWithoutReplacementWithdrawsTheBus() throws Exception {
        Reactor r = started();
        manager.activate(publisher);
        manager.bindReactor(r, "a");
        manager.unbindReactor(r);
        assertEquals(List.of("+a#0", "-a#0"), events());
        assertNull(manager.bus());
        r.terminate();
        awaitRetired();
    }

    @Test
    void aRemovedWhiteboardListenerIsNotCalledAnyMore() throws Exception {
        Reactor r = started();
        Recorder gone = new Recorder();
        Recorder kept = new Recorder();
        manager.activate(publisher);
        manager.bindReactor(r, "a");
        manager.addListener(gone, STATE);
        manager.addListener(kept, STATE);
        manager.removeListener(gone);
        r.stop();
        assertTrue(kept.stopped.await(30, TimeUnit.SECONDS));
        assertTrue(gone.seen().isEmpty());
    }

    @Test
    void aListenerWhoseTypeClashesIsLoggedAndTheOthersStillSubscribe() {
        manager.activate(publisher);
        manager.bindReactor(DeterministicReactor.create(), null);
        manager.addListener(new Recorder(), STATE);
        SignalListener<Object> wrong = (s, e) -> { };
        manager.addListener(wrong, List.of(Signal.of(ReactorSignals.REACTOR_STATE_CHANGED.name(), String.class),
                SignalBus.LISTENER_FAILED));
        // The right listener, and of the wrong one only the signal whose type fits.
        assertEquals(2, manager.bus().subscriptionCount());
    }

    private void awaitRetired() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (manager.retiringCount() > 0) {
            assertFalse(System.nanoTime() > deadline, "the retired bus was not closed");
            Thread.sleep(5);
        }
    }
}
