package dev.spindle.mqtt.internal.packet;

import java.util.List;
import java.util.Objects;

/**
 * UNSUBSCRIBE.
 *
 * @param packetId   1..65535
 * @param filters    at least one topic filter
 * @param properties MQTT 5 properties (user properties)
 */
public record Unsubscribe(int packetId, List<String> filters, Properties properties) implements Packet {
    /** Checks ranges and copies the list. */
    public Unsubscribe {
        Packets.checkPacketId(packetId);
        filters = List.copyOf(filters);
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("UNSUBSCRIBE needs at least one topic filter (MQTT-3.10.3-2)");
        }
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
