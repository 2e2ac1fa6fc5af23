package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.hex;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Mqtt5PropertiesCodecTest {
    /** MQTT 5.0 §2.2.2.2, written out again by scope name for comparison with the codec's table. */
    private static final Map<PropertyId, Set<String>> SPEC = Map.ofEntries(
            Map.entry(PropertyId.PAYLOAD_FORMAT_INDICATOR, Set.of("PUBLISH", "WILL")),
            Map.entry(PropertyId.MESSAGE_EXPIRY_INTERVAL, Set.of("PUBLISH", "WILL")),
            Map.entry(PropertyId.CONTENT_TYPE, Set.of("PUBLISH", "WILL")),
            Map.entry(PropertyId.RESPONSE_TOPIC, Set.of("PUBLISH", "WILL")),
            Map.entry(PropertyId.CORRELATION_DATA, Set.of("PUBLISH", "WILL")),
            Map.entry(PropertyId.SUBSCRIPTION_IDENTIFIER, Set.of("PUBLISH", "SUBSCRIBE")),
            Map.entry(PropertyId.SESSION_EXPIRY_INTERVAL, Set.of("CONNECT", "CONNACK", "DISCONNECT")),
            Map.entry(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, Set.of("CONNACK")),
            Map.entry(PropertyId.SERVER_KEEP_ALIVE, Set.of("CONNACK")),
            Map.entry(PropertyId.AUTHENTICATION_METHOD, Set.of("CONNECT", "CONNACK", "AUTH")),
            Map.entry(PropertyId.AUTHENTICATION_DATA, Set.of("CONNECT", "CONNACK", "AUTH")),
            Map.entry(PropertyId.REQUEST_PROBLEM_INFORMATION, Set.of("CONNECT")),
            Map.entry(PropertyId.WILL_DELAY_INTERVAL, Set.of("WILL")),
            Map.entry(PropertyId.REQUEST_RESPONSE_INFORMATION, Set.of("CONNECT")),
            Map.entry(PropertyId.RESPONSE_INFORMATION, Set.of("CONNACK")),
            Map.entry(PropertyId.SERVER_REFERENCE, Set.of("CONNACK", "DISCONNECT")),
            Map.entry(PropertyId.REASON_STRING, Set.of("CONNACK", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBACK", "UNSUBACK",
                    "DISCONNECT", "AUTH")),
            Map.entry(PropertyId.RECEIVE_MAXIMUM, Set.of("CONNECT", "CONNACK")),
            Map.entry(PropertyId.TOPIC_ALIAS_MAXIMUM, Set.of("CONNECT", "CONNACK")),
            Map.entry(PropertyId.TOPIC_ALIAS, Set.of("PUBLISH")),
            Map.entry(PropertyId.MAXIMUM_QOS, Set.of("CONNACK")),
            Map.entry(PropertyId.RETAIN_AVAILABLE, Set.of("CONNACK")),
            Map.entry(PropertyId.USER_PROPERTY, Set.of("CONNECT", "WILL", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
                    "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "DISCONNECT", "AUTH")),
            Map.entry(PropertyId.MAXIMUM_PACKET_SIZE, Set.of("CONNECT", "CONNACK")),
            Map.entry(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, Set.of("CONNACK")),
            Map.entry(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, Set.of("CONNACK")),
            Map.entry(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, Set.of("CONNACK")));

    private static final Set<PropertyId> BOOLEANS = EnumSet.of(PropertyId.PAYLOAD_FORMAT_INDICATOR,
            PropertyId.REQUEST_PROBLEM_INFORMATION, PropertyId.REQUEST_RESPONSE_INFORMATION, PropertyId.MAXIMUM_QOS,
            PropertyId.RETAIN_AVAILABLE, PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE,
            PropertyId.SHARED_SUBSCRIPTION_AVAILABLE);
    private static final Set<PropertyId> NON_ZERO = EnumSet.of(PropertyId.RECEIVE_MAXIMUM, PropertyId.MAXIMUM_PACKET_SIZE,
            PropertyId.TOPIC_ALIAS, PropertyId.SUBSCRIPTION_IDENTIFIER);

    /** One property (identifier and value) as its bytes, written by hand per wire type. */
    private static byte[] entryBytes(PropertyId id, long number) {
        switch (id.kind()) {
            case BYTE:
                return wire(id.id(), (int) number);
            case TWO_BYTE_INTEGER:
                return wire(id.id(), (int) (number >> 8), (int) (number & 0xFF));
            case FOUR_BYTE_INTEGER:
                return wire(id.id(), (int) (number >>> 24), (int) (number >> 16 & 0xFF), (int) (number >> 8 & 0xFF),
                        (int) (number & 0xFF));
            case VARIABLE_BYTE_INTEGER:
                return number < 128 ? wire(id.id(), (int) number) : wire(id.id(), (int) (number & 0x7F | 0x80), (int) (number >> 7));
            case UTF8_STRING:
                return wire(id.id(), 0, 1, "a");
            case BINARY_DATA:
                return wire(id.id(), 0, 1, 7);
            default:
                return wire(id.id(), 0, 1, "k", 0, 1, "v");
        }
    }

    private static Object value(PropertyId id, long number) {
        switch (id.kind()) {
            case UTF8_STRING:
                return "a";
            case BINARY_DATA:
                return wire(7);
            case UTF8_STRING_PAIR:
                return new UserProperty("k", "v");
            default:
                return number;
        }
    }

    /** A property list: its length, then the entries. */
    private static ByteBuffer list(byte[]... entries) {
        int n = 0;
        for (byte[] e : entries) {
            n += e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(1 + n);
        b.put((byte) n);
        for (byte[] e : entries) {
            b.put(e);
        }
        return b.flip();
    }

    private static MqttDecodeException readFails(int reason, ByteBuffer in, PropertyScope scope, String... fragments) {
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> Mqtt5PropertiesCodec.read(in, scope));
        assertEquals(reason, e.reasonCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith(scope + " properties: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "\"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
        return e;
    }

    private static IllegalArgumentException encodeFails(Properties p, PropertyScope scope, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mqtt5PropertiesCodec.sectionLength(p, scope));
        assertTrue(e.getMessage().contains(fragment), () -> "\"" + e.getMessage() + "\" should contain \"" + fragment + "\"");
        return e;
    }

    @Test
    void theAllowedTableMatchesTheSpecification() {
        assertEquals(PropertyId.values().length, SPEC.size());
        for (PropertyId id : PropertyId.values()) {
            for (PropertyScope scope : PropertyScope.values()) {
                assertEquals(SPEC.get(id).contains(scope.name()), Mqtt5PropertiesCodec.allowed(id, scope), id + " in " + scope);
            }
        }
    }

    /** Every identifier in every packet: read where the table allows it, malformed (0x81) elsewhere; the same when encoding. */
    @Test
    void everyPropertyIsReadWhereAllowedAndRefusedElsewhere() {
        int refused = 0;
        for (PropertyId id : PropertyId.values()) {
            Properties expected = Properties.of(List.of(new Properties.Entry(id, value(id, 1))));
            for (PropertyScope scope : PropertyScope.values()) {
                ByteBuffer in = list(entryBytes(id, 1));
                if (Mqtt5PropertiesCodec.allowed(id, scope)) {
                    assertEquals(expected, Mqtt5PropertiesCodec.read(in, scope), id + " in " + scope);
                    assertFalse(in.hasRemaining());
                    ByteBuffer out = ByteBuffer.allocate((int) Mqtt5PropertiesCodec.sectionLength(expected, scope));
                    Mqtt5PropertiesCodec.put(out, expected, scope);
                    assertArrayEquals(list(entryBytes(id, 1)).array(), out.array(), id + " written in " + scope);
                } else {
                    readFails(0x81, in, scope, id + " (" + String.format("0x%02X", id.id()) + ") is not allowed in " + scope);
                    encodeFails(expected, scope, id + " cannot be sent in " + scope);
                    refused++;
                }
            }
        }
        assertTrue(refused > 250, "refused pairs: " + refused);
    }

    @Test
    void propertiesThatMayAppearOnceAreProtocolErrorsTwice() {
        for (PropertyId id : PropertyId.values()) {
            if (id == PropertyId.USER_PROPERTY) {
                continue;
            }
            // A subscription identifier may repeat in PUBLISH, never in SUBSCRIBE.
            PropertyScope scope = id == PropertyId.SUBSCRIPTION_IDENTIFIER ? PropertyScope.SUBSCRIBE
                    : PropertyScope.valueOf(SPEC.get(id).iterator().next());
            readFails(0x82, list(entryBytes(id, 1), entryBytes(id, 1)), scope, id + " appears more than once");
            Properties twice = Properties.of(List.of(new Properties.Entry(id, value(id, 1)), new Properties.Entry(id, value(id, 1))));
            encodeFails(twice, scope, id + " must not appear more than once in " + scope);
        }
    }

    @Test
    void userPropertiesRepeatAndKeepTheirOrder() {
        ByteBuffer in = list(wire(0x26, 0, 1, "a", 0, 1, "1"), wire(0x26, 0, 1, "b", 0, 0), wire(0x26, 0, 1, "a", 0, 1, "2"));
        Properties p = Mqtt5PropertiesCodec.read(in, PropertyScope.PUBACK);
        assertEquals(List.of(new UserProperty("a", "1"), new UserProperty("b", ""), new UserProperty("a", "2")), p.userProperties());
    }

    @Test
    void subscriptionIdentifiersRepeatInPublish() {
        Properties p = Mqtt5PropertiesCodec.read(list(wire(0x0B, 0x01), wire(0x0B, 0xFF, 0xFF, 0xFF, 0x7F), wire(0x0B, 0x80, 0x01)),
                PropertyScope.PUBLISH);
        assertEquals(List.of(1, 268_435_455, 128), p.subscriptionIdentifiers());
    }

    @Test
    void byteValuedBooleansOtherThan0Or1AreProtocolErrors() {
        for (PropertyId id : BOOLEANS) {
            PropertyScope scope = PropertyScope.valueOf(SPEC.get(id).iterator().next());
            for (int v : new int[] {2, 0xFF}) {
                readFails(0x82, list(entryBytes(id, v)), scope, id + " must be 0 or 1, found: " + v);
                encodeFails(Properties.builder().number(id, v).build(), scope, id + " must be 0 or 1, found: " + v);
            }
            assertEquals(0L, Mqtt5PropertiesCodec.read(list(entryBytes(id, 0)), scope).number(id, -1));
        }
    }

    /** Receive maximum, maximum packet size, topic alias and subscription identifier must not be 0. */
    @Test
    void valuesThatMustNotBeZeroAreProtocolErrorsAtZero() {
        for (PropertyId id : NON_ZERO) {
            PropertyScope scope = PropertyScope.valueOf(SPEC.get(id).iterator().next());
            readFails(0x82, list(entryBytes(id, 0)), scope, id + " must not be 0, found: 0");
            encodeFails(Properties.builder().number(id, 0).build(), scope, id + " must not be 0");
        }
    }

    @Test
    void numbersKeepTheirFullUnsignedRange() {
        Properties p = Mqtt5PropertiesCodec.read(list(entryBytes(PropertyId.MESSAGE_EXPIRY_INTERVAL, 0xFFFF_FFFFL),
                entryBytes(PropertyId.TOPIC_ALIAS, 0xFFFF), entryBytes(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)), PropertyScope.PUBLISH);
        assertEquals(0xFFFF_FFFFL, p.number(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1));
        assertEquals(0xFFFF, p.number(PropertyId.TOPIC_ALIAS, -1));
    }

    @Test
    void encodingRefusesNumbersOutsideTheirWireType() {
        encodeFails(Properties.builder().number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 256).build(), PropertyScope.PUBLISH,
                "PAYLOAD_FORMAT_INDICATOR must be in 0..255, found: 256");
        encodeFails(Properties.builder().number(PropertyId.TOPIC_ALIAS, 65_536).build(), PropertyScope.PUBLISH,
                "TOPIC_ALIAS must be in 0..65535, found: 65536");
        encodeFails(Properties.builder().number(PropertyId.MESSAGE_EXPIRY_INTERVAL, 1L << 32).build(), PropertyScope.PUBLISH,
                "MESSAGE_EXPIRY_INTERVAL must be in 0..4294967295, found: 4294967296");
        encodeFails(Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 268_435_456).build(), PropertyScope.PUBLISH,
                "SUBSCRIPTION_IDENTIFIER must be in 0..268435455, found: 268435456");
        encodeFails(Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, -1).build(), PropertyScope.CONNECT,
                "SESSION_EXPIRY_INTERVAL must be in 0..4294967295, found: -1");
    }

    @Test
    void encodingRefusesStringsAndDataThatDoNotFit() {
        encodeFails(Properties.builder().string(PropertyId.REASON_STRING, "r".repeat(65_536)).build(), PropertyScope.PUBACK,
                "REASON_STRING must be at most 65535 UTF-8 bytes");
        encodeFails(Properties.builder().binary(PropertyId.CORRELATION_DATA, new byte[65_536]).build(), PropertyScope.PUBLISH,
                "CORRELATION_DATA must be at most 65535 bytes");
        encodeFails(Properties.builder().userProperties(List.of(new UserProperty("a\u0000", "v"))).build(), PropertyScope.PUBLISH,
                "USER_PROPERTY name must not contain U+0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "04", "2B", "7F", "80 01", "FF 7F"})
    void unknownIdentifiersAreMalformed(String idBytes) {
        String[] parts = idBytes.split(" ");
        byte[] id = new byte[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            id[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        readFails(0x81, list(id), PropertyScope.CONNACK, "unknown property identifier 0x");
    }

    @Test
    void identifierNotInItsShortestFormIsMalformed() {
        // 0x26 (user property) written in two bytes.
        readFails(0x81, list(wire(0xA6, 0x00, 0, 1, "k", 0, 1, "v")), PropertyScope.PUBLISH,
                "property identifier must use the fewest bytes (MQTT-1.5.5-1)");
    }

    @Test
    void valueRunningPastThePropertyLengthIsMalformed() {
        // The list says 4 bytes; the reason string inside declares 5. The bytes after the list do not count.
        ByteBuffer in = ByteBuffer.wrap(wire(0x04, 0x1F, 0x00, 0x05, "a", "bcdef"));
        readFails(0x81, in, PropertyScope.PUBACK, "REASON_STRING declares 5 bytes but only 1 remain in the packet");
        readFails(0x81, ByteBuffer.wrap(wire(0x02, 0x02, 0x00, 0x00, 0x00)), PropertyScope.PUBLISH,
                "MESSAGE_EXPIRY_INTERVAL needs 4 bytes but only 1 remain");
        readFails(0x81, ByteBuffer.wrap(wire(0x02, 0x0B, 0x80, 0x01)), PropertyScope.PUBLISH,
                "SUBSCRIPTION_IDENTIFIER runs past the end");
        readFails(0x81, ByteBuffer.wrap(wire(0x06, 0x26, 0, 1, "k", 0, 1, "v")), PropertyScope.PUBLISH,
                "USER_PROPERTY value declares 1 bytes but only 0 remain");
    }

    @Test
    void propertyLengthBeyondThePacketIsMalformed() {
        readFails(0x81, ByteBuffer.wrap(wire(0x09, 0x1F, 0x00)), PropertyScope.SUBACK,
                "property length 9 runs past the packet: only 2 bytes remain");
        readFails(0x81, ByteBuffer.wrap(wire(0x80)), PropertyScope.SUBACK, "property length runs past the end");
        readFails(0x81, ByteBuffer.wrap(wire()), PropertyScope.SUBACK, "property length runs past the end");
    }

    @Test
    void stringValuesMustBeUtf8WithoutNul() {
        readFails(0x81, list(wire(0x03, 0, 2, 0xC0, 0x80)), PropertyScope.PUBLISH, "CONTENT_TYPE is not valid UTF-8");
        readFails(0x81, list(wire(0x26, 0, 1, "k", 0, 1, 0)), PropertyScope.PUBLISH, "USER_PROPERTY value must not contain U+0000");
    }

    @Test
    void responseTopicMustBeATopicName() {
        readFails(0x82, list(wire(0x08, 0, 3, "a/#")), PropertyScope.PUBLISH, "RESPONSE_TOPIC must not contain wildcards", "found: a/#");
        readFails(0x82, list(wire(0x08, 0, 0)), PropertyScope.WILL, "RESPONSE_TOPIC must not be empty");
        encodeFails(Properties.builder().string(PropertyId.RESPONSE_TOPIC, "r/+").build(), PropertyScope.PUBLISH,
                "RESPONSE_TOPIC must not contain wildcards");
    }

    @Test
    void eachWireTypeHasTheSpecifiedBytes() {
        Properties p = Properties.builder().number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)
                .number(PropertyId.MESSAGE_EXPIRY_INTERVAL, 0x01020304).number(PropertyId.TOPIC_ALIAS, 0x0102)
                .number(PropertyId.SUBSCRIPTION_IDENTIFIER, 128).string(PropertyId.CONTENT_TYPE, "ab")
                .binary(PropertyId.CORRELATION_DATA, wire(9)).userProperties(List.of(new UserProperty("k", "v"))).build();
        byte[] expected = wire(0x1D, 0x01, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04, 0x23, 0x01, 0x02, 0x0B, 0x80, 0x01, 0x03, 0x00, 0x02, "ab",
                0x09, 0x00, 0x01, 0x09, 0x26, 0x00, 0x01, "k", 0x00, 0x01, "v");
        assertEquals(expected.length, Mqtt5PropertiesCodec.sectionLength(p, PropertyScope.PUBLISH));
        ByteBuffer out = ByteBuffer.allocate(expected.length);
        Mqtt5PropertiesCodec.put(out, p, PropertyScope.PUBLISH);
        assertArrayEquals(expected, out.array(), () -> hex(out.array()));
        assertEquals(p, Mqtt5PropertiesCodec.read(ByteBuffer.wrap(expected), PropertyScope.PUBLISH));
    }

    @Test
    void aLongPropertyListHasAMultiByteLength() {
        List<UserProperty> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(new UserProperty("name", "value"));
        }
        Properties p = Properties.builder().userProperties(many).build();
        // 30 × (1 + 6 + 7) = 420 bytes: a two-byte length.
        assertEquals(2 + 420, Mqtt5PropertiesCodec.sectionLength(p, PropertyScope.CONNECT));
        ByteBuffer out = ByteBuffer.allocate(422);
        Mqtt5PropertiesCodec.put(out, p, PropertyScope.CONNECT);
        assertEquals(0xA4, out.get(0) & 0xFF);
        assertEquals(0x03, out.get(1));
        assertEquals(p, Mqtt5PropertiesCodec.read(out.flip(), PropertyScope.CONNECT));
    }

    @Test
    void noPropertiesIsOneZeroByte() {
        assertEquals(1, Mqtt5PropertiesCodec.sectionLength(Properties.EMPTY, PropertyScope.PUBLISH));
        assertEquals(Properties.EMPTY, Mqtt5PropertiesCodec.read(ByteBuffer.wrap(wire(0)), PropertyScope.PUBLISH));
    }
}
