package dev.spindle.mqtt;

/**
 * The lifecycle of an {@link MqttClient} (SPEC §1.3): {@code INIT}, {@code STOPPED} and
 * {@code ERROR} are inactive (no connection, no name lookup, no scheduled call);
 * {@code STARTING}, {@code STARTED} and {@code STOPPING} are active.
 *
 * <pre>
 *  INIT ──start──▶ STARTING ──CONNACK accepted──▶ STARTED ──stop──▶ STOPPING ──peer closes──▶ STOPPED
 *                     │  └──stop (before CONNECT is on the wire)──────────────────────────▶ STOPPED
 *                     └──────────────── failure (any active state) ──────────────────────▶ ERROR
 *  STOPPED, ERROR ──start──▶ STARTING          any active state ──terminate──▶ STOPPED
 * </pre>
 */
public enum MqttClientState {
    /** Created, never started. */
    INIT,
    /** Resolving, connecting, TLS handshake, or CONNECT sent and CONNACK awaited. */
    STARTING,
    /** CONNACK accepted: messages flow. */
    STARTED,
    /** {@code stop()} was called: queued packets, then DISCONNECT, then waiting for the server to close. */
    STOPPING,
    /** Stopped cleanly, by {@code stop()} or {@code terminate()}. */
    STOPPED,
    /** Stopped by a failure; {@link MqttClient#error()} says which. */
    ERROR;

    /** Whether this state is active: {@code STARTING}, {@code STARTED} or {@code STOPPING}. */
    public boolean isActive() {
        return this == STARTING || this == STARTED || this == STOPPING;
    }
}
