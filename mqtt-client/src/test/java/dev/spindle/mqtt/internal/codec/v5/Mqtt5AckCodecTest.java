package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.decodeOne;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

/** PUBACK, PUBREC, PUBREL, PUBCOMP: §3.4 to §3.7 and their short forms (§3.4.2.1). */
class Mqtt5AckCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void successWithoutPropertiesUsesTheTwoByteForm() {
        assertWire(CODEC, Ack.of(PacketType.PUBACK, 7), wire(0x40, 0x02, 0x00, 0x07));
        assertWire(CODEC, Ack.of(PacketType.PUBREC, 7), wire(0x50, 0x02, 0x00, 0x07));
        assertWire(CODEC, Ack.of(PacketType.PUBREL, 7), wire(0x62, 0x02, 0x00, 0x07));
        assertWire(CODEC, Ack.of(PacketType.PUBCOMP, 7), wire(0x70, 0x02, 0x00, 0x07));
    }

    @Test
    void aReasonCodeWithoutPropertiesOmitsThePropertyLength() {
        assertWire(CODEC, new Ack(PacketType.PUBACK, 7, 0x10, Properties.EMPTY), wire(0x40, 0x03, 0x00, 0x07, 0x10));
        assertWire(CODEC, new Ack(PacketType.PUBREL, 7, 0x92, Properties.EMPTY), wire(0x62, 0x03, 0x00, 0x07, 0x92));
    }

    @Test
    void propertiesComeAfterTheReasonCode() {
        assertWire(CODEC, new Ack(PacketType.PUBACK, 7, 0x10, Properties.builder().string(PropertyId.REASON_STRING, "x").build()),
                wire(0x40, 0x08, 0x00, 0x07, 0x10, 0x04, 0x1F, 0x00, 0x01, "x"));
        // Success with properties: the reason code 0 must then be written.
        assertWire(CODEC, new Ack(PacketType.PUBCOMP, 7, 0, Properties.builder().string(PropertyId.REASON_STRING, "").build()),
                wire(0x70, 0x07, 0x00, 0x07, 0x00, 0x03, 0x1F, 0x00, 0x00));
    }

    @Test
    void longerFormsOfSuccessDecodeToTheShortOne() {
        assertEquals(Ack.of(PacketType.PUBACK, 7), decodeOne(CODEC, wire(0x40, 0x03, 0x00, 0x07, 0x00)));
        assertEquals(Ack.of(PacketType.PUBACK, 7), decodeOne(CODEC, wire(0x40, 0x04, 0x00, 0x07, 0x00, 0x00)));
        assertEquals(Ack.of(PacketType.PUBREL, 7), decodeOne(CODEC, wire(0x62, 0x04, 0x00, 0x07, 0x00, 0x00)));
    }

    @Test
    void encodingRefusesReasonCodesOfOtherAcknowledgements() {
        assertEncodeFails(CODEC, new Ack(PacketType.PUBREL, 7, 0x10, Properties.EMPTY), "PUBREL reason code must be one of 0x00, 0x92, found: 0x10");
        assertEncodeFails(CODEC, new Ack(PacketType.PUBACK, 7, 0x92, Properties.EMPTY), "PUBACK reason code must be one of", "found: 0x92");
        assertEncodeFails(CODEC, new Ack(PacketType.PUBREC, 7, 0, Properties.builder().number(PropertyId.TOPIC_ALIAS, 1).build()),
                "TOPIC_ALIAS cannot be sent in PUBREC");
    }

    @Test
    void reasonCodesOfOtherAcknowledgementsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x40, 0x03, 0x00, 0x07, 0x92),
                "PUBACK reason code must be one of 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99, found: 0x92");
        assertDecodeFails(CODEC, 0x81, wire(0x70, 0x03, 0x00, 0x07, 0x10), "PUBCOMP reason code must be one of 0x00, 0x92, found: 0x10");
        assertDecodeFails(CODEC, 0x81, wire(0x62, 0x03, 0x00, 0x07, 0x80), "PUBREL reason code", "found: 0x80");
    }

    @Test
    void propertyRulesApply() {
        assertDecodeFails(CODEC, 0x82, wire(0x40, 0x0A, 0x00, 0x07, 0x10, 0x06, 0x1F, 0x00, 0x00, 0x1F, 0x00, 0x00),
                "PUBACK properties: REASON_STRING appears more than once");
        assertDecodeFails(CODEC, 0x81, wire(0x50, 0x07, 0x00, 0x07, 0x10, 0x03, 0x1C, 0x00, 0x00),
                "PUBREC properties: SERVER_REFERENCE (0x1C) is not allowed in PUBREC");
        assertDecodeFails(CODEC, 0x81, wire(0x40, 0x05, 0x00, 0x07, 0x10, 0x04, 0x1F), "property length 4 runs past the packet");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x40, 0x02, 0x00, 0x00), "PUBACK packet identifier must not be 0");
    }

    @Test
    void shortPacketIdentifierIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x70, 0x01, 0x07), "PUBCOMP packet identifier needs 2 bytes but only 1 remain");
    }
}
