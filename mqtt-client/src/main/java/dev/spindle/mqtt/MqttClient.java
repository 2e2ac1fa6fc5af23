package dev.spindle.mqtt;

import dev.spindle.mqtt.internal.ReactorMqttClient;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * An MQTT 3.1.1 / 5.0 client on a {@link Reactor}: haka-mqtt's lifecycle (SPEC §1) with its
 * defects fixed. One {@code start()} is one activation: it resolves, connects, sends CONNECT
 * and runs until {@code stop()}, {@code terminate()} or a failure; a new {@code start()}
 * reconnects and re-sends what was not acknowledged.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread; the work runs on the reactor's thread, and every
 * {@link MqttListener} callback and every returned stage completes there. {@link #state()} and
 * the counters are safe to read from any thread.
 *
 * <h2>Requests and bounds</h2>
 * {@link #publish}, {@link #subscribe} and {@link #unsubscribe} may be called in any state
 * (before {@code start()} too): the request is queued and sent when a connection is up. The
 * queue is bounded by {@link MqttClientConfig#maxQueuedRequests()}: a request beyond it fails
 * at once with {@link MqttQueueFullException} (nothing blocks, nothing is dropped silently).
 * Requests not yet sent when a connection ends wait for the next {@code start()} (QoS 0
 * publishes included). QoS 1/2 publishes sent but not acknowledged are re-sent first on the next
 * connection, DUP set, same packet identifier, original order (MQTT-4.4.0-1); a QoS 2 publish
 * whose PUBREC arrived continues with PUBREL. A SUBSCRIBE or UNSUBSCRIBE sent but not
 * acknowledged is not re-sent: its stage fails with {@link MqttRequestAbandonedException}.
 *
 * <p>Inbound QoS 2 messages are delivered once: a re-sent PUBLISH whose PUBREL has not come yet
 * is acknowledged again but not delivered again.
 */
public interface MqttClient {
    /**
     * A client on {@code reactor}, in {@code INIT}. Nothing happens until {@link #start()}.
     */
    static MqttClient create(Reactor reactor, MqttClientConfig config) {
        return new ReactorMqttClient(reactor, config);
    }

    /** The configuration. */
    MqttClientConfig config();

    /** The reactor the client runs on. */
    Reactor reactor();

    /** The current state. */
    MqttClientState state();

    /** Why the client is in {@code ERROR}; null in every other state. */
    @Nullable MqttException error();

    /** Whether a CONNACK was accepted on the current connection and the client is not stopping. */
    default boolean isConnected() {
        return state() == MqttClientState.STARTED;
    }

    /**
     * Activates an inactive client (SPEC HK-LC-1): clears the error and connects. No effect when
     * active (a warning is logged).
     */
    void start();

    /**
     * Asks for a clean end (SPEC HK-LC-4/5): before the connection is up, it stops at once;
     * afterwards everything queued earlier is sent, then DISCONNECT, and the client waits for the
     * server to close (bounded by the receive-idle abort period). No effect when inactive.
     */
    void stop();

    /**
     * Ends the activation at once (SPEC HK-LC-6): closes the connection, cancels timers and the
     * name lookup; the state is {@code STOPPED} when this returns if called on the reactor thread,
     * otherwise as soon as the reactor runs the request. Queued and unacknowledged publishes are
     * kept for the next {@code start()}.
     */
    void terminate();

    /**
     * Queues a message. The stage completes when the message is done on the client's side:
     * QoS 0 once handed to the connection, QoS 1 on PUBACK, QoS 2 on PUBCOMP. It fails with
     * {@link MqttQueueFullException} when the queue is full, or with {@link IllegalArgumentException}
     * when the message cannot be sent with this client's version or server (checked when sent).
     */
    CompletionStage<MqttAck> publish(MqttMessage message);

    /** Queues a SUBSCRIBE for the filters; the stage completes with the SUBACK's codes. */
    CompletionStage<MqttAck> subscribe(List<TopicSubscription> subscriptions);

    /** Queues a SUBSCRIBE for one filter. */
    default CompletionStage<MqttAck> subscribe(String filter, Qos maximumQos) {
        return subscribe(List.of(TopicSubscription.of(filter, maximumQos)));
    }

    /** Queues an UNSUBSCRIBE; the stage completes with the UNSUBACK's codes. */
    CompletionStage<MqttAck> unsubscribe(List<String> filters);

    /** Adds a listener; its registration removes it. Listeners run in the order added. */
    Registration addListener(MqttListener listener);

    /** Requests queued and not yet acknowledged (the figure {@link MqttClientConfig#maxQueuedRequests()} bounds). */
    int queuedRequests();

    /** QoS 1/2 publishes (and PUBRELs) on the wire and awaiting acknowledgement. */
    int inFlight();
}
