package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Auth;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Pingreq;
import dev.spindle.mqtt.internal.packet.Pingresp;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import org.junit.jupiter.api.Test;

/** PINGREQ, PINGRESP and DISCONNECT, which have no body in 3.1.1, and AUTH, which does not exist. */
class Mqtt311EmptyPacketsTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void emptyPacketsHaveTheSpecifiedBytes() {
        assertWire(CODEC, Pingreq.INSTANCE, wire(0xC0, 0x00));
        assertWire(CODEC, Pingresp.INSTANCE, wire(0xD0, 0x00));
        assertWire(CODEC, Disconnect.NORMAL, wire(0xE0, 0x00));
    }

    @Test
    void disconnectReasonCodeAndPropertiesAreNotSent() {
        Disconnect d = new Disconnect(0x8B, Properties.builder().string(PropertyId.REASON_STRING, "bye").build());
        assertArrayEquals(wire(0xE0, 0x00), toArray(CODEC.encode(d)));
    }

    @Test
    void anyBodyIsMalformed() {
        // An MQTT 5 DISCONNECT with a reason code is malformed on a 3.1.1 connection.
        assertDecodeFails(CODEC, 0x81, wire(0xE0, 0x01, 0x8B), "DISCONNECT has 1 bytes after its last field");
        assertDecodeFails(CODEC, 0x81, wire(0xC0, 0x01, 0x00), "PINGREQ has 1 bytes");
        assertDecodeFails(CODEC, 0x81, wire(0xD0, 0x01, 0x00), "PINGRESP has 1 bytes");
    }

    @Test
    void authCannotBeEncoded() {
        assertEncodeFails(CODEC, new Auth(0, Properties.EMPTY), "AUTH cannot be sent with MQTT 3.1.1");
        assertEncodeFails(CODEC, new Auth(0x18, Properties.builder().string(PropertyId.AUTHENTICATION_METHOD, "m").build()), "AUTH");
    }

    @Test
    void authIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xF0, 0x00), "packet type 15 (AUTH) does not exist in MQTT 3.1.1");
    }
}
