package dev.spindle.mqtt.signals;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.reactor.Registration;
import dev.spindle.signals.RetryScheduled;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The signals an {@link MqttClient} fires on a {@link SignalBus} once
 * {@link #bridge(MqttClient, SignalBus) bridged}: the source is the client. Each is fired from
 * the client's listener callback, on the client's reactor thread, after the client shows the new
 * state; the bus then delivers on its own reactor's thread.
 *
 * <p>Needs the {@code signals} module (optional for {@code mqtt-client}: in JPMS
 * {@code requires static}, in OSGi an optional import).
 */
// "exports": the signal types come from dev.spindle.signals, which is optional (requires static,
// not transitive): a user of this class requires dev.spindle.signals itself.
@SuppressWarnings("exports")
public final class MqttSignals {
    /** Every state change: {@code dev.spindle.mqtt.stateChanged}. */
    public static final Signal<MqttStateChange> STATE_CHANGED = Signal.of("dev.spindle.mqtt.stateChanged",
            MqttStateChange.class);

    /** The server accepted CONNECT: {@code dev.spindle.mqtt.connected}, with the CONNACK. */
    public static final Signal<MqttConnack> CONNECTED = Signal.of("dev.spindle.mqtt.connected", MqttConnack.class);

    /** An activation ended: {@code dev.spindle.mqtt.connectionEnded}. */
    public static final Signal<MqttConnectionEnded> CONNECTION_ENDED = Signal.of("dev.spindle.mqtt.connectionEnded",
            MqttConnectionEnded.class);

    /**
     * A reconnect was scheduled ({@code MqttClientConfig.reconnect} set):
     * {@code dev.spindle.mqtt.reconnectScheduled}, with the same event type as the client
     * service's {@code RETRY_SCHEDULED}.
     */
    public static final Signal<RetryScheduled> RECONNECT_SCHEDULED = Signal.of("dev.spindle.mqtt.reconnectScheduled",
            RetryScheduled.class);

    private MqttSignals() {
    }

    /**
     * Fires {@code client}'s signals on {@code bus} until the subscription is closed, with
     * {@code client} (the object given here, e.g. an OSGi service object) as the source.
     *
     * @param client the client to observe
     * @param bus    the bus to fire on
     * @return closes the bridge (idempotent)
     */
    public static Subscription bridge(MqttClient client, SignalBus bus) {
        Objects.requireNonNull(client, "client must not be null");
        Objects.requireNonNull(bus, "bus must not be null");
        Registration registration = client.addListener(new MqttListener() {
            @Override
            public void stateChanged(MqttClient c, MqttClientState from, MqttClientState to) {
                bus.fire(client, STATE_CHANGED, new MqttStateChange(from, to, to == MqttClientState.ERROR ? c.error() : null));
            }

            @Override
            public void connected(MqttClient c, MqttConnack connack) {
                bus.fire(client, CONNECTED, connack);
            }

            @Override
            public void connectFailed(MqttClient c, @Nullable MqttException cause) {
                bus.fire(client, CONNECTION_ENDED, new MqttConnectionEnded(false, cause));
            }

            @Override
            public void disconnected(MqttClient c, @Nullable MqttException cause) {
                bus.fire(client, CONNECTION_ENDED, new MqttConnectionEnded(true, cause));
            }

            @Override
            public void reconnectScheduled(MqttClient c, int failedAttempts, Duration delay, MqttException cause) {
                bus.fire(client, RECONNECT_SCHEDULED, new RetryScheduled(failedAttempts, delay, cause));
            }

            @Override
            public String toString() {
                return "signal bridge of " + c() + " to " + bus;
            }

            private String c() {
                return client.config().name();
            }
        });
        return new Subscription() {
            private volatile boolean active = true;

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
                return "MqttSignals.bridge[" + client.config().name() + (active ? "" : ", closed") + "]";
            }
        };
    }
}
