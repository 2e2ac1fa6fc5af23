package dev.spindle.mqtt.internal.packet;

import java.util.Objects;

/**
 * CONNACK.
 *
 * @param sessionPresent the session present flag
 * @param reasonCode     the 3.1.1 return code or the 5 reason code
 * @param properties     MQTT 5 CONNACK properties
 */
public record Connack(boolean sessionPresent, int reasonCode, Properties properties) implements Packet {
    /** Checks nulls and ranges. */
    public Connack {
        Objects.requireNonNull(properties, "properties must not be null");
        Packets.checkByte("reasonCode", reasonCode);
    }

    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
