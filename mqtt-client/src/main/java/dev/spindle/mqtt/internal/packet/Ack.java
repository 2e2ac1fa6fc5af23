package dev.spindle.mqtt.internal.packet;

import java.util.Objects;

/**
 * PUBACK, PUBREC, PUBREL or PUBCOMP.
 *
 * @param type       one of the four
 * @param packetId   1..65535
 * @param reasonCode the MQTT 5 reason code (0 on 3.1.1)
 * @param properties MQTT 5 properties (reason string, user properties)
 */
public record Ack(PacketType type, int packetId, int reasonCode, Properties properties) implements Packet {
    /** Checks the type and ranges. */
    public Ack {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(properties, "properties must not be null");
        if (type != PacketType.PUBACK && type != PacketType.PUBREC && type != PacketType.PUBREL
                && type != PacketType.PUBCOMP) {
            throw new IllegalArgumentException("type must be PUBACK, PUBREC, PUBREL or PUBCOMP, found: " + type);
        }
        Packets.checkPacketId(packetId);
        Packets.checkByte("reasonCode", reasonCode);
    }

    /** A successful acknowledgement without properties. */
    public static Ack of(PacketType type, int packetId) {
        return new Ack(type, packetId, 0, Properties.EMPTY);
    }
}
