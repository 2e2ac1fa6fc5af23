package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.AUTH;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.CONNACK;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.CONNECT;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.DISCONNECT;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.PUBACK;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.PUBCOMP;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.PUBLISH;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.PUBREC;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.PUBREL;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.SUBACK;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.SUBSCRIBE;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.UNSUBACK;
import static dev.spindle.mqtt.internal.codec.v5.PropertyScope.WILL;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * MQTT 5 property lists (§2.2.2): a variable byte integer length, then identifier/value pairs.
 * Driven by tables, not by code per property: the wire type comes from
 * {@link PropertyId#kind()}, the packets each property may appear in from {@link #ALLOWED}
 * (the table of §2.2.2.2), and the value rules from {@link #numberProblem}.
 *
 * <p>Decoding failures: an unknown identifier or one not allowed in the packet is malformed
 * (0x81, §2.2.2.2); a value running past the property length is malformed (0x81); a property
 * other than user property (and subscription identifier in PUBLISH) appearing twice, or a value
 * out of its range, is a protocol error (0x82). Encoding refuses the same things with
 * {@link IllegalArgumentException}, so what this class writes it also reads.
 */
final class Mqtt5PropertiesCodec {
    /** Per scope (by ordinal), a bit per property identifier that the scope allows. */
    private static final long[] ALLOWED = new long[PropertyScope.values().length];

    static {
        // MQTT 5.0 §2.2.2.2, row by row.
        allow(PropertyId.PAYLOAD_FORMAT_INDICATOR, PUBLISH, WILL);
        allow(PropertyId.MESSAGE_EXPIRY_INTERVAL, PUBLISH, WILL);
        allow(PropertyId.CONTENT_TYPE, PUBLISH, WILL);
        allow(PropertyId.RESPONSE_TOPIC, PUBLISH, WILL);
        allow(PropertyId.CORRELATION_DATA, PUBLISH, WILL);
        allow(PropertyId.SUBSCRIPTION_IDENTIFIER, PUBLISH, SUBSCRIBE);
        allow(PropertyId.SESSION_EXPIRY_INTERVAL, CONNECT, CONNACK, DISCONNECT);
        allow(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, CONNACK);
        allow(PropertyId.SERVER_KEEP_ALIVE, CONNACK);
        allow(PropertyId.AUTHENTICATION_METHOD, CONNECT, CONNACK, AUTH);
        allow(PropertyId.AUTHENTICATION_DATA, CONNECT, CONNACK, AUTH);
        allow(PropertyId.REQUEST_PROBLEM_INFORMATION, CONNECT);
        allow(PropertyId.WILL_DELAY_INTERVAL, WILL);
        allow(PropertyId.REQUEST_RESPONSE_INFORMATION, CONNECT);
        allow(PropertyId.RESPONSE_INFORMATION, CONNACK);
        allow(PropertyId.SERVER_REFERENCE, CONNACK, DISCONNECT);
        allow(PropertyId.REASON_STRING, CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH);
        allow(PropertyId.RECEIVE_MAXIMUM, CONNECT, CONNACK);
        allow(PropertyId.TOPIC_ALIAS_MAXIMUM, CONNECT, CONNACK);
        allow(PropertyId.TOPIC_ALIAS, PUBLISH);
        allow(PropertyId.MAXIMUM_QOS, CONNACK);
        allow(PropertyId.RETAIN_AVAILABLE, CONNACK);
        allow(PropertyId.USER_PROPERTY, PropertyScope.values());
        allow(PropertyId.MAXIMUM_PACKET_SIZE, CONNECT, CONNACK);
        allow(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, CONNACK);
        allow(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, CONNACK);
        allow(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, CONNACK);
    }

    private Mqtt5PropertiesCodec() {
    }

    private static void allow(PropertyId id, PropertyScope... scopes) {
        for (PropertyScope s : scopes) {
            ALLOWED[s.ordinal()] |= 1L << id.id();
        }
    }

    /** Whether {@code scope} may carry {@code id}. */
    static boolean allowed(PropertyId id, PropertyScope scope) {
        return (ALLOWED[scope.ordinal()] & 1L << id.id()) != 0;
    }

    /**
     * Whether {@code id} may appear more than once in {@code scope}: user properties anywhere,
     * subscription identifiers only in PUBLISH (one per matching subscription, §3.3.2.3.8; a
     * SUBSCRIBE carries at most one, §3.8.2.1.2).
     */
    static boolean repeatable(PropertyId id, PropertyScope scope) {
        return id == PropertyId.USER_PROPERTY || id == PropertyId.SUBSCRIPTION_IDENTIFIER && scope == PUBLISH;
    }

    /**
     * Why a numeric value is not allowed for {@code id}, or null if it is: the range of its wire
     * type, then the property's own rule.
     */
    static @Nullable String numberProblem(PropertyId id, long value) {
        long max;
        switch (id.kind()) {
            case BYTE:
                max = 0xFF;
                break;
            case TWO_BYTE_INTEGER:
                max = 0xFFFF;
                break;
            case FOUR_BYTE_INTEGER:
                max = 0xFFFF_FFFFL;
                break;
            default:
                max = MqttPrimitives.MAX_VARIABLE_BYTE_INTEGER;
                break;
        }
        if (value < 0 || value > max) {
            return id + " must be in 0.." + max + ", found: " + value;
        }
        switch (id) {
            case PAYLOAD_FORMAT_INDICATOR:
            case REQUEST_PROBLEM_INFORMATION:
            case REQUEST_RESPONSE_INFORMATION:
            case MAXIMUM_QOS:
            case RETAIN_AVAILABLE:
            case WILDCARD_SUBSCRIPTION_AVAILABLE:
            case SUBSCRIPTION_IDENTIFIER_AVAILABLE:
            case SHARED_SUBSCRIPTION_AVAILABLE:
                return value <= 1 ? null : id + " must be 0 or 1, found: " + value;
            case RECEIVE_MAXIMUM:
            case MAXIMUM_PACKET_SIZE:
            case TOPIC_ALIAS:
            case SUBSCRIPTION_IDENTIFIER:
                return value != 0 ? null : id + " must not be 0, found: 0";
            default:
                return null;
        }
    }

    /** Why a string value is not allowed for {@code id}, or null if it is. */
    static @Nullable String stringProblem(PropertyId id, String value) {
        // MQTT-3.3.2-14: the response topic is a topic name.
        return id == PropertyId.RESPONSE_TOPIC ? MqttPrimitives.topicNameProblem(value, false, id) : null;
    }

    // ---- encoding

    /**
     * The length of the property list, length prefix included, checking every entry.
     *
     * @throws IllegalArgumentException if a property is not allowed in {@code scope}, appears
     *                                  twice where it may not, or has a value out of range
     */
    static long sectionLength(Properties properties, PropertyScope scope) {
        int length = checkedLength(properties, scope);
        return MqttPrimitives.varIntSize(length) + (long) length;
    }

    private static int checkedLength(Properties properties, PropertyScope scope) {
        List<Properties.Entry> entries = properties.entries();
        long length = 0;
        long seen = 0;
        for (int i = 0; i < entries.size(); i++) {
            Properties.Entry e = entries.get(i);
            PropertyId id = e.id();
            if (!allowed(id, scope)) {
                throw new IllegalArgumentException(id + " cannot be sent in " + scope + " (MQTT 5.0 §2.2.2.2)");
            }
            long bit = 1L << id.id();
            if ((seen & bit) != 0 && !repeatable(id, scope)) {
                throw new IllegalArgumentException(id + " must not appear more than once in " + scope);
            }
            seen |= bit;
            length += 1 + valueLength(id, e.value());
        }
        if (length > MqttPrimitives.MAX_VARIABLE_BYTE_INTEGER) {
            throw new IllegalArgumentException(scope + " property length must be at most 268435455, found: " + length);
        }
        return (int) length;
    }

    private static int valueLength(PropertyId id, Object value) {
        switch (id.kind()) {
            case UTF8_STRING:
                String s = (String) value;
                String problem = stringProblem(id, s);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                return MqttPrimitives.stringSize(s, id);
            case BINARY_DATA:
                return MqttPrimitives.binarySize((byte[]) value, id);
            case UTF8_STRING_PAIR:
                UserProperty p = (UserProperty) value;
                return MqttPrimitives.stringSize(p.name(), "USER_PROPERTY name")
                        + MqttPrimitives.stringSize(p.value(), "USER_PROPERTY value");
            default:
                long n = (Long) value;
                String numberProblem = numberProblem(id, n);
                if (numberProblem != null) {
                    throw new IllegalArgumentException(numberProblem);
                }
                return fixedLength(id.kind(), n);
        }
    }

    private static int fixedLength(PropertyId.Kind kind, long value) {
        switch (kind) {
            case BYTE:
                return 1;
            case TWO_BYTE_INTEGER:
                return 2;
            case FOUR_BYTE_INTEGER:
                return 4;
            default:
                return MqttPrimitives.varIntSize((int) value);
        }
    }

    /** Writes the property list, length prefix included; {@link #sectionLength} checked it before. */
    static void put(ByteBuffer dst, Properties properties, PropertyScope scope) {
        MqttPrimitives.putVarInt(dst, checkedLength(properties, scope));
        List<Properties.Entry> entries = properties.entries();
        for (int i = 0; i < entries.size(); i++) {
            Properties.Entry e = entries.get(i);
            // Every identifier of MQTT 5.0 is below 0x80: a one-byte variable byte integer.
            dst.put((byte) e.id().id());
            Object value = e.value();
            switch (e.id().kind()) {
                case BYTE:
                    dst.put((byte) (long) (Long) value);
                    break;
                case TWO_BYTE_INTEGER:
                    dst.putShort((short) (long) (Long) value);
                    break;
                case FOUR_BYTE_INTEGER:
                    dst.putInt((int) (long) (Long) value);
                    break;
                case VARIABLE_BYTE_INTEGER:
                    MqttPrimitives.putVarInt(dst, (int) (long) (Long) value);
                    break;
                case UTF8_STRING:
                    MqttPrimitives.putString(dst, (String) value);
                    break;
                case BINARY_DATA:
                    MqttPrimitives.putBinary(dst, (byte[]) value);
                    break;
                case UTF8_STRING_PAIR:
                    MqttPrimitives.putString(dst, ((UserProperty) value).name());
                    MqttPrimitives.putString(dst, ((UserProperty) value).value());
                    break;
            }
        }
    }

    // ---- decoding

    /** Reads a property list (length prefix included) that must lie wholly in {@code in}. */
    static Properties read(ByteBuffer in, PropertyScope scope) {
        try {
            int length = MqttPrimitives.readVarInt(in, "property length");
            if (length > in.remaining()) {
                throw MqttPrimitives.malformed("property length " + length + " runs past the packet: only "
                        + in.remaining() + " bytes remain");
            }
            if (length == 0) {
                return Properties.EMPTY;
            }
            ByteBuffer list = in.slice(in.position(), length);
            in.position(in.position() + length);
            return readEntries(list, scope);
        } catch (MqttDecodeException e) {
            // Name the packet once here rather than building the text on every read.
            throw new MqttDecodeException(e.reasonCode(), scope + " properties: " + e.getMessage());
        }
    }

    private static Properties readEntries(ByteBuffer list, PropertyScope scope) {
        List<Properties.Entry> entries = new ArrayList<>();
        long seen = 0;
        while (list.hasRemaining()) {
            int code = MqttPrimitives.readVarInt(list, "property identifier");
            PropertyId id = PropertyId.ofId(code);
            if (id == null) {
                throw MqttPrimitives.malformed("unknown property identifier " + MqttPrimitives.hex(code) + " (§2.2.2.2)");
            }
            if (!allowed(id, scope)) {
                throw MqttPrimitives.malformed(id + " (" + MqttPrimitives.hex(code) + ") is not allowed in " + scope
                        + " (§2.2.2.2)");
            }
            long bit = 1L << code;
            if ((seen & bit) != 0 && !repeatable(id, scope)) {
                throw MqttPrimitives.protocolError(id + " appears more than once");
            }
            seen |= bit;
            entries.add(new Properties.Entry(id, readValue(list, id)));
        }
        return Properties.of(entries);
    }

    private static Object readValue(ByteBuffer list, PropertyId id) {
        String problem;
        Object value;
        switch (id.kind()) {
            case UTF8_STRING:
                String s = MqttPrimitives.readString(list, id);
                problem = stringProblem(id, s);
                value = s;
                break;
            case BINARY_DATA:
                return MqttPrimitives.readBinary(list, id);
            case UTF8_STRING_PAIR:
                String name = MqttPrimitives.readString(list, "USER_PROPERTY name");
                return new UserProperty(name, MqttPrimitives.readString(list, "USER_PROPERTY value"));
            default:
                long n = readNumber(list, id);
                problem = numberProblem(id, n);
                value = n;
                break;
        }
        if (problem != null) {
            throw MqttPrimitives.protocolError(problem);
        }
        return value;
    }

    private static long readNumber(ByteBuffer list, PropertyId id) {
        switch (id.kind()) {
            case BYTE:
                return MqttPrimitives.readByte(list, id);
            case TWO_BYTE_INTEGER:
                return MqttPrimitives.readUnsignedShort(list, id);
            case FOUR_BYTE_INTEGER:
                return MqttPrimitives.readUnsignedInt(list, id);
            default:
                return MqttPrimitives.readVarInt(list, id);
        }
    }
}
