package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import java.nio.ByteBuffer;

/** UNSUBSCRIBE in MQTT 5.0 (§3.10): packet identifier, properties, topic filters. */
final class Mqtt5UnsubscribeCodec {
    private Mqtt5UnsubscribeCodec() {
    }

    static long remainingLength(Unsubscribe u) {
        return 2 + Mqtt5PropertiesCodec.sectionLength(u.properties(), PropertyScope.UNSUBSCRIBE)
                + MqttPrimitives.filtersLength(u.filters(), "UNSUBSCRIBE topic filter");
    }

    static void encode(Unsubscribe u, ByteBuffer dst) {
        dst.putShort((short) u.packetId());
        Mqtt5PropertiesCodec.put(dst, u.properties(), PropertyScope.UNSUBSCRIBE);
        MqttPrimitives.putStrings(dst, u.filters());
    }

    static Unsubscribe decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "UNSUBSCRIBE");
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.UNSUBSCRIBE);
        return new Unsubscribe(packetId, MqttPrimitives.readFilters(body, "UNSUBSCRIBE topic filter"), properties);
    }
}
