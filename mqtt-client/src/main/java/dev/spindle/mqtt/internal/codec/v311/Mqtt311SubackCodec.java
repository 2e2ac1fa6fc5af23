package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Suback;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** SUBACK in MQTT 3.1.1 (§3.9): packet identifier, then one return code per filter: 0, 1, 2 or 0x80. */
final class Mqtt311SubackCodec {
    private Mqtt311SubackCodec() {
    }

    static long remainingLength(Suback s) {
        List<Integer> codes = s.reasonCodes();
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("SUBACK needs at least one return code, found none");
        }
        for (int i = 0; i < codes.size(); i++) {
            if (!valid(codes.get(i))) {
                throw new IllegalArgumentException("MQTT 3.1.1 SUBACK return codes are 0, 1, 2 or 0x80, found: "
                        + MqttPrimitives.hex(codes.get(i)));
            }
        }
        return 2L + codes.size();
    }

    static void encode(Suback s, ByteBuffer dst) {
        dst.putShort((short) s.packetId());
        List<Integer> codes = s.reasonCodes();
        for (int i = 0; i < codes.size(); i++) {
            dst.put(codes.get(i).byteValue());
        }
    }

    static Suback decode(ByteBuffer body) {
        int packetId = MqttPrimitives.readPacketId(body, "SUBACK");
        List<Integer> codes = new ArrayList<>(body.remaining());
        while (body.hasRemaining()) {
            int code = body.get() & 0xFF;
            if (!valid(code)) {
                throw MqttPrimitives.malformed("SUBACK return code must be 0, 1, 2 or 0x80 (MQTT 3.1.1 §3.9.3), found: "
                        + MqttPrimitives.hex(code));
            }
            codes.add(code);
        }
        if (codes.isEmpty()) {
            throw MqttPrimitives.protocolError("SUBACK must carry at least one return code, found none");
        }
        return new Suback(packetId, codes, Properties.EMPTY);
    }

    private static boolean valid(int code) {
        return code <= 2 || code == 0x80;
    }
}
