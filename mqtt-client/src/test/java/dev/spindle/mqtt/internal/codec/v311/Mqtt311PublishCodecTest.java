package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertRoundTrip;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.codec.SamplePackets;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import org.junit.jupiter.api.Test;

class Mqtt311PublishCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    private static Publish publish(String topic, Qos qos, boolean retain, boolean dup, int id, byte[] payload) {
        return new Publish(topic, qos, retain, dup, id, payload, Properties.EMPTY);
    }

    @Test
    void qos0HasTheSpecifiedBytes() {
        // §3.3: no packet identifier at QoS 0; the payload is the rest of the packet.
        assertWire(CODEC, publish("a/b", Qos.AT_MOST_ONCE, false, false, 0, wire("hi")),
                wire(0x30, 0x07, 0x00, 0x03, "a/b", "hi"));
    }

    @Test
    void qos1WithRetainAndDupHasTheSpecifiedBytes() {
        // First byte 0x3B: type 3, DUP, QoS 1, RETAIN.
        assertWire(CODEC, publish("a/b", Qos.AT_LEAST_ONCE, true, true, 10, wire("hi")),
                wire(0x3B, 0x09, 0x00, 0x03, "a/b", 0x00, 0x0A, "hi"));
    }

    @Test
    void qos2WithoutPayloadHasTheSpecifiedBytes() {
        assertWire(CODEC, publish("x", Qos.EXACTLY_ONCE, false, false, 0x1234, wire()), wire(0x34, 0x05, 0x00, 0x01, "x", 0x12, 0x34));
    }

    @Test
    void largePayloadsNeedLongerRemainingLengths() {
        assertRoundTrip(CODEC, publish("t", Qos.AT_LEAST_ONCE, false, false, 1, SamplePackets.payload(127 - 5)));
        assertRoundTrip(CODEC, publish("t", Qos.AT_LEAST_ONCE, false, false, 1, SamplePackets.payload(128 - 5)));
        assertRoundTrip(CODEC, publish("t", Qos.AT_MOST_ONCE, false, false, 0, SamplePackets.payload(16_384)));
        assertRoundTrip(CODEC, publish("t", Qos.AT_MOST_ONCE, false, false, 0, SamplePackets.payload(2_097_152)));
    }

    @Test
    void mqtt5PropertiesAreNotSent() {
        Publish p = new Publish("a", Qos.AT_MOST_ONCE, false, false, 0, wire(1), Properties.builder()
                .number(PropertyId.MESSAGE_EXPIRY_INTERVAL, 9).build());
        assertArrayEquals(wire(0x30, 0x04, 0x00, 0x01, "a", 1), toArray(CODEC.encode(p)));
    }

    @Test
    void encodingRefusesTopicsThatAreNotTopicNames() {
        // No topic aliases in 3.1.1: the topic is always there.
        assertEncodeFails(CODEC, publish("", Qos.AT_MOST_ONCE, false, false, 0, wire()), "PUBLISH topic name must not be empty");
        assertEncodeFails(CODEC, publish("a/+", Qos.AT_MOST_ONCE, false, false, 0, wire()), "must not contain wildcards", "found: a/+");
        assertEncodeFails(CODEC, publish("x".repeat(65_536), Qos.AT_MOST_ONCE, false, false, 0, wire()),
                "PUBLISH topic name must be at most 65535 UTF-8 bytes");
        assertEncodeFails(CODEC, publish("a\u0000", Qos.AT_MOST_ONCE, false, false, 0, wire()), "U+0000");
    }

    @Test
    void topicWithWildcardIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 3, "a/#"), "PUBLISH topic name must not contain wildcards (MQTT-3.3.2-2), found: a/#");
        assertDecodeFails(CODEC, 0x82, framed(0x32, 0, 1, "+", 0, 1), "found: +");
    }

    @Test
    void emptyTopicIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 0, "payload"), "PUBLISH topic name must not be empty (MQTT-4.7.3-1)");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x32, 0, 1, "a", 0, 0), "PUBLISH packet identifier must not be 0");
        assertDecodeFails(CODEC, 0x82, framed(0x34, 0, 1, "a", 0, 0, "x"), "PUBLISH packet identifier must not be 0");
    }

    @Test
    void topicMustBeUtf8WithoutNul() {
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 2, 0xED, 0xA0), "PUBLISH topic name is not valid UTF-8");
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 3, 0xED, 0xA0, 0x80), "PUBLISH topic name is not valid UTF-8");
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, 0), "must not contain U+0000");
    }

    @Test
    void missingPacketIdentifierIsMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x32, 0, 1, "a", 7), "PUBLISH packet identifier needs 2 bytes but only 1 remain");
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 3, "a"), "PUBLISH topic name declares 3 bytes but only 1 remain");
    }
}
