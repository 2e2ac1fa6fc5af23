package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Unsuback;
import java.nio.ByteBuffer;

/** UNSUBACK in MQTT 5.0 (§3.11): packet identifier, properties, one reason code per topic filter. */
final class Mqtt5UnsubackCodec {
    /** §3.11.3. */
    static final ReasonCodeSet REASON_CODES = ReasonCodeSet.of("UNSUBACK", 0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);

    private Mqtt5UnsubackCodec() {
    }

    static long remainingLength(Unsuback u) {
        return 2 + Mqtt5PropertiesCodec.sectionLength(u.properties(), PropertyScope.UNSUBACK)
                + REASON_CODES.checkList(u.reasonCodes());
    }

    static void encode(Unsuback u, ByteBuffer dst) {
        dst.putShort((short) u.packetId());
        Mqtt5PropertiesCodec.put(dst, u.properties(), PropertyScope.UNSUBACK);
        ReasonCodeSet.putList(dst, u.reasonCodes());
    }

    static Unsuback decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "UNSUBACK");
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.UNSUBACK);
        return new Unsuback(packetId, REASON_CODES.readList(body), properties);
    }
}
