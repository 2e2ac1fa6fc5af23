package dev.spindle.mqtt.internal.codec;

import dev.spindle.mqtt.internal.packet.Connack;
import java.nio.ByteBuffer;

/** The CONNACK acknowledge flags byte, alike in MQTT 3.1.1 and 5.0 (§3.2.2.1 of both). */
public final class AckFlags {
    private AckFlags() {
    }

    /**
     * Reads the acknowledge flags: malformed (0x81) if a reserved bit 7..1 is set.
     *
     * @return the session present flag
     */
    public static boolean readSessionPresent(ByteBuffer body) {
        int flags = MqttPrimitives.readByte(body, "CONNACK acknowledge flags");
        if ((flags & 0xFE) != 0) {
            throw MqttPrimitives.malformed("CONNACK acknowledge flags bits 7-1 are reserved and must be 0 (§3.2.2.1), found: "
                    + MqttPrimitives.hex(flags));
        }
        return flags != 0;
    }

    /** A protocol error (0x82) if session present is set with a failure code (MQTT-3.2.2-4 in 3.1.1, -6 in 5.0). */
    public static void checkSessionPresent(boolean sessionPresent, int code) {
        if (sessionPresent && code != 0) {
            throw MqttPrimitives.protocolError("CONNACK session present must be 0 with a non-zero code (MQTT-3.2.2-4), found code "
                    + MqttPrimitives.hex(code));
        }
    }

    /** The encoding side of {@link #checkSessionPresent(boolean, int)}: IllegalArgumentException. */
    public static void checkSessionPresent(Connack c) {
        if (c.sessionPresent() && c.reasonCode() != 0) {
            throw new IllegalArgumentException("CONNACK session present must be false with a non-zero code, found code "
                    + MqttPrimitives.hex(c.reasonCode()));
        }
    }
}
