package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.NO_LIMIT;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.v311.Mqtt311Codec;
import dev.spindle.mqtt.internal.codec.v5.Mqtt5Codec;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Pingreq;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fixed header, alike in both versions: type, flags, remaining length, size limit. */
class FixedHeaderTest {
    private static MqttCodec codec(MqttVersion v) {
        return MqttCodec.of(v);
    }

    @Test
    void ofReturnsTheCodecOfEachVersion() {
        assertSame(Mqtt311Codec.INSTANCE, MqttCodec.of(MqttVersion.V3_1_1));
        assertSame(Mqtt5Codec.INSTANCE, MqttCodec.of(MqttVersion.V5));
        assertEquals(MqttVersion.V3_1_1, MqttCodec.of(MqttVersion.V3_1_1).version());
        assertEquals(MqttVersion.V5, MqttCodec.of(MqttVersion.V5).version());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void emptyInputIsIncomplete(MqttVersion v) {
        ByteBuffer in = ByteBuffer.allocate(0);
        assertNull(codec(v).decode(in, NO_LIMIT));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reservedPacketTypeZeroIsMalformedFromTheFirstByte(MqttVersion v) {
        assertDecodeFails(codec(v), 0x81, wire(0x00), "packet type 0 is reserved", "found first byte 0x00");
        assertDecodeFails(codec(v), 0x81, wire(0x02, 0x00), "found first byte 0x02");
    }

    @Test
    void authIsMalformedOnMqtt311FromTheFirstByte() {
        assertDecodeFails(codec(MqttVersion.V3_1_1), 0x81, wire(0xF0), "packet type 15 (AUTH) does not exist in MQTT 3.1.1");
        assertDecodeFails(codec(MqttVersion.V3_1_1), 0x81, wire(0xF0, 0x00), "found first byte 0xF0");
    }

    /** MQTT-2.2.2-1/2 (3.1.1 §2.2.2, 5.0 §2.1.3): every value other than the one in the table is malformed. */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reservedFlagsMustHaveTheirFixedValue(MqttVersion v) {
        int checked = 0;
        for (PacketType t : PacketType.values()) {
            if (t == PacketType.PUBLISH || t == PacketType.AUTH && v == MqttVersion.V3_1_1) {
                continue;
            }
            int expected = t == PacketType.PUBREL || t == PacketType.SUBSCRIBE || t == PacketType.UNSUBSCRIBE ? 2 : 0;
            for (int flags = 0; flags < 16; flags++) {
                if (flags != expected) {
                    // Refused from the first byte: the remaining length is not even there yet.
                    assertDecodeFails(codec(v), 0x81, wire(t.code() << 4 | flags), t + " fixed-header flags must be 0b"
                            + (expected == 2 ? "0010" : "0000"), "(MQTT-2.2.2-1), found: 0b");
                    checked++;
                }
            }
        }
        assertEquals(15 * (v == MqttVersion.V5 ? 14 : 13), checked);
    }

    @Test
    void flagsAreNamedInBinary() {
        assertDecodeFails(codec(MqttVersion.V5), 0x81, wire(0x60, 0x02, 0x00, 0x01), "PUBREL fixed-header flags must be 0b0010",
                "found: 0b0000");
        assertDecodeFails(codec(MqttVersion.V3_1_1), 0x81, wire(0x8B, 0x00), "SUBSCRIBE", "found: 0b1011");
        assertDecodeFails(codec(MqttVersion.V3_1_1), 0x81, wire(0xC1, 0x00), "PINGREQ", "found: 0b0001");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void publishQos3IsMalformedFromTheFirstByte(MqttVersion v) {
        assertDecodeFails(codec(v), 0x81, wire(0x36), "PUBLISH QoS must be 0, 1 or 2 (MQTT-3.3.1-4), found: 3");
        assertDecodeFails(codec(v), 0x81, wire(0x3F, 0x05, 0, 1, 'a', 0, 1), "found: 3");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void publishDupWithQos0IsAProtocolError(MqttVersion v) {
        assertDecodeFails(codec(v), 0x82, wire(0x38), "PUBLISH DUP must be 0 with QoS 0 (MQTT-3.3.1-2)");
        assertDecodeFails(codec(v), 0x82, wire(0x39, 0x03, 0, 1, 'a'), "DUP");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void remainingLengthOfFiveBytesIsMalformed(MqttVersion v) {
        assertDecodeFails(codec(v), 0x81, wire(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "remaining length is longer than 4 bytes");
        // Known as soon as the fourth byte shows a continuation bit.
        assertDecodeFails(codec(v), 0x81, wire(0xC0, 0x80, 0x80, 0x80, 0x80), "longer than 4 bytes");
    }

    /**
     * MQTT 5.0 MQTT-1.5.5-1 requires the shortest form; 3.1.1 §2.2.3 defines the same encoding
     * through an algorithm that only produces it. Both codecs refuse longer forms as malformed:
     * no real server sends them, and accepting them would let one packet have several encodings.
     */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void remainingLengthNotInShortestFormIsMalformed(MqttVersion v) {
        assertDecodeFails(codec(v), 0x81, wire(0xC0, 0x80, 0x00), "remaining length must use the fewest bytes (MQTT-1.5.5-1)",
                "found: 0x80 0x00");
        assertDecodeFails(codec(v), 0x81, wire(0x40, 0x82, 0x80, 0x00, 0, 1), "found: 0x82 0x80 0x00");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void partialRemainingLengthIsIncomplete(MqttVersion v) {
        for (byte[] partial : List.of(wire(0x30), wire(0x30, 0x80), wire(0x30, 0xFF, 0xFF), wire(0x30, 0xFF, 0xFF, 0xFF))) {
            ByteBuffer in = ByteBuffer.wrap(partial);
            assertNull(codec(v).decode(in, NO_LIMIT));
            assertEquals(0, in.position());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void packetOverTheMaximumIsRefusedFromTheFixedHeaderAlone(MqttVersion v) {
        // Remaining length 268,435,455: 268,435,460 bytes in all; only the five header bytes are here.
        ByteBuffer in = ByteBuffer.wrap(wire(0x30, 0xFF, 0xFF, 0xFF, 0x7F));
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> codec(v).decode(in, 1 << 20));
        assertEquals(0x95, e.reasonCode());
        assertEquals("PUBLISH of 268435460 bytes is larger than the maximum packet size 1048576", e.getMessage());
        assertEquals(0, e.getStackTrace().length);

        // Remaining length 128: 131 bytes in all.
        byte[] header = wire(0x30, 0x80, 0x01);
        MqttDecodeException tooLarge = assertThrows(MqttDecodeException.class, () -> codec(v).decode(ByteBuffer.wrap(header), 130));
        assertEquals(0x95, tooLarge.reasonCode());
        ByteBuffer fits = ByteBuffer.wrap(header);
        assertNull(codec(v).decode(fits, 131), "exactly the maximum is allowed; the body is still missing");
        assertEquals(0, fits.position());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void hugeDeclaredLengthWithoutALimitWaitsWithoutAllocating(MqttVersion v) {
        ByteBuffer in = ByteBuffer.wrap(wire(0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, 'a'));
        assertNull(codec(v).decode(in, NO_LIMIT));
        assertEquals(0, in.position());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void bytesAfterTheLastFieldAreMalformed(MqttVersion v) {
        assertDecodeFails(codec(v), 0x81, wire(0xC0, 0x01, 0x00), "PINGREQ has 1 bytes after its last field (remaining length 1)");
        assertDecodeFails(codec(v), 0x81, wire(0xD0, 0x02, 0x00, 0x00), "PINGRESP has 2 bytes after its last field");
        assertDecodeFails(codec(v), 0x81, wire(0x62, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00), "PUBREL has");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void fieldsRunningPastTheRemainingLengthAreMalformed(MqttVersion v) {
        // A PUBACK whose remaining length (1) cuts its packet identifier; the next byte belongs to what follows.
        assertDecodeFails(codec(v), 0x81, wire(0x40, 0x01, 0x00, 0x07), "PUBACK packet identifier needs 2 bytes but only 1 remain");
        // A PUBLISH whose topic length runs past the remaining length.
        assertDecodeFails(codec(v), 0x81, wire(0x30, 0x04, 0x00, 0x05, 'a', 'b', 'c', 'd', 'e'),
                "PUBLISH topic name declares 5 bytes but only 2 remain in the packet");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void pingsDecode(MqttVersion v) {
        ByteBuffer in = ByteBuffer.wrap(wire(0xC0, 0x00, 0xD0, 0x00));
        assertSame(Pingreq.INSTANCE, codec(v).decode(in, 2));
        assertEquals(PacketType.PINGRESP, codec(v).decode(in, 2).type());
        assertNull(codec(v).decode(in, 2));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void maximumPacketSizeBelowTwoIsRefused(MqttVersion v) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec(v).decode(ByteBuffer.wrap(wire(0xC0, 0x00)), 1));
        assertTrue(e.getMessage().contains("found: 1"), e.getMessage());
    }
}
