package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import java.nio.ByteBuffer;

/**
 * PUBLISH in MQTT 5.0 (§3.3): topic name (empty only with a topic alias), packet identifier for
 * QoS 1 and 2, properties, payload.
 */
final class Mqtt5PublishCodec {
    private Mqtt5PublishCodec() {
    }

    static long remainingLength(Publish p) {
        MqttPrimitives.checkTopicName(p.topic(), true, "PUBLISH topic name");
        if (p.topic().isEmpty() && !p.properties().has(PropertyId.TOPIC_ALIAS)) {
            throw new IllegalArgumentException("PUBLISH topic name may be empty only with a TOPIC_ALIAS (§3.3.2.1)");
        }
        return MqttPrimitives.stringSize(p.topic(), "PUBLISH topic name") + (p.qos() == Qos.AT_MOST_ONCE ? 0 : 2)
                + Mqtt5PropertiesCodec.sectionLength(p.properties(), PropertyScope.PUBLISH) + p.payload().length;
    }

    static void encode(Publish p, ByteBuffer dst) {
        MqttPrimitives.putString(dst, p.topic());
        if (p.qos() != Qos.AT_MOST_ONCE) {
            dst.putShort((short) p.packetId());
        }
        Mqtt5PropertiesCodec.put(dst, p.properties(), PropertyScope.PUBLISH);
        dst.put(p.payload());
    }

    static Publish decode(int flags, ByteBuffer body) {
        Qos qos = Qos.of(flags >> 1 & 0b11);
        String topic = MqttPrimitives.readTopicName(body, "PUBLISH topic name", true);
        int packetId = qos == Qos.AT_MOST_ONCE ? 0 : MqttPrimitives.readPacketId(body, "PUBLISH");
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.PUBLISH);
        if (topic.isEmpty() && !properties.has(PropertyId.TOPIC_ALIAS)) {
            throw MqttPrimitives.protocolError("PUBLISH topic name is empty without a TOPIC_ALIAS (§3.3.2.1)");
        }
        return new Publish(topic, qos, (flags & 1) != 0, (flags & 0b1000) != 0, packetId, MqttPrimitives.readRest(body),
                properties);
    }
}
