package dev.spindle.mqtt.internal.packet;

import java.util.Objects;

/**
 * DISCONNECT.
 *
 * @param reasonCode MQTT 5 reason code (0 = normal disconnection; always 0 on 3.1.1)
 * @param properties MQTT 5 properties (session expiry, reason string, server reference, user properties)
 */
public record Disconnect(int reasonCode, Properties properties) implements Packet {
    /** A normal disconnection without properties. */
    public static final Disconnect NORMAL = new Disconnect(0, Properties.EMPTY);

    /** Checks ranges. */
    public Disconnect {
        Packets.checkByte("reasonCode", reasonCode);
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
