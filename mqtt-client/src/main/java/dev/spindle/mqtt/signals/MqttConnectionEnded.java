package dev.spindle.mqtt.signals;

import dev.spindle.mqtt.MqttException;
import org.jspecify.annotations.Nullable;

/**
 * The event of {@link MqttSignals#CONNECTION_ENDED}: an activation ended (the listener
 * callbacks {@code connectFailed} and {@code disconnected} in one signal).
 *
 * @param connackAccepted whether the server had accepted CONNECT (then it was a disconnect,
 *                        else a failed or abandoned connect)
 * @param cause           the failure, or null for {@code stop()}/{@code terminate()}
 */
public record MqttConnectionEnded(boolean connackAccepted, @Nullable MqttException cause) {
}
