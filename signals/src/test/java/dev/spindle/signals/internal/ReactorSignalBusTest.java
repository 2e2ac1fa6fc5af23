package dev.spindle.signals.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.signals.Signal;
import dev.spindle.signals.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReactorSignalBusTest {
    static final Signal<String> TEXT = Signal.of("test.text", String.class);

    @Test
    @DisplayName("SIG-7: firing a signal nobody listens to leaves no entry; the last close removes the entry")
    void noEmptyEntries() {
        DeterministicReactor reactor = DeterministicReactor.create();
        reactor.start();
        ReactorSignalBus bus = new ReactorSignalBus(reactor, 16);
        Object source = new Object();
        bus.fire(source, TEXT, "nobody");
        assertEquals(0, bus.signalCount());
        Subscription a = bus.listen(source, TEXT, (s, e) -> { });
        Subscription b = bus.listenAll(TEXT, (s, e) -> { });
        assertEquals(1, bus.signalCount());
        a.close();
        assertEquals(1, bus.signalCount());
        b.close();
        assertEquals(0, bus.signalCount());
        bus.fire(source, TEXT, "nobody again");
        assertEquals(0, bus.signalCount());
        bus.close();
        reactor.terminate();
    }

    @Test
    @DisplayName("Close: a closed bus stops observing its reactor")
    void closeRemovesLifecycleListener() {
        DeterministicReactor reactor = DeterministicReactor.create();
        ReactorSignalBus bus = new ReactorSignalBus(reactor, 16);
        bus.close();
        bus.close();
        assertEquals("SignalBus[closed, 0 signals, reactor " + reactor + "]", bus.toString());
    }
}
