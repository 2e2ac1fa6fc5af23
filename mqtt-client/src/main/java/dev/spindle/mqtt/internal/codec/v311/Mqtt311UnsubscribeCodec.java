package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import java.nio.ByteBuffer;

/** UNSUBSCRIBE in MQTT 3.1.1 (§3.10): packet identifier, then topic filters. */
final class Mqtt311UnsubscribeCodec {
    private Mqtt311UnsubscribeCodec() {
    }

    static long remainingLength(Unsubscribe u) {
        return 2 + MqttPrimitives.filtersLength(u.filters(), "UNSUBSCRIBE topic filter");
    }

    static void encode(Unsubscribe u, ByteBuffer dst) {
        dst.putShort((short) u.packetId());
        MqttPrimitives.putStrings(dst, u.filters());
    }

    static Unsubscribe decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "UNSUBSCRIBE");
        return new Unsubscribe(packetId, MqttPrimitives.readFilters(body, "UNSUBSCRIBE topic filter"), Properties.EMPTY);
    }
}
