package dev.spindle.signals.internal;

import dev.spindle.reactor.CoreReactor;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import dev.spindle.signals.Subscription;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The view of a bus that the OSGi {@link SignalBus} service hands out: everything is delegated
 * except {@link #close()}, which is ignored (with a warning, once), because the bus belongs to
 * {@link SignalBusComponent} and is shared by every consumer.
 */
final class SharedSignalBus implements SignalBus {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSignalBus.class);

    private final SignalBus bus;
    private final AtomicBoolean warned = new AtomicBoolean();

    SharedSignalBus(SignalBus bus) {
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
    }

    @Override
    public CoreReactor reactor() {
        return bus.reactor();
    }

    @Override
    public <E> Subscription listen(Object source, Signal<E> signal, SignalListener<? super E> listener) {
        return bus.listen(source, signal, listener);
    }

    @Override
    public <E> Subscription listenAll(Signal<E> signal, SignalListener<? super E> listener) {
        return bus.listenAll(signal, listener);
    }

    @Override
    public <E> void fire(Object source, Signal<E> signal, E event) {
        bus.fire(source, signal, event);
    }

    @Override
    public int subscriptionCount() {
        return bus.subscriptionCount();
    }

    /** Ignored: the shared bus is closed by its component when its reactor goes away. */
    @Override
    public void close() {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("close() on the SignalBus service is ignored: the bus is shared and closed by its component");
        }
    }

    @Override
    public String toString() {
        return "shared " + bus;
    }
}
