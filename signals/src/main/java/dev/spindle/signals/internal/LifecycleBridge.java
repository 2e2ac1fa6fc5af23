package dev.spindle.signals.internal;

import dev.spindle.reactor.CoreReactor;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.ReactorState;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.ReactorStateChange;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.util.Objects;

/**
 * Fires a reactor's lifecycle changes on a bus; see {@link ReactorSignals#bridge}.
 */
public final class LifecycleBridge implements Subscription {
    private final CoreReactor reactor;
    private final Registration registration;
    private volatile boolean active = true;

    /**
     * Starts bridging.
     *
     * @param reactor the reactor to observe
     * @param bus the bus to fire on
     */
    public LifecycleBridge(CoreReactor reactor, SignalBus bus) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        Objects.requireNonNull(bus, "bus must not be null");
        this.registration = reactor.addLifecycleListener((r, from, to) -> bus.fire(reactor,
                ReactorSignals.REACTOR_STATE_CHANGED,
                new ReactorStateChange(from, to, to == ReactorState.ERROR ? r.error() : null)));
    }

    @Override
    public void close() {
        active = false;
        registration.remove();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public String toString() {
        return "LifecycleBridge[" + reactor + (active ? "" : ", closed") + "]";
    }
}
