package dev.spindle.mqtt;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Callbacks from an {@link MqttClient}, all on its reactor's thread, in the order the events
 * happened. A listener that throws is logged and the others still run; the client carries on.
 * Every method has an empty default.
 */
public interface MqttListener {
    /** The state changed; {@link MqttClient#state()} already shows {@code to}. */
    default void stateChanged(MqttClient client, MqttClientState from, MqttClientState to) {
    }

    /** The server accepted CONNECT: the client is {@code STARTED} (or still {@code STOPPING}). */
    default void connected(MqttClient client, MqttConnack connack) {
    }

    /**
     * A message arrived. For QoS 1 the PUBACK, and for QoS 2 the PUBREC, is queued after this
     * returns. With MQTT 5 the topic alias is already resolved.
     */
    default void messageReceived(MqttClient client, MqttMessage message) {
    }

    /**
     * An activation that never reached CONNACK ended: stopped or terminated while starting, or
     * failed ({@code cause} non-null, also in {@link MqttClient#error()}). Exactly one of this and
     * {@link #disconnected} follows each {@code start()} (SPEC HK-LC-10).
     */
    default void connectFailed(MqttClient client, @Nullable MqttException cause) {
    }

    /**
     * A connection whose CONNACK was accepted ended: cleanly after {@code stop()} or
     * {@code terminate()} ({@code cause} null) or by a failure.
     */
    default void disconnected(MqttClient client, @Nullable MqttException cause) {
    }

    /**
     * With {@link MqttClientConfig#reconnect()} set: the client will start again after
     * {@code delay}; {@code failedAttempts} activations failed since the last accepted CONNACK.
     */
    default void reconnectScheduled(MqttClient client, int failedAttempts, Duration delay, MqttException cause) {
    }

    /**
     * The outgoing queue went below half its bound after {@link MqttQueueFullException} refused
     * a request: a good time to publish again.
     */
    default void queueDrained(MqttClient client) {
    }
}
