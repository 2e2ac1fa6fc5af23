package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Suback;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt5SubackCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void subackHasTheSpecifiedBytes() {
        assertWire(CODEC, new Suback(1, List.of(0xA2), Properties.EMPTY), wire(0x90, 0x04, 0x00, 0x01, 0x00, 0xA2));
        assertWire(CODEC, new Suback(1, List.of(0, 0x80), Properties.builder().string(PropertyId.REASON_STRING, "x").build()),
                wire(0x90, 0x09, 0x00, 0x01, 0x04, 0x1F, 0x00, 0x01, "x", 0x00, 0x80));
    }

    @Test
    void encodingRefusesOtherReasonCodesAndEmptyLists() {
        assertEncodeFails(CODEC, new Suback(1, List.of(0x11), Properties.EMPTY), "SUBACK reason code must be one of", "found: 0x11");
        assertEncodeFails(CODEC, new Suback(1, List.of(), Properties.EMPTY), "SUBACK needs at least one reason code");
    }

    @Test
    void reasonCodesOutsideTheSubackTableAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x90, 0x05, 0x00, 0x01, 0x00, 0x00, 0x03), "SUBACK reason code must be one of", "found: 0x03");
        assertDecodeFails(CODEC, 0x81, wire(0x90, 0x04, 0x00, 0x01, 0x00, 0x11), "found: 0x11");
    }

    @Test
    void noReasonCodeIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x90, 0x03, 0x00, 0x01, 0x00), "SUBACK must carry at least one reason code");
    }

    @Test
    void a311ShapedSubackIsMalformed() {
        // 3.1.1's 90 03 00 01 01: the granted QoS 1 is read as a property length of 1 with nothing after it.
        assertDecodeFails(CODEC, 0x81, wire(0x90, 0x03, 0x00, 0x01, 0x01), "SUBACK properties: property length 1 runs past the packet");
    }

    @Test
    void propertiesOfOtherPacketsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x90, 0x06, 0x00, 0x01, 0x02, 0x0B, 0x01, 0x00), "SUBSCRIPTION_IDENTIFIER (0x0B) is not allowed in SUBACK");
    }
}
