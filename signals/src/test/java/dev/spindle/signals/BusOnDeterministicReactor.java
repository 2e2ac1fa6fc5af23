package dev.spindle.signals;

import dev.spindle.reactor.testing.DeterministicReactor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A bus on a started {@link DeterministicReactor} whose loop thread is the test thread, so a fire
 * from the test is a fire on the loop; a log for listeners to write to; a source.
 */
abstract class BusOnDeterministicReactor {
    static final Signal<String> TEXT = Signal.of("test.text", String.class);
    static final Signal<Integer> NUMBER = Signal.of("test.number", Integer.class);

    DeterministicReactor reactor;
    SignalBus bus;
    final List<String> log = new ArrayList<>();
    final Object source = new Object();

    @BeforeEach
    void startReactorAndBus() {
        reactor = DeterministicReactor.create();
        reactor.start();
        bus = SignalBus.create(reactor);
    }

    @AfterEach
    void closeBusAndReactor() {
        bus.close();
        reactor.terminate();
    }

    /** A listener that logs {@code name:event}. */
    <E> SignalListener<E> recording(String name) {
        return (src, event) -> log.add(name + ":" + event);
    }
}
