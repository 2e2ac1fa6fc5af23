package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Properties;
import java.nio.ByteBuffer;

/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP in MQTT 5.0 (§3.4 to §3.7): packet identifier, then a
 * reason code and properties, both of which may be left out (§3.4.2.1: remaining length 2 means
 * success without properties, 3 a reason code without properties). Encoding uses the shortest
 * form.
 */
final class Mqtt5AckCodec {
    private static final int[] PUBACK_PUBREC = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
    private static final int[] PUBREL_PUBCOMP = {0x00, 0x92};
    private static final ReasonCodeSet PUBACK = ReasonCodeSet.of("PUBACK", PUBACK_PUBREC);
    private static final ReasonCodeSet PUBREC = ReasonCodeSet.of("PUBREC", PUBACK_PUBREC);
    private static final ReasonCodeSet PUBREL = ReasonCodeSet.of("PUBREL", PUBREL_PUBCOMP);
    private static final ReasonCodeSet PUBCOMP = ReasonCodeSet.of("PUBCOMP", PUBREL_PUBCOMP);

    private Mqtt5AckCodec() {
    }

    static ReasonCodeSet reasonCodes(PacketType type) {
        switch (type) {
            case PUBACK:
                return PUBACK;
            case PUBREC:
                return PUBREC;
            case PUBREL:
                return PUBREL;
            default:
                return PUBCOMP;
        }
    }

    static long remainingLength(Ack a) {
        reasonCodes(a.type()).check(a.reasonCode());
        if (a.properties().isEmpty()) {
            return a.reasonCode() == 0 ? 2 : 3;
        }
        return 3 + Mqtt5PropertiesCodec.sectionLength(a.properties(), PropertyScope.ofAck(a.type()));
    }

    static void encode(Ack a, ByteBuffer dst) {
        dst.putShort((short) a.packetId());
        if (!a.properties().isEmpty()) {
            dst.put((byte) a.reasonCode());
            Mqtt5PropertiesCodec.put(dst, a.properties(), PropertyScope.ofAck(a.type()));
        } else if (a.reasonCode() != 0) {
            dst.put((byte) a.reasonCode());
        }
    }

    static Ack decode(PacketType type, ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, type);
        if (!body.hasRemaining()) {
            return Ack.of(type, packetId);
        }
        int code = reasonCodes(type).read(body);
        Properties properties = body.hasRemaining()
                ? Mqtt5PropertiesCodec.read(body, PropertyScope.ofAck(type)) : Properties.EMPTY;
        return new Ack(type, packetId, code, properties);
    }
}
