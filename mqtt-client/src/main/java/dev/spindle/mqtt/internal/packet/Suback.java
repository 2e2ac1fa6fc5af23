package dev.spindle.mqtt.internal.packet;

import java.util.List;
import java.util.Objects;

/**
 * SUBACK.
 *
 * @param packetId    1..65535
 * @param reasonCodes one per filter of the SUBSCRIBE (3.1.1: 0, 1, 2 or 0x80)
 * @param properties  MQTT 5 properties
 */
public record Suback(int packetId, List<Integer> reasonCodes, Properties properties) implements Packet {
    /** Checks ranges and copies the list. */
    public Suback {
        Packets.checkPacketId(packetId);
        reasonCodes = List.copyOf(reasonCodes);
        for (int c : reasonCodes) {
            Packets.checkByte("reasonCode", c);
        }
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
