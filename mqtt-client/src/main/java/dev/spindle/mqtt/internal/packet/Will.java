package dev.spindle.mqtt.internal.packet;

import dev.spindle.mqtt.Qos;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The will of a CONNECT.
 *
 * @param topic      the will topic
 * @param payload    the will payload (not copied)
 * @param qos        the will QoS
 * @param retain     the will retain flag
 * @param properties MQTT 5 will properties (will delay, expiry, content type, ...)
 */
public record Will(String topic, byte[] payload, Qos qos, boolean retain, Properties properties) {
    /** Checks nulls. */
    public Will {
        Objects.requireNonNull(topic, "topic must not be null");
        Objects.requireNonNull(payload, "payload must not be null");
        Objects.requireNonNull(qos, "qos must not be null");
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Will w && w.topic.equals(topic) && Arrays.equals(w.payload, payload) && w.qos == qos
                && w.retain == retain && w.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
    }

    @Override
    public String toString() {
        return "Will[" + topic + ", qos=" + qos.value() + (retain ? ", retain" : "") + ", " + payload.length + " bytes, "
                + properties + "]";
    }
}
