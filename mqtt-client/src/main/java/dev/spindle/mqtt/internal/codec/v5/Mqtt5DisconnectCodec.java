package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Properties;
import java.nio.ByteBuffer;

/**
 * DISCONNECT in MQTT 5.0 (§3.14): a reason code and properties, both of which may be left out
 * (remaining length 0: normal disconnection; 1: a reason code without properties). Encoding uses
 * the shortest form.
 */
final class Mqtt5DisconnectCodec {
    /** §3.14.2.1. */
    static final ReasonCodeSet REASON_CODES = ReasonCodeSet.of("DISCONNECT", 0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87,
            0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E,
            0x9F, 0xA0, 0xA1, 0xA2);

    private Mqtt5DisconnectCodec() {
    }

    static long remainingLength(Disconnect d) {
        REASON_CODES.check(d.reasonCode());
        if (d.properties().isEmpty()) {
            return d.reasonCode() == 0 ? 0 : 1;
        }
        return 1 + Mqtt5PropertiesCodec.sectionLength(d.properties(), PropertyScope.DISCONNECT);
    }

    static void encode(Disconnect d, ByteBuffer dst) {
        if (!d.properties().isEmpty()) {
            dst.put((byte) d.reasonCode());
            Mqtt5PropertiesCodec.put(dst, d.properties(), PropertyScope.DISCONNECT);
        } else if (d.reasonCode() != 0) {
            dst.put((byte) d.reasonCode());
        }
    }

    static Disconnect decode(ByteBuffer body) {
        if (!body.hasRemaining()) {
            return Disconnect.NORMAL;
        }
        int code = REASON_CODES.read(body);
        Properties properties = body.hasRemaining()
                ? Mqtt5PropertiesCodec.read(body, PropertyScope.DISCONNECT) : Properties.EMPTY;
        return new Disconnect(code, properties);
    }
}
