package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Auth;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

/** AUTH (§3.15). */
class Mqtt5AuthCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void successWithoutPropertiesIsEmpty() {
        assertWire(CODEC, new Auth(0, Properties.EMPTY), wire(0xF0, 0x00));
    }

    @Test
    void continueAuthenticationHasTheSpecifiedBytes() {
        assertWire(CODEC, new Auth(0x18, Properties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM")
                .binary(PropertyId.AUTHENTICATION_DATA, wire(1, 2)).build()),
                wire(0xF0, 0x0F, 0x18, 0x0D, 0x15, 0x00, 0x05, "SCRAM", 0x16, 0x00, 0x02, 0x01, 0x02));
    }

    @Test
    void aReasonCodeWithoutPropertiesKeepsThePropertyLength() {
        assertWire(CODEC, new Auth(0x19, Properties.EMPTY), wire(0xF0, 0x02, 0x19, 0x00));
        assertWire(CODEC, new Auth(0, Properties.builder().string(PropertyId.REASON_STRING, "r").build()),
                wire(0xF0, 0x06, 0x00, 0x04, 0x1F, 0x00, 0x01, "r"));
    }

    /** §3.15.2.1 allows leaving out both the reason code and the property length, never only the latter. */
    @Test
    void aReasonCodeAloneIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xF0, 0x01, 0x18), "AUTH properties: property length runs past the end");
    }

    @Test
    void encodingRefusesOtherReasonCodes() {
        assertEncodeFails(CODEC, new Auth(0x87, Properties.EMPTY), "AUTH reason code must be one of 0x00, 0x18, 0x19, found: 0x87");
    }

    @Test
    void reasonCodesOutsideTheAuthTableAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xF0, 0x02, 0x01, 0x00), "AUTH reason code must be one of 0x00, 0x18, 0x19, found: 0x01");
    }

    @Test
    void propertiesOfOtherPacketsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xF0, 0x07, 0x18, 0x05, 0x11, 0, 0, 0, 1), "SESSION_EXPIRY_INTERVAL (0x11) is not allowed in AUTH");
    }

    @Test
    void fixedHeaderFlagsMustBeZero() {
        assertDecodeFails(CODEC, 0x81, wire(0xF2, 0x00), "AUTH fixed-header flags must be 0b0000", "found: 0b0010");
    }
}
