package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.packet.Auth;
import dev.spindle.mqtt.internal.packet.Properties;
import java.nio.ByteBuffer;

/**
 * AUTH in MQTT 5.0 (§3.15): a reason code and properties. Only both together may be left out
 * (remaining length 0: success without properties, §3.15.2.1); a reason code without a property
 * length is malformed, as the specification gives no such short form for AUTH.
 */
final class Mqtt5AuthCodec {
    /** §3.15.2.1. */
    static final ReasonCodeSet REASON_CODES = ReasonCodeSet.of("AUTH", 0x00, 0x18, 0x19);

    private Mqtt5AuthCodec() {
    }

    static long remainingLength(Auth a) {
        REASON_CODES.check(a.reasonCode());
        if (a.reasonCode() == 0 && a.properties().isEmpty()) {
            return 0;
        }
        return 1 + Mqtt5PropertiesCodec.sectionLength(a.properties(), PropertyScope.AUTH);
    }

    static void encode(Auth a, ByteBuffer dst) {
        if (a.reasonCode() != 0 || !a.properties().isEmpty()) {
            dst.put((byte) a.reasonCode());
            Mqtt5PropertiesCodec.put(dst, a.properties(), PropertyScope.AUTH);
        }
    }

    static Auth decode(ByteBuffer body) {
        if (!body.hasRemaining()) {
            return new Auth(0, Properties.EMPTY);
        }
        int code = REASON_CODES.read(body);
        return new Auth(code, Mqtt5PropertiesCodec.read(body, PropertyScope.AUTH));
    }
}
