package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt5PublishCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    private static Publish qos0(String topic, Properties p) {
        return new Publish(topic, Qos.AT_MOST_ONCE, false, false, 0, wire(), p);
    }

    @Test
    void qos1WithPropertiesHasTheSpecifiedBytes() {
        // §3.3.2: topic, packet identifier, properties (payload format 1, topic alias 5, a user property,
        // subscription identifier 300 as a two-byte variable byte integer), payload.
        Publish p = new Publish("t", Qos.AT_LEAST_ONCE, false, false, 1, wire(0xFF), Properties.builder()
                .number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1).number(PropertyId.TOPIC_ALIAS, 5)
                .userProperties(List.of(new UserProperty("k", "v"))).number(PropertyId.SUBSCRIPTION_IDENTIFIER, 300).build());
        assertWire(CODEC, p, wire(0x32, 0x16, 0x00, 0x01, "t", 0x00, 0x01, 0x0F, 0x01, 0x01, 0x23, 0x00, 0x05, 0x26, 0x00, 0x01, "k", 0x00,
                0x01, "v", 0x0B, 0xAC, 0x02, 0xFF));
    }

    @Test
    void emptyTopicWithATopicAliasHasTheSpecifiedBytes() {
        assertWire(CODEC, qos0("", Properties.builder().number(PropertyId.TOPIC_ALIAS, 7).build()),
                wire(0x30, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x07));
    }

    @Test
    void retainedQos0WithoutPropertiesHasTheSpecifiedBytes() {
        assertWire(CODEC, new Publish("a", Qos.AT_MOST_ONCE, true, false, 0, wire("b"), Properties.EMPTY),
                wire(0x31, 0x05, 0x00, 0x01, "a", 0x00, "b"));
    }

    @Test
    void encodingRefusesWhatCannotBeSent() {
        assertEncodeFails(CODEC, qos0("", Properties.EMPTY), "PUBLISH topic name may be empty only with a TOPIC_ALIAS");
        assertEncodeFails(CODEC, qos0("a/#", Properties.EMPTY), "must not contain wildcards");
        assertEncodeFails(CODEC, qos0("a", Properties.builder().number(PropertyId.TOPIC_ALIAS, 0).build()), "TOPIC_ALIAS must not be 0");
        assertEncodeFails(CODEC, qos0("a", Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 0).build()),
                "SESSION_EXPIRY_INTERVAL cannot be sent in PUBLISH");
        assertEncodeFails(CODEC, qos0("a", Properties.builder().number(PropertyId.TOPIC_ALIAS, 1).number(PropertyId.TOPIC_ALIAS, 2).build()),
                "TOPIC_ALIAS must not appear more than once in PUBLISH");
    }

    @Test
    void emptyTopicWithoutATopicAliasIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 0, 0, "x"), "PUBLISH topic name is empty without a TOPIC_ALIAS");
    }

    @Test
    void topicWithWildcardIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 3, "a/+", 0), "PUBLISH topic name must not contain wildcards (MQTT-3.3.2-2)");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x32, 0, 1, "a", 0, 0, 0), "PUBLISH packet identifier must not be 0");
    }

    @Test
    void invalidPropertyValuesAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 1, "a", 3, 0x23, 0, 0), "PUBLISH properties: TOPIC_ALIAS must not be 0, found: 0");
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 1, "a", 2, 0x0B, 0), "SUBSCRIPTION_IDENTIFIER must not be 0");
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 1, "a", 2, 0x01, 2), "PAYLOAD_FORMAT_INDICATOR must be 0 or 1, found: 2");
        assertDecodeFails(CODEC, 0x82, framed(0x30, 0, 1, "a", 8, 0x03, 0, 1, "x", 0x03, 0, 1, "y"), "CONTENT_TYPE appears more than once");
    }

    @Test
    void propertiesOfOtherPacketsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, "a", 3, 0x21, 0, 1), "RECEIVE_MAXIMUM (0x21) is not allowed in PUBLISH");
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, "a", 4, 0x1F, 0, 1, "r"), "REASON_STRING (0x1F) is not allowed in PUBLISH");
    }

    @Test
    void subscriptionIdentifierNotInShortestFormIsMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, "a", 3, 0x0B, 0x81, 0x00), "SUBSCRIPTION_IDENTIFIER must use the fewest bytes");
    }

    @Test
    void missingOrOverlongPropertyLengthIsMalformed() {
        // A 3.1.1-shaped PUBLISH: no property length.
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, "a"), "PUBLISH properties: property length runs past the end");
        assertDecodeFails(CODEC, 0x81, framed(0x30, 0, 1, "a", 5, 0x01, 1), "property length 5 runs past the packet: only 2 bytes remain");
    }
}
