package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.MqttPrimitives.binarySize;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.hex;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.malformed;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.protocolError;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.readBinary;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.readByte;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.readString;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.readTopicName;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.readUnsignedShort;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.stringSize;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Will;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The parts of CONNECT that MQTT 3.1.1 and 5.0 lay out alike (§3.1.2 and §3.1.3 of both): the
 * protocol name and level, the connect flags, the keep alive, and the payload fields around the
 * MQTT 5 will properties. The version codecs add the properties in between.
 */
public final class ConnectFields {
    /** User name flag. */
    public static final int USERNAME = 0x80;
    /** Password flag. */
    public static final int PASSWORD = 0x40;
    /** Will retain flag. */
    public static final int WILL_RETAIN = 0x20;
    /** Will flag. */
    public static final int WILL = 0x04;
    /** Clean session (3.1.1) / clean start (5). */
    public static final int CLEAN_START = 0x02;
    /** Reserved, must be 0 (MQTT-3.1.2-3). */
    public static final int RESERVED = 0x01;

    /** Protocol name (6 bytes), level, flags and keep alive. */
    private static final int HEADER_LENGTH = 10;

    private ConnectFields() {
    }

    /**
     * The length of the variable header without properties and of the payload without will
     * properties, checking what both versions refuse.
     *
     * @throws IllegalArgumentException if the CONNECT is for another version, a string is too
     *                                  long or not encodable, or the will topic is not a topic name
     */
    public static long length(Connect c, MqttVersion version) {
        if (c.version() != version) {
            throw new IllegalArgumentException("the MQTT " + version + " codec cannot encode a CONNECT for " + c.version());
        }
        long n = HEADER_LENGTH + stringSize(c.clientId(), "CONNECT client identifier");
        Will will = c.will();
        if (will != null) {
            MqttPrimitives.checkTopicName(will.topic(), false, "CONNECT will topic");
            n += stringSize(will.topic(), "CONNECT will topic") + binarySize(will.payload(), "CONNECT will payload");
        }
        String username = c.username();
        if (username != null) {
            n += stringSize(username, "CONNECT user name");
        }
        byte[] password = c.password();
        if (password != null) {
            n += binarySize(password, "CONNECT password");
        }
        return n;
    }

    /** Writes the protocol name, level, connect flags and keep alive. */
    public static void putHeader(Connect c, ByteBuffer dst) {
        MqttPrimitives.putString(dst, "MQTT");
        dst.put((byte) c.version().level());
        Will will = c.will();
        int flags = (c.username() != null ? USERNAME : 0) | (c.password() != null ? PASSWORD : 0)
                | (c.cleanStart() ? CLEAN_START : 0);
        if (will != null) {
            flags |= WILL | will.qos().value() << 3 | (will.retain() ? WILL_RETAIN : 0);
        }
        dst.put((byte) flags);
        dst.putShort((short) c.keepAliveSeconds());
    }

    /** Writes the will topic and payload (if any), the user name and the password (if any). */
    public static void putWillAndCredentials(Connect c, ByteBuffer dst) {
        Will will = c.will();
        if (will != null) {
            MqttPrimitives.putString(dst, will.topic());
            MqttPrimitives.putBinary(dst, will.payload());
        }
        String username = c.username();
        if (username != null) {
            MqttPrimitives.putString(dst, username);
        }
        byte[] password = c.password();
        if (password != null) {
            MqttPrimitives.putBinary(dst, password);
        }
    }

    /**
     * Reads the protocol name, level, connect flags and keep alive.
     *
     * @return the connect flags in bits 0..7 and the keep alive in bits 8..23
     */
    public static int readHeader(ByteBuffer body, MqttVersion version) {
        String name = readString(body, "CONNECT protocol name");
        if (!name.equals("MQTT")) {
            throw protocolError("CONNECT protocol name must be \"MQTT\" (MQTT-3.1.2-1), found: \"" + name + "\"");
        }
        int level = readByte(body, "CONNECT protocol level");
        if (level != version.level()) {
            throw protocolError("CONNECT protocol level must be " + version.level() + " for MQTT " + version + ", found: "
                    + level);
        }
        int flags = readByte(body, "CONNECT flags");
        if ((flags & RESERVED) != 0) {
            throw malformed("CONNECT reserved flag must be 0 (MQTT-3.1.2-3), found flags " + hex(flags));
        }
        int willQos = flags >> 3 & 0b11;
        if ((flags & WILL) == 0 && (willQos != 0 || (flags & WILL_RETAIN) != 0)) {
            throw malformed("CONNECT will QoS and will retain must be 0 without the will flag (§3.1.2.6, §3.1.2.7), found flags "
                    + hex(flags));
        }
        if (willQos == 3) {
            throw malformed("CONNECT will QoS must be 0, 1 or 2 (§3.1.2.6), found: 3");
        }
        int keepAlive = readUnsignedShort(body, "CONNECT keep alive");
        return flags | keepAlive << 8;
    }

    /** Reads the will topic and payload if the will flag is set. */
    public static @Nullable Will readWill(ByteBuffer body, int flags, Properties willProperties) {
        if ((flags & WILL) == 0) {
            return null;
        }
        String topic = readTopicName(body, "CONNECT will topic", false);
        byte[] payload = readBinary(body, "CONNECT will payload");
        return new Will(topic, payload, Qos.of(flags >> 3 & 0b11), (flags & WILL_RETAIN) != 0, willProperties);
    }

    /** Reads the user name if its flag is set. */
    public static @Nullable String readUsername(ByteBuffer body, int flags) {
        return (flags & USERNAME) != 0 ? readString(body, "CONNECT user name") : null;
    }

    /** Reads the password if its flag is set. */
    public static byte @Nullable [] readPassword(ByteBuffer body, int flags) {
        return (flags & PASSWORD) != 0 ? readBinary(body, "CONNECT password") : null;
    }
}
