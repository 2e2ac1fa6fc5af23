package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.decodeOne;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

/** DISCONNECT (§3.14) and its short forms (§3.14.2.1: remaining length 0 or 1). */
class Mqtt5DisconnectCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void normalDisconnectionIsEmpty() {
        assertWire(CODEC, Disconnect.NORMAL, wire(0xE0, 0x00));
    }

    @Test
    void aReasonCodeWithoutPropertiesIsOneByte() {
        assertWire(CODEC, new Disconnect(0x04, Properties.EMPTY), wire(0xE0, 0x01, 0x04));
    }

    @Test
    void propertiesComeAfterTheReasonCode() {
        assertWire(CODEC, new Disconnect(0x8B, Properties.builder().string(PropertyId.REASON_STRING, "bye").build()),
                wire(0xE0, 0x08, 0x8B, 0x06, 0x1F, 0x00, 0x03, "bye"));
        assertWire(CODEC, new Disconnect(0, Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 0).build()),
                wire(0xE0, 0x07, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00));
    }

    @Test
    void longerFormsOfNormalDisconnectionDecodeToTheShortOne() {
        assertEquals(Disconnect.NORMAL, decodeOne(CODEC, wire(0xE0, 0x01, 0x00)));
        assertEquals(Disconnect.NORMAL, decodeOne(CODEC, wire(0xE0, 0x02, 0x00, 0x00)));
    }

    @Test
    void encodingRefusesOtherReasonCodesAndProperties() {
        assertEncodeFails(CODEC, new Disconnect(0x10, Properties.EMPTY), "DISCONNECT reason code must be one of", "found: 0x10");
        assertEncodeFails(CODEC, new Disconnect(0, Properties.builder().string(PropertyId.AUTHENTICATION_METHOD, "m").build()),
                "AUTHENTICATION_METHOD cannot be sent in DISCONNECT");
    }

    @Test
    void reasonCodesOutsideTheDisconnectTableAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xE0, 0x01, 0x10), "DISCONNECT reason code must be one of", "found: 0x10");
        // 0x84 (unsupported protocol version) is a CONNACK code only.
        assertDecodeFails(CODEC, 0x81, wire(0xE0, 0x01, 0x84), "found: 0x84");
    }

    @Test
    void propertyRulesApply() {
        assertDecodeFails(CODEC, 0x81, wire(0xE0, 0x05, 0x8B, 0x03, 0x15, 0x00, 0x00), "AUTHENTICATION_METHOD (0x15) is not allowed in DISCONNECT");
        assertDecodeFails(CODEC, 0x82, wire(0xE0, 0x0C, 0x8B, 0x0A, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2),
                "DISCONNECT properties: SESSION_EXPIRY_INTERVAL appears more than once");
        assertDecodeFails(CODEC, 0x81, wire(0xE0, 0x03, 0x8B, 0x05, 0x11), "property length 5 runs past the packet");
    }
}
