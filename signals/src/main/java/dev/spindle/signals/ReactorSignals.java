package dev.spindle.signals;

import dev.spindle.reactor.CoreReactor;
import dev.spindle.reactor.Transport;
import dev.spindle.signals.internal.LifecycleBridge;

/**
 * The catalogue of signals about reactors, connections and reconnecting clients, and the bridge
 * that fires a reactor's state changes on a bus. The package documentation has the catalogue as
 * a table: which of these are fired today, by what, and on which thread.
 */
public final class ReactorSignals {
    /**
     * A reactor changed lifecycle state. Source: the reactor. Fired by {@link #bridge}.
     */
    public static final Signal<ReactorStateChange> REACTOR_STATE_CHANGED =
            Signal.of("dev.spindle.reactor.stateChanged", ReactorStateChange.class);

    /**
     * <b>Planned, not fired yet:</b> a TCP connection was made; the event is its transport.
     */
    public static final Signal<Transport> CONNECTION_MADE = Signal.of("dev.spindle.reactor.connectionMade", Transport.class);

    /**
     * <b>Planned, not fired yet:</b> a connection was lost or closed.
     */
    public static final Signal<ConnectionLost> CONNECTION_LOST =
            Signal.of("dev.spindle.reactor.connectionLost", ConnectionLost.class);

    /**
     * <b>Planned, not fired yet:</b> a reconnecting client service scheduled its next attempt.
     */
    public static final Signal<RetryScheduled> RETRY_SCHEDULED =
            Signal.of("dev.spindle.reactor.retryScheduled", RetryScheduled.class);

    private ReactorSignals() {
    }

    /**
     * Fires {@link #REACTOR_STATE_CHANGED} on {@code bus}, with {@code reactor} as the source, for
     * every state change of {@code reactor} from now on, until the returned subscription is
     * closed. The reactor reports some changes on other threads than its own (the move to
     * {@code STARTING} by {@code start()}); the bus delivers them on its reactor thread all the
     * same, in the order they happened. The bus need not be on the same reactor.
     *
     * @param reactor the reactor to observe
     * @param bus the bus to fire on
     * @return the subscription; closing it stops the bridge (idempotent)
     */
    public static Subscription bridge(CoreReactor reactor, SignalBus bus) {
        return new LifecycleBridge(reactor, bus);
    }
}
