package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Subscribe;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE in MQTT 5.0 (§3.8): packet identifier, properties, then topic filters each with a
 * subscription options byte (bits 0-1 maximum QoS, 2 no local, 3 retain as published, 4-5
 * retain handling, 6-7 reserved).
 */
final class Mqtt5SubscribeCodec {
    private Mqtt5SubscribeCodec() {
    }

    static long remainingLength(Subscribe s) {
        long n = 2 + Mqtt5PropertiesCodec.sectionLength(s.properties(), PropertyScope.SUBSCRIBE);
        List<TopicSubscription> subs = s.subscriptions();
        for (int i = 0; i < subs.size(); i++) {
            n += MqttPrimitives.stringSize(subs.get(i).filter(), "SUBSCRIBE topic filter") + 1;
        }
        return n;
    }

    static void encode(Subscribe s, ByteBuffer dst) {
        dst.putShort((short) s.packetId());
        Mqtt5PropertiesCodec.put(dst, s.properties(), PropertyScope.SUBSCRIBE);
        List<TopicSubscription> subs = s.subscriptions();
        for (int i = 0; i < subs.size(); i++) {
            TopicSubscription t = subs.get(i);
            MqttPrimitives.putString(dst, t.filter());
            dst.put((byte) (t.maximumQos().value() | (t.noLocal() ? 0b100 : 0) | (t.retainAsPublished() ? 0b1000 : 0)
                    | t.retainHandling() << 4));
        }
    }

    static Subscribe decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "SUBSCRIBE");
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.SUBSCRIBE);
        List<TopicSubscription> subs = new ArrayList<>();
        while (body.hasRemaining()) {
            String filter = MqttPrimitives.readTopicFilter(body, "SUBSCRIBE topic filter");
            int options = MqttPrimitives.readByte(body, "SUBSCRIBE subscription options");
            if ((options & 0xC0) != 0) {
                throw MqttPrimitives.malformed("SUBSCRIBE subscription options bits 7-6 are reserved (MQTT-3.8.3-5), found: "
                        + MqttPrimitives.hex(options) + " for " + filter);
            }
            int qos = options & 0b11;
            int retainHandling = options >> 4 & 0b11;
            if (qos == 3 || retainHandling == 3) {
                throw MqttPrimitives.protocolError("SUBSCRIBE maximum QoS and retain handling must not be 3 (§3.8.3.1), found options "
                        + MqttPrimitives.hex(options) + " for " + filter);
            }
            subs.add(MqttPrimitives.subscription(filter, qos, (options & 0b100) != 0, (options & 0b1000) != 0,
                    retainHandling));
        }
        if (subs.isEmpty()) {
            throw MqttPrimitives.protocolError("SUBSCRIBE must carry at least one topic filter (MQTT-3.8.3-2), found none");
        }
        return new Subscribe(packetId, subs, properties);
    }
}
