package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.internal.codec.AckFlags;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Properties;
import java.nio.ByteBuffer;

/** CONNACK in MQTT 3.1.1 (§3.2): acknowledge flags and a return code 0..5. */
final class Mqtt311ConnackCodec {
    private static final int MAX_RETURN_CODE = 5;

    private Mqtt311ConnackCodec() {
    }

    static long remainingLength(Connack c) {
        if (c.reasonCode() > MAX_RETURN_CODE) {
            throw new IllegalArgumentException("MQTT 3.1.1 CONNACK return code must be 0..5, found: " + c.reasonCode());
        }
        AckFlags.checkSessionPresent(c);
        return 2;
    }

    static void encode(Connack c, ByteBuffer dst) {
        dst.put((byte) (c.sessionPresent() ? 1 : 0)).put((byte) c.reasonCode());
    }

    static Connack decode(ByteBuffer body) {
        boolean sessionPresent = AckFlags.readSessionPresent(body);
        int code = MqttPrimitives.readByte(body, "CONNACK return code");
        if (code > MAX_RETURN_CODE) {
            throw MqttPrimitives.malformed("CONNACK return code must be 0..5 (MQTT 3.1.1 §3.2.2.3), found: " + code);
        }
        AckFlags.checkSessionPresent(sessionPresent, code);
        return new Connack(sessionPresent, code, Properties.EMPTY);
    }
}
