package dev.spindle.mqtt.signals;

import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The event of {@link MqttSignals#STATE_CHANGED}.
 *
 * @param from  the state left
 * @param to    the state entered
 * @param error why, when {@code to} is {@code ERROR}; else null
 */
public record MqttStateChange(MqttClientState from, MqttClientState to, @Nullable MqttException error) {
    /** Checks nulls. */
    public MqttStateChange {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
    }
}
