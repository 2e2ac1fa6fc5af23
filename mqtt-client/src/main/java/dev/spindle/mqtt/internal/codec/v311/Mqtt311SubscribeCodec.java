package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Subscribe;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE in MQTT 3.1.1 (§3.8): packet identifier, then topic filters each with a requested
 * QoS byte. The MQTT 5 subscription options are not sent and read as their defaults.
 */
final class Mqtt311SubscribeCodec {
    private Mqtt311SubscribeCodec() {
    }

    static long remainingLength(Subscribe s) {
        long n = 2;
        List<TopicSubscription> subs = s.subscriptions();
        for (int i = 0; i < subs.size(); i++) {
            n += MqttPrimitives.stringSize(subs.get(i).filter(), "SUBSCRIBE topic filter") + 1;
        }
        return n;
    }

    static void encode(Subscribe s, ByteBuffer dst) {
        dst.putShort((short) s.packetId());
        List<TopicSubscription> subs = s.subscriptions();
        for (int i = 0; i < subs.size(); i++) {
            MqttPrimitives.putString(dst, subs.get(i).filter());
            dst.put((byte) subs.get(i).maximumQos().value());
        }
    }

    static Subscribe decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "SUBSCRIBE");
        List<TopicSubscription> subs = new ArrayList<>();
        while (body.hasRemaining()) {
            String filter = MqttPrimitives.readTopicFilter(body, "SUBSCRIBE topic filter");
            int qos = MqttPrimitives.readByte(body, "SUBSCRIBE requested QoS");
            if (qos > 2) {
                // MQTT-3.8.3-4: upper six bits reserved, QoS 3 invalid.
                throw MqttPrimitives.malformed("SUBSCRIBE requested QoS byte must be 0, 1 or 2 (MQTT-3.8.3-4), found: "
                        + MqttPrimitives.hex(qos) + " for " + filter);
            }
            subs.add(MqttPrimitives.subscription(filter, qos, false, false, 0));
        }
        if (subs.isEmpty()) {
            throw MqttPrimitives.protocolError("SUBSCRIBE must carry at least one topic filter (MQTT-3.8.3-3), found none");
        }
        return new Subscribe(packetId, subs, Properties.EMPTY);
    }
}
