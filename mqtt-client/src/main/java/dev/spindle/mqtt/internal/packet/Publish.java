package dev.spindle.mqtt.internal.packet;

import dev.spindle.mqtt.Qos;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * PUBLISH.
 *
 * @param topic      the topic name; empty only with an MQTT 5 topic alias property
 * @param qos        the QoS
 * @param retain     the retain flag
 * @param dup        the DUP flag
 * @param packetId   1..65535 for QoS 1 and 2, 0 for QoS 0
 * @param payload    the payload (not copied)
 * @param properties MQTT 5 PUBLISH properties
 */
public record Publish(String topic, Qos qos, boolean retain, boolean dup, int packetId, byte[] payload,
        Properties properties) implements Packet {
    /** Checks nulls and the packet identifier against the QoS. */
    public Publish {
        Objects.requireNonNull(topic, "topic must not be null");
        Objects.requireNonNull(qos, "qos must not be null");
        Objects.requireNonNull(payload, "payload must not be null");
        Objects.requireNonNull(properties, "properties must not be null");
        if (qos == Qos.AT_MOST_ONCE ? packetId != 0 : packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packetId must be 0 for QoS 0 and 1..65535 otherwise, found: " + packetId
                    + " with QoS " + qos.value());
        }
        if (qos == Qos.AT_MOST_ONCE && dup) {
            throw new IllegalArgumentException("DUP must be 0 for QoS 0 (MQTT-3.3.1-2)");
        }
    }

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    /** This publish with another packet identifier and DUP flag. */
    public Publish with(int newPacketId, boolean newDup) {
        return new Publish(topic, qos, retain, newDup, newPacketId, payload, properties);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Publish p && p.topic.equals(topic) && p.qos == qos && p.retain == retain && p.dup == dup
                && p.packetId == packetId && Arrays.equals(p.payload, payload) && p.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain, dup, packetId, Arrays.hashCode(payload), properties);
    }

    @Override
    public String toString() {
        return "Publish[" + topic + ", qos=" + qos.value() + ", id=" + packetId + (retain ? ", retain" : "")
                + (dup ? ", dup" : "") + ", " + payload.length + " bytes, " + properties + "]";
    }
}
