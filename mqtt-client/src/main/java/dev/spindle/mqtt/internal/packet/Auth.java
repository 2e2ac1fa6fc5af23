package dev.spindle.mqtt.internal.packet;

import java.util.Objects;

/**
 * AUTH (MQTT 5 only).
 *
 * @param reasonCode 0x00 success, 0x18 continue authentication, 0x19 re-authenticate
 * @param properties authentication method and data, reason string, user properties
 */
public record Auth(int reasonCode, Properties properties) implements Packet {
    /** Checks ranges. */
    public Auth {
        Packets.checkByte("reasonCode", reasonCode);
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.AUTH;
    }
}
