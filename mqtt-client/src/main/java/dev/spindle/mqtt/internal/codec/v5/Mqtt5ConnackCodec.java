package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.AckFlags;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Properties;
import java.nio.ByteBuffer;

/** CONNACK in MQTT 5.0 (§3.2): acknowledge flags, reason code, properties (never omitted). */
final class Mqtt5ConnackCodec {
    /** §3.2.2.2. */
    static final ReasonCodeSet REASON_CODES = ReasonCodeSet.of("CONNACK", 0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
            0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);

    private Mqtt5ConnackCodec() {
    }

    static long remainingLength(Connack c) {
        REASON_CODES.check(c.reasonCode());
        AckFlags.checkSessionPresent(c);
        return 2 + Mqtt5PropertiesCodec.sectionLength(c.properties(), PropertyScope.CONNACK);
    }

    static void encode(Connack c, ByteBuffer dst) {
        dst.put((byte) (c.sessionPresent() ? 1 : 0)).put((byte) c.reasonCode());
        Mqtt5PropertiesCodec.put(dst, c.properties(), PropertyScope.CONNACK);
    }

    static Connack decode(ByteBuffer body) {
        boolean sessionPresent = AckFlags.readSessionPresent(body);
        int code = REASON_CODES.read(body);
        AckFlags.checkSessionPresent(sessionPresent, code);
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.CONNACK);
        return new Connack(sessionPresent, code, properties);
    }
}
