package dev.spindle.mqtt.internal.packet;

import dev.spindle.mqtt.TopicSubscription;
import java.util.List;
import java.util.Objects;

/**
 * SUBSCRIBE.
 *
 * @param packetId      1..65535
 * @param subscriptions at least one
 * @param properties    MQTT 5 properties (subscription identifier, user properties)
 */
public record Subscribe(int packetId, List<TopicSubscription> subscriptions, Properties properties) implements Packet {
    /** Checks ranges and copies the list. */
    public Subscribe {
        Packets.checkPacketId(packetId);
        subscriptions = List.copyOf(subscriptions);
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("SUBSCRIBE needs at least one topic filter (MQTT-3.8.3-3)");
        }
        Objects.requireNonNull(properties, "properties must not be null");
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
