package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

class Mqtt5ConnackCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void successWithoutPropertiesHasTheSpecifiedBytes() {
        // §3.2.2: the property length is always there, even when 0.
        assertWire(CODEC, new Connack(false, 0, Properties.EMPTY), wire(0x20, 0x03, 0x00, 0x00, 0x00));
    }

    @Test
    void successWithPropertiesHasTheSpecifiedBytes() {
        Connack c = new Connack(true, 0, Properties.builder().number(PropertyId.MAXIMUM_QOS, 1)
                .string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, "id").number(PropertyId.TOPIC_ALIAS_MAXIMUM, 10).build());
        assertWire(CODEC, c, wire(0x20, 0x0D, 0x01, 0x00, 0x0A, 0x24, 0x01, 0x12, 0x00, 0x02, "id", 0x22, 0x00, 0x0A));
    }

    @Test
    void refusalHasTheSpecifiedBytes() {
        assertWire(CODEC, new Connack(false, 0x87, Properties.EMPTY), wire(0x20, 0x03, 0x00, 0x87, 0x00));
    }

    @Test
    void encodingRefusesWhatCannotBeSent() {
        assertEncodeFails(CODEC, new Connack(false, 0x05, Properties.EMPTY), "CONNACK reason code must be one of 0x00, 0x80", "found: 0x05");
        assertEncodeFails(CODEC, new Connack(true, 0x87, Properties.EMPTY), "session present must be false with a non-zero code");
        assertEncodeFails(CODEC, new Connack(false, 0, Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).build()),
                "SUBSCRIPTION_IDENTIFIER cannot be sent in CONNACK");
    }

    @Test
    void a311ShapedConnackIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0x00, 0x00), "CONNACK properties: property length runs past the end");
    }

    @Test
    void reasonCodesOutsideTheConnackTableAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x03, 0x00, 0x05, 0x00), "CONNACK reason code must be one of", "found: 0x05");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x03, 0x00, 0x8B, 0x00), "found: 0x8B");
    }

    @Test
    void reservedAcknowledgeFlagsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x03, 0xFE, 0x00, 0x00), "CONNACK acknowledge flags bits 7-1 are reserved", "found: 0xFE");
    }

    @Test
    void sessionPresentWithAFailureIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x03, 0x01, 0x80, 0x00), "session present must be 0 with a non-zero code",
                "found code 0x80");
    }

    @Test
    void invalidServerCapabilitiesAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02), "CONNACK properties: MAXIMUM_QOS must be 0 or 1, found: 2");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02), "RETAIN_AVAILABLE must be 0 or 1, found: 2");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x28, 0x07), "WILDCARD_SUBSCRIPTION_AVAILABLE must be 0 or 1");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x29, 0x02), "SUBSCRIPTION_IDENTIFIER_AVAILABLE must be 0 or 1");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x2A, 0xFF), "SHARED_SUBSCRIPTION_AVAILABLE must be 0 or 1");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00), "RECEIVE_MAXIMUM must not be 0");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x08, 0x00, 0x00, 0x05, 0x27, 0x00, 0x00, 0x00, 0x00), "MAXIMUM_PACKET_SIZE must not be 0");
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x09, 0x00, 0x00, 0x06, 0x1F, 0x00, 0x00, 0x1F, 0x00, 0x00),
                "REASON_STRING appears more than once");
    }

    @Test
    void unknownOrMisplacedPropertiesAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x05, 0x00, 0x00, 0x02, 0x2B, 0x00), "unknown property identifier 0x2B");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x08, 0x00, 0x00, 0x05, 0x18, 0x00, 0x00, 0x00, 0x01),
                "WILL_DELAY_INTERVAL (0x18) is not allowed in CONNACK");
    }

    @Test
    void propertyLengthBeyondThePacketIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x05, 0x00, 0x00, 0x09, 0x24, 0x01), "property length 9 runs past the packet: only 2 bytes remain");
    }
}
