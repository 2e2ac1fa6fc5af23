package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.PacketType;
import java.nio.ByteBuffer;

/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP in MQTT 3.1.1 (§3.4 to §3.7): only the packet identifier.
 * The reason code and properties of {@link Ack} are not sent.
 */
final class Mqtt311AckCodec {
    private Mqtt311AckCodec() {
    }

    static long remainingLength(Ack a) {
        return 2;
    }

    static void encode(Ack a, ByteBuffer dst) {
        dst.putShort((short) a.packetId());
    }

    static Ack decode(PacketType type, ByteBuffer body) {
        return Ack.of(type, MqttPrimitives.readPacketId(body, type));
    }
}
