package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Publish;
import java.nio.ByteBuffer;

/** PUBLISH in MQTT 3.1.1 (§3.3): topic name, packet identifier for QoS 1 and 2, payload. */
final class Mqtt311PublishCodec {
    private Mqtt311PublishCodec() {
    }

    static long remainingLength(Publish p) {
        // 3.1.1 has no topic aliases: the topic name is always there.
        MqttPrimitives.checkTopicName(p.topic(), false, "PUBLISH topic name");
        return MqttPrimitives.stringSize(p.topic(), "PUBLISH topic name") + (p.qos() == Qos.AT_MOST_ONCE ? 0 : 2)
                + (long) p.payload().length;
    }

    static void encode(Publish p, ByteBuffer dst) {
        MqttPrimitives.putString(dst, p.topic());
        if (p.qos() != Qos.AT_MOST_ONCE) {
            dst.putShort((short) p.packetId());
        }
        dst.put(p.payload());
    }

    static Publish decode(int flags, ByteBuffer body) {
        Qos qos = Qos.of(flags >> 1 & 0b11);
        String topic = MqttPrimitives.readTopicName(body, "PUBLISH topic name", false);
        int packetId = qos == Qos.AT_MOST_ONCE ? 0 : MqttPrimitives.readPacketId(body, "PUBLISH");
        return new Publish(topic, qos, (flags & 1) != 0, (flags & 0b1000) != 0, packetId, MqttPrimitives.readRest(body),
                Properties.EMPTY);
    }
}
