package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Suback;
import java.nio.ByteBuffer;

/** SUBACK in MQTT 5.0 (§3.9): packet identifier, properties, one reason code per topic filter. */
final class Mqtt5SubackCodec {
    /** §3.9.3. */
    static final ReasonCodeSet REASON_CODES = ReasonCodeSet.of("SUBACK", 0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91,
            0x97, 0x9E, 0xA1, 0xA2);

    private Mqtt5SubackCodec() {
    }

    static long remainingLength(Suback s) {
        return 2 + Mqtt5PropertiesCodec.sectionLength(s.properties(), PropertyScope.SUBACK)
                + REASON_CODES.checkList(s.reasonCodes());
    }

    static void encode(Suback s, ByteBuffer dst) {
        dst.putShort((short) s.packetId());
        Mqtt5PropertiesCodec.put(dst, s.properties(), PropertyScope.SUBACK);
        ReasonCodeSet.putList(dst, s.reasonCodes());
    }

    static Suback decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "SUBACK");
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.SUBACK);
        return new Suback(packetId, REASON_CODES.readList(body), properties);
    }
}
