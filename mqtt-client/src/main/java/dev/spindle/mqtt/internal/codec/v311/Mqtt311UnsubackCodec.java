package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Unsuback;
import java.nio.ByteBuffer;
import java.util.List;

/** UNSUBACK in MQTT 3.1.1 (§3.11): only the packet identifier; MQTT 5 reason codes are not sent. */
final class Mqtt311UnsubackCodec {
    private Mqtt311UnsubackCodec() {
    }

    static long remainingLength(Unsuback u) {
        return 2;
    }

    static void encode(Unsuback u, ByteBuffer dst) {
        dst.putShort((short) u.packetId());
    }

    static Unsuback decode(ByteBuffer body) {
        return new Unsuback(MqttPrimitives.readPacketId(body, "UNSUBACK"), List.of(), Properties.EMPTY);
    }
}
