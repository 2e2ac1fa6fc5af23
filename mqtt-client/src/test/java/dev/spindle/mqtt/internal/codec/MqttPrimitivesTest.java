package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.hex;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttDecodeException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttPrimitivesTest {
    private static ByteBuffer buf(byte[] bytes) {
        return ByteBuffer.wrap(bytes);
    }

    // ---- variable byte integers (MQTT 5.0 §1.5.5 table, MQTT 3.1.1 §2.2.3 table)

    @Test
    void variableByteIntegersMatchTheSpecificationTable() {
        int[] values = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455};
        byte[][] expected = {wire(0x00), wire(0x01), wire(0x7F), wire(0x80, 0x01), wire(0xFF, 0x7F), wire(0x80, 0x80, 0x01),
            wire(0xFF, 0xFF, 0x7F), wire(0x80, 0x80, 0x80, 0x01), wire(0xFF, 0xFF, 0xFF, 0x7F)};
        for (int i = 0; i < values.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(4);
            MqttPrimitives.putVarInt(b, values[i]);
            assertArrayEquals(expected[i], toArray(b.flip()), "encoding of " + values[i]);
            assertEquals(expected[i].length, MqttPrimitives.varIntSize(values[i]));
            ByteBuffer in = buf(expected[i]);
            assertEquals(values[i], MqttPrimitives.readVarInt(in, "v"));
            assertEquals(expected[i].length, in.position());
        }
    }

    @Test
    void variableByteIntegerSizeRefusesValuesOutsideItsRange() {
        assertThrows(IllegalArgumentException.class, () -> MqttPrimitives.varIntSize(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MqttPrimitives.varIntSize(268_435_456));
        assertTrue(e.getMessage().contains("found: 268435456"), e.getMessage());
    }

    @Test
    void variableByteIntegerPrefixesAreIncomplete() {
        byte[] full = wire(0x80, 0x80, 0x80, 0x01);
        for (int n = 0; n < full.length; n++) {
            assertEquals(-1, MqttPrimitives.peekVarInt(buf(full), 0, n, "v"), "prefix of " + n);
        }
        assertEquals(2_097_152L | 4L << 32, MqttPrimitives.peekVarInt(buf(full), 0, 4, "v"));
    }

    @Test
    void variableByteIntegerOfFiveBytesIsMalformed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.peekVarInt(buf(wire(0xFF, 0xFF, 0xFF, 0xFF, 0x7F)), 0, 5, "remaining length"));
        assertEquals(0x81, e.reasonCode());
        assertTrue(e.getMessage().contains("longer than 4 bytes, found: 0xFF 0xFF 0xFF 0xFF"), e.getMessage());
        // Known from the fourth byte alone: no need to wait for a fifth.
        assertThrows(MqttDecodeException.class, () -> MqttPrimitives.peekVarInt(buf(wire(0x80, 0x80, 0x80, 0x80)), 0, 4, "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"80 00", "FF 00", "80 80 00", "FF FF 80 00", "80 80 80 00"})
    void variableByteIntegerNotInShortestFormIsMalformed(String hexBytes) {
        byte[] b = parseHex(hexBytes);
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readVarInt(buf(b), "property length"));
        assertEquals(0x81, e.reasonCode());
        assertTrue(e.getMessage().contains("MQTT-1.5.5-1"), e.getMessage());
        assertTrue(e.getMessage().contains("property length"), e.getMessage());
    }

    @Test
    void variableByteIntegerRunningPastThePacketIsMalformed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readVarInt(buf(wire(0x80, 0x80)), "subscription identifier"));
        assertEquals(0x81, e.reasonCode());
        assertTrue(e.getMessage().contains("subscription identifier runs past the end"), e.getMessage());
    }

    // ---- fixed-size fields

    @Test
    void fixedSizeIntegersAreBigEndianAndUnsigned() {
        ByteBuffer in = buf(wire(0xFF, 0xFE, 0xFF));
        assertEquals(255, MqttPrimitives.readByte(in, "b"));
        assertEquals(0xFEFF, MqttPrimitives.readUnsignedShort(in, "s"));
        ByteBuffer in4 = buf(wire(0xFF, 0xFF, 0xFF, 0xFE));
        assertEquals(0xFFFF_FFFEL, MqttPrimitives.readUnsignedInt(in4, "i"));
    }

    @Test
    void fixedSizeFieldsRunningPastThePacketAreMalformed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readUnsignedInt(buf(wire(1, 2, 3)), "MESSAGE_EXPIRY_INTERVAL"));
        assertEquals(0x81, e.reasonCode());
        assertEquals("MESSAGE_EXPIRY_INTERVAL needs 4 bytes but only 3 remain in the packet", e.getMessage());
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readPacketId(buf(wire(0, 0)), "PUBACK"));
        assertEquals(0x82, e.reasonCode());
        assertTrue(e.getMessage().contains("PUBACK packet identifier must not be 0"), e.getMessage());
        assertEquals(65535, MqttPrimitives.readPacketId(buf(wire(0xFF, 0xFF)), "PUBACK"));
    }

    // ---- UTF-8 strings

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "\u007F", "\u0080", "é", "\u07FF", "\u0800", "€", "\uD7FF", "\uE000", "\uFFFF",
        "\uD800\uDC00", "𝄞", "\uDBFF\uDFFF", "a/ü/€/𝄞", "\u0001\u001F\u009F"})
    void stringsRoundTripAsUtf8(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, MqttPrimitives.utf8Length(s, "s"));
        ByteBuffer b = ByteBuffer.allocate(2 + utf8.length);
        MqttPrimitives.putString(b, s);
        byte[] expected = new byte[2 + utf8.length];
        expected[0] = (byte) (utf8.length >> 8);
        expected[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, expected, 2, utf8.length);
        assertArrayEquals(expected, b.array());
        assertEquals(s, MqttPrimitives.readString(buf(expected), "s"));
        ByteBuffer direct = ByteBuffer.allocateDirect(expected.length).put(expected).flip();
        assertEquals(s, MqttPrimitives.readString(direct, "s"));
        assertEquals(expected.length, direct.position());
    }

    @Test
    void aByteOrderMarkIsKept() {
        // MQTT-1.5.4-3: U+FEFF must not be skipped or stripped.
        assertEquals("\uFEFFa", MqttPrimitives.readString(buf(wire(0, 4, 0xEF, 0xBB, 0xBF, 'a')), "s"));
    }

    @Test
    void randomStringsEncodeLikeTheJdk() {
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(20);
            for (int k = 0; k < n; k++) {
                int cp;
                do {
                    cp = switch (r.nextInt(4)) {
                        case 0 -> 1 + r.nextInt(0x7F);
                        case 1 -> 0x80 + r.nextInt(0x780);
                        case 2 -> 0x800 + r.nextInt(0xF800);
                        default -> 0x10000 + r.nextInt(0x100000);
                    };
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            ByteBuffer b = ByteBuffer.allocate(2 + 4 * s.length());
            MqttPrimitives.putString(b, s);
            byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(jdk.length, MqttPrimitives.utf8Length(s, "s"));
            assertEquals(jdk.length, b.position() - 2);
            assertArrayEquals(jdk, java.util.Arrays.copyOfRange(b.array(), 2, b.position()));
            assertEquals(s, MqttPrimitives.readString(b.flip(), "s"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"C0 80", "C1 BF", "E0 80 80", "E0 9F BF", "ED A0 80", "ED BF BF", "F0 80 80 80", "F0 8F BF BF",
        "F4 90 80 80", "F5 80 80 80", "F8 88 80 80 80", "FF", "FE", "80", "BF", "C3", "E2 82", "F0 9D 84", "C3 28", "E2 28 AC",
        "E2 82 28", "F0 28 8C BC", "61 C3", "61 ED B0 80"})
    void invalidUtf8IsMalformed(String hexBytes) {
        byte[] bad = parseHex(hexBytes);
        byte[] field = new byte[2 + bad.length];
        field[1] = (byte) bad.length;
        System.arraycopy(bad, 0, field, 2, bad.length);
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readString(buf(field), "topic name"));
        assertEquals(0x81, e.reasonCode());
        assertTrue(e.getMessage().startsWith("topic name is not valid UTF-8 (MQTT-1.5.4-1)"), e.getMessage());
    }

    @Test
    void nullCharacterIsMalformed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readString(buf(wire(0, 3, 'a', 0, 'b')), "client identifier"));
        assertEquals(0x81, e.reasonCode());
        assertEquals("client identifier must not contain U+0000 (MQTT-1.5.4-2), found at byte 1", e.getMessage());
    }

    @Test
    void stringLongerThanThePacketIsMalformedBeforeAnythingIsAllocated() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readString(buf(wire(0xFF, 0xFF, 'a', 'b')), "user name"));
        assertEquals(0x81, e.reasonCode());
        assertEquals("user name declares 65535 bytes but only 2 remain in the packet", e.getMessage());
        MqttDecodeException e2 = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readString(buf(wire(0)), "user name"));
        assertEquals("user name needs 2 bytes but only 1 remain in the packet", e2.getMessage());
    }

    @Test
    void binaryLongerThanThePacketIsMalformed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readBinary(buf(wire(0, 3, 1, 2)), "password"));
        assertEquals(0x81, e.reasonCode());
        assertEquals("password declares 3 bytes but only 2 remain in the packet", e.getMessage());
        assertArrayEquals(wire(1, 2), MqttPrimitives.readBinary(buf(wire(0, 2, 1, 2)), "password"));
    }

    /**
     * The validator against the JDK's strict decoder (which follows RFC 3629 as MQTT-1.5.4-1
     * demands) on every one- and two-byte sequence, every three-byte sequence, and four-byte
     * sequences around every boundary: both must agree on what is well-formed.
     */
    @Test
    void utf8ValidationAgreesWithTheJdkOnEveryShortSequence() {
        CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int checked = 0;
        for (int a = 0; a < 256; a++) {
            checked += agree(jdk, new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                checked += agree(jdk, new byte[] {(byte) a, (byte) b});
            }
        }
        for (int a = 0xE0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    checked += agree(jdk, new byte[] {(byte) a, (byte) b, (byte) c});
                }
            }
        }
        int[] edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        for (int a = 0xF0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : edges) {
                    for (int d : edges) {
                        checked += agree(jdk, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                    }
                }
            }
        }
        assertTrue(checked > 2_000_000, "sequences checked: " + checked);
    }

    private static final CharBuffer DECODED = CharBuffer.allocate(8);

    private static int agree(CharsetDecoder jdk, byte[] bytes) {
        DECODED.clear();
        CoderResult result = jdk.reset().decode(ByteBuffer.wrap(bytes), DECODED, true);
        boolean jdkOk = !result.isError() && !jdk.flush(DECODED).isError();
        for (int i = 0; jdkOk && i < DECODED.position(); i++) {
            jdkOk = DECODED.get(i) != 0; // MQTT-1.5.4-2 on top of RFC 3629
        }
        boolean ours;
        try {
            MqttPrimitives.checkUtf8(ByteBuffer.wrap(bytes), 0, bytes.length, "s");
            ours = true;
        } catch (MqttDecodeException e) {
            assertEquals(0x81, e.reasonCode());
            ours = false;
        }
        if (ours != jdkOk) {
            throw new AssertionError(hex(bytes) + ": ours " + ours + ", JDK " + jdkOk);
        }
        return 1;
    }

    // ---- encoding checks

    @Test
    void encodingRefusesTheNullCharacter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MqttPrimitives.utf8Length("a\u0000", "topic"));
        assertEquals("topic must not contain U+0000 (MQTT-1.5.4-2), found at index 1", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "a\uD800", "\uD800a", "\uDC00", "\uDC00\uD800", "x\uDFFFy"})
    void encodingRefusesUnpairedSurrogates(String s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MqttPrimitives.utf8Length(s, "topic"));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
    }

    @Test
    void encodingRefusesStringsOver65535Utf8Bytes() {
        assertEquals(65_535, MqttPrimitives.utf8Length("a".repeat(65_535), "s"));
        assertEquals(65_535, MqttPrimitives.utf8Length("€".repeat(21_845), "s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MqttPrimitives.utf8Length("€".repeat(21_846), "CONNECT user name"));
        assertEquals("CONNECT user name must be at most 65535 UTF-8 bytes, found: 65538", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MqttPrimitives.utf8Length("a".repeat(65_536), "s"));
    }

    @Test
    void encodingRefusesBinaryDataOver65535Bytes() {
        assertEquals(65_537, MqttPrimitives.binarySize(new byte[65_535], "b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MqttPrimitives.binarySize(new byte[65_536], "CONNECT password"));
        assertEquals("CONNECT password must be at most 65535 bytes, found: 65536", e.getMessage());
    }

    @Test
    void stringOfMaximumLengthRoundTrips() {
        String s = "ü".repeat(32_767) + "a";
        ByteBuffer b = ByteBuffer.allocate(2 + 65_535);
        MqttPrimitives.putString(b, s);
        assertEquals(0xFF, b.get(0) & 0xFF);
        assertEquals(0xFF, b.get(1) & 0xFF);
        assertEquals(s, MqttPrimitives.readString(b.flip(), "s"));
    }

    // ---- topics

    @Test
    void topicNamesWithWildcardsAreAProtocolError() {
        for (String t : new String[] {"a/+", "#", "a/#/b", "sport+"}) {
            byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
            ByteBuffer in = ByteBuffer.allocate(2 + utf8.length).putShort((short) utf8.length).put(utf8).flip();
            MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readTopicName(in, "PUBLISH topic name", false));
            assertEquals(0x82, e.reasonCode());
            assertEquals("PUBLISH topic name must not contain wildcards (MQTT-3.3.2-2), found: " + t, e.getMessage());
        }
    }

    @Test
    void emptyTopicNameIsAProtocolErrorUnlessAllowed() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readTopicName(buf(wire(0, 0)), "will topic", false));
        assertEquals(0x82, e.reasonCode());
        assertTrue(e.getMessage().contains("MQTT-4.7.3-1"), e.getMessage());
        assertEquals("", MqttPrimitives.readTopicName(buf(wire(0, 0)), "PUBLISH topic name", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "a+/b", "#x", "$share/+/a", "$share/g"})
    void invalidTopicFiltersAreAProtocolError(String filter) {
        byte[] utf8 = filter.getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(2 + utf8.length).putShort((short) utf8.length).put(utf8).flip();
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> MqttPrimitives.readTopicFilter(in, "SUBSCRIBE topic filter"));
        assertEquals(0x82, e.reasonCode());
        assertTrue(e.getMessage().startsWith("SUBSCRIBE topic filter: "), e.getMessage());
        assertTrue(e.getMessage().contains(filter), e.getMessage());
    }

    @Test
    void emptyTopicFilterIsAProtocolError() {
        MqttDecodeException e = assertThrows(MqttDecodeException.class,
                () -> MqttPrimitives.readTopicFilter(buf(wire(0, 0)), "UNSUBSCRIBE topic filter"));
        assertEquals(0x82, e.reasonCode());
        assertTrue(e.getMessage().contains("MQTT-4.7.3-1"), e.getMessage());
    }

    static byte[] parseHex(String hexBytes) {
        String[] parts = hexBytes.split(" ");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
