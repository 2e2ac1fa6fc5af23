package dev.spindle.signals.internal;

import dev.spindle.reactor.ConnectionListener;
import dev.spindle.reactor.CoreReactor;
import dev.spindle.reactor.DescriptorReactor;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.signals.ConnectionLost;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.ReactorStateChange;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fires a reactor's lifecycle changes and, for a {@link DescriptorReactor}, its connections on a
 * bus; see {@link ReactorSignals#bridge(CoreReactor, SignalBus)}.
 */
public final class LifecycleBridge implements Subscription {
    private final CoreReactor reactor;
    private final Registration lifecycle;
    private final @Nullable Registration connections;
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
        this.lifecycle = reactor.addLifecycleListener((r, from, to) -> bus.fire(reactor,
                ReactorSignals.REACTOR_STATE_CHANGED,
                new ReactorStateChange(from, to, to == ReactorState.ERROR ? r.error() : null)));
        this.connections = reactor instanceof DescriptorReactor
                ? ((DescriptorReactor) reactor).addConnectionListener(new Connections(reactor, bus))
                : null;
    }

    @Override
    public void close() {
        active = false;
        lifecycle.remove();
        if (connections != null) {
            connections.remove();
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public String toString() {
        return "LifecycleBridge[" + reactor + (active ? "" : ", closed") + "]";
    }

    /** CONNECTION_MADE and CONNECTION_LOST, with the reactor as the source. Reactor thread. */
    private static final class Connections implements ConnectionListener {
        private final CoreReactor reactor;
        private final SignalBus bus;

        Connections(CoreReactor reactor, SignalBus bus) {
            this.reactor = reactor;
            this.bus = bus;
        }

        @Override
        public void connectionMade(Transport transport) {
            bus.fire(reactor, ReactorSignals.CONNECTION_MADE, transport);
        }

        @Override
        public void connectionLost(Transport transport, @Nullable Throwable cause) {
            bus.fire(reactor, ReactorSignals.CONNECTION_LOST, new ConnectionLost(transport, cause));
        }

        @Override
        public String toString() {
            return "signal bridge of " + reactor + " to " + bus;
        }
    }
}
