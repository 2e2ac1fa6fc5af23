package dev.spindle.signals;

import dev.spindle.reactor.ClientService;
import dev.spindle.reactor.CoreReactor;
import dev.spindle.reactor.DescriptorReactor;
import dev.spindle.reactor.Transport;
import dev.spindle.signals.internal.ClientServiceBridge;
import dev.spindle.signals.internal.LifecycleBridge;

/**
 * The catalogue of signals about reactors, their connections and reconnecting client services,
 * and the bridges that fire them on a bus. The package documentation has the catalogue as a
 * table: event, source, when and on which thread each one is fired.
 */
public final class ReactorSignals {
    /**
     * A reactor changed lifecycle state. Source: the reactor. Fired by
     * {@link #bridge(CoreReactor, SignalBus)}.
     */
    public static final Signal<ReactorStateChange> REACTOR_STATE_CHANGED =
            Signal.of("dev.spindle.reactor.stateChanged", ReactorStateChange.class);

    /**
     * A stream connection of a reactor was made (TCP or UNIX-domain, accepted or connected; TLS
     * as its TCP transport); the event is its transport. Source: the reactor. Fired by
     * {@link #bridge(CoreReactor, SignalBus)} when the reactor is a {@link DescriptorReactor}.
     */
    public static final Signal<Transport> CONNECTION_MADE = Signal.of("dev.spindle.reactor.connectionMade", Transport.class);

    /**
     * A connection reported by {@link #CONNECTION_MADE} ended. Source: the reactor. Fired by
     * {@link #bridge(CoreReactor, SignalBus)} when the reactor is a {@link DescriptorReactor}.
     */
    public static final Signal<ConnectionLost> CONNECTION_LOST =
            Signal.of("dev.spindle.reactor.connectionLost", ConnectionLost.class);

    /**
     * A client service scheduled its next attempt. Source: the service. Fired by
     * {@link #bridge(ClientService, SignalBus)}.
     */
    public static final Signal<RetryScheduled> RETRY_SCHEDULED =
            Signal.of("dev.spindle.reactor.retryScheduled", RetryScheduled.class);

    /**
     * A client service changed state. Source: the service. Fired by
     * {@link #bridge(ClientService, SignalBus)}.
     */
    public static final Signal<ClientServiceStateChange> CLIENT_SERVICE_STATE_CHANGED =
            Signal.of("dev.spindle.reactor.clientServiceStateChanged", ClientServiceStateChange.class);

    private ReactorSignals() {
    }

    /**
     * Fires the reactor's signals on {@code bus}, with {@code reactor} as the source, from now on,
     * until the returned subscription is closed: {@link #REACTOR_STATE_CHANGED} for every state
     * change and, when the reactor is a {@link DescriptorReactor} (every {@code Reactor} is),
     * {@link #CONNECTION_MADE} and {@link #CONNECTION_LOST} for each of its stream connections
     * (made after this call; see {@link dev.spindle.reactor.ConnectionListener} for which
     * connections count and in what order). The reactor reports some state changes on other
     * threads than its own (the move to {@code STARTING} by {@code start()}); the bus delivers
     * them on its reactor thread all the same, in the order they happened. The bus need not be on
     * the same reactor.
     *
     * @param reactor the reactor to observe
     * @param bus the bus to fire on
     * @return the subscription; closing it stops the bridge (idempotent)
     */
    public static Subscription bridge(CoreReactor reactor, SignalBus bus) {
        return new LifecycleBridge(reactor, bus);
    }

    /**
     * Fires a client service's signals on {@code bus}, with {@code service} as the source, from
     * now on, until the returned subscription is closed: {@link #CLIENT_SERVICE_STATE_CHANGED}
     * for every state change and {@link #RETRY_SCHEDULED} for every retry it schedules (both
     * from {@link ClientService.Listener}, on the service's reactor thread). The bus need not be
     * on the service's reactor.
     *
     * @param service the service to observe
     * @param bus the bus to fire on
     * @return the subscription; closing it stops the bridge (idempotent)
     */
    public static Subscription bridge(ClientService<?> service, SignalBus bus) {
        return new ClientServiceBridge(service, bus);
    }
}
