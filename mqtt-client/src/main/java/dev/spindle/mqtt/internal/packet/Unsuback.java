package dev.spindle.mqtt.internal.packet;

import java.util.List;
import java.util.Objects;

/**
 * UNSUBACK.
 *
 * @param packetId    1..65535
 * @param reasonCodes MQTT 5: one per filter; MQTT 3.1.1: empty
 * @param properties  MQTT 5 properties
 */
public record Unsuback(int packetId, List<Integer> reasonCodes, Properties properties) implements Packet {
    /** Checks ranges and copies the list. */
    public Unsuback {
        Packets.checkPacketId(packetId);
        reasonCodes = List.copyOf(reasonCodes);
        for (int c : reasonCodes) {
            Packets.checkByte("reasonCode", c);
        }
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
