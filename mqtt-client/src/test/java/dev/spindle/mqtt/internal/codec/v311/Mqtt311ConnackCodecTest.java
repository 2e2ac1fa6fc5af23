package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

class Mqtt311ConnackCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void acceptedWithSessionPresentHasTheSpecifiedBytes() {
        assertWire(CODEC, new Connack(true, 0, Properties.EMPTY), wire(0x20, 0x02, 0x01, 0x00));
    }

    @Test
    void everyReturnCodeRoundTrips() {
        for (int code = 0; code <= 5; code++) {
            assertWire(CODEC, new Connack(false, code, Properties.EMPTY), wire(0x20, 0x02, 0x00, code));
        }
    }

    @Test
    void mqtt5PropertiesAreNotSent() {
        assertArrayEquals(wire(0x20, 0x02, 0x00, 0x00), toArray(CODEC.encode(new Connack(false, 0,
                Properties.builder().number(PropertyId.RECEIVE_MAXIMUM, 5).build()))));
    }

    @Test
    void encodingRefusesReservedReturnCodesAndSessionPresentOnFailure() {
        assertEncodeFails(CODEC, new Connack(false, 6, Properties.EMPTY), "return code must be 0..5, found: 6");
        assertEncodeFails(CODEC, new Connack(false, 0x87, Properties.EMPTY), "found: 135");
        assertEncodeFails(CODEC, new Connack(true, 5, Properties.EMPTY), "session present must be false with a non-zero code");
    }

    @Test
    void reservedAcknowledgeFlagsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0x02, 0x00), "CONNACK acknowledge flags bits 7-1 are reserved", "found: 0x02");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0x80, 0x00), "found: 0x80");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0xFF, 0x00), "found: 0xFF");
    }

    @Test
    void reservedReturnCodesAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0x00, 0x06), "CONNACK return code must be 0..5 (MQTT 3.1.1 §3.2.2.3), found: 6");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x02, 0x00, 0x80), "found: 128");
    }

    @Test
    void sessionPresentWithAFailureIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x20, 0x02, 0x01, 0x05), "session present must be 0 with a non-zero code (MQTT-3.2.2-4)",
                "found code 0x05");
    }

    @Test
    void wrongLengthIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x01, 0x00), "CONNACK return code needs 1 bytes but only 0 remain");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x03, 0x00, 0x00, 0x00), "CONNACK has 1 bytes after its last field");
        assertDecodeFails(CODEC, 0x81, wire(0x20, 0x00), "CONNACK acknowledge flags needs 1 bytes");
    }
}
