package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertRoundTrip;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Subscribe;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt5SubscribeCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void subscribeWithOptionsAndIdentifierHasTheSpecifiedBytes() {
        // §3.8.3.1: options 0x2E = maximum QoS 2, no local, retain as published, retain handling 2.
        assertWire(CODEC, new Subscribe(2, List.of(new TopicSubscription("a/+", Qos.EXACTLY_ONCE, true, true, 2)),
                Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).build()),
                wire(0x82, 0x0B, 0x00, 0x02, 0x02, 0x0B, 0x01, 0x00, 0x03, "a/+", 0x2E));
    }

    @Test
    void subscribeWithDefaultsHasTheSpecifiedBytes() {
        assertWire(CODEC, new Subscribe(3, List.of(TopicSubscription.of("a/b", Qos.AT_MOST_ONCE)), Properties.EMPTY),
                wire(0x82, 0x09, 0x00, 0x03, 0x00, 0x00, 0x03, "a/b", 0x00));
    }

    @Test
    void eachOptionHasItsBit() {
        assertWire(CODEC, new Subscribe(1, List.of(new TopicSubscription("a", Qos.AT_LEAST_ONCE, false, false, 0)), Properties.EMPTY),
                wire(0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, "a", 0x01));
        assertWire(CODEC, new Subscribe(1, List.of(new TopicSubscription("a", Qos.AT_MOST_ONCE, true, false, 0)), Properties.EMPTY),
                wire(0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, "a", 0x04));
        assertWire(CODEC, new Subscribe(1, List.of(new TopicSubscription("a", Qos.AT_MOST_ONCE, false, true, 0)), Properties.EMPTY),
                wire(0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, "a", 0x08));
        assertWire(CODEC, new Subscribe(1, List.of(new TopicSubscription("a", Qos.AT_MOST_ONCE, false, false, 1)), Properties.EMPTY),
                wire(0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, "a", 0x10));
    }

    @Test
    void sharedSubscriptionsRoundTrip() {
        assertRoundTrip(CODEC, new Subscribe(4, List.of(TopicSubscription.of("$share/group/a/#", Qos.AT_LEAST_ONCE)), Properties.EMPTY));
    }

    @Test
    void encodingRefusesASecondSubscriptionIdentifier() {
        assertEncodeFails(CODEC, new Subscribe(1, List.of(TopicSubscription.of("a", Qos.AT_MOST_ONCE)), Properties.builder()
                .number(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).number(PropertyId.SUBSCRIPTION_IDENTIFIER, 2).build()),
                "SUBSCRIPTION_IDENTIFIER must not appear more than once in SUBSCRIBE");
        assertEncodeFails(CODEC, new Subscribe(1, List.of(TopicSubscription.of("a", Qos.AT_MOST_ONCE)),
                Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 0).build()), "SUBSCRIPTION_IDENTIFIER must not be 0");
    }

    @Test
    void reservedOptionBitsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 0, 1, "a", 0x40),
                "SUBSCRIBE subscription options bits 7-6 are reserved (MQTT-3.8.3-5), found: 0x40 for a");
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 0, 1, "a", 0x81), "found: 0x81");
    }

    @Test
    void qos3AndRetainHandling3AreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 1, "a", 0x03), "maximum QoS and retain handling must not be 3",
                "found options 0x03");
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 1, "a", 0x30), "found options 0x30");
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 10, "$share/g/a", 0x04), "noLocal must not be set on a shared subscription",
                "(MQTT-3.8.3-4)");
    }

    @Test
    void invalidFiltersAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 8, "$share/g", 0x00), "a shared subscription is $share/<group>/<filter>");
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 3, "a#b", 0x00), "'#' must be the last level");
    }

    @Test
    void noTopicFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0), "SUBSCRIBE must carry at least one topic filter (MQTT-3.8.3-2)");
    }

    @Test
    void propertyRulesApply() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 4, 0x0B, 1, 0x0B, 2, 0, 1, "a", 0),
                "SUBSCRIBE properties: SUBSCRIPTION_IDENTIFIER appears more than once");
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 2, 0x0B, 0, 0, 1, "a", 0), "SUBSCRIPTION_IDENTIFIER must not be 0");
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 3, 0x1F, 0, 0, 0, 1, "a", 0), "REASON_STRING (0x1F) is not allowed in SUBSCRIBE");
    }

    @Test
    void truncatedEntryIsMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 0, 1, "a"), "SUBSCRIBE subscription options needs 1 bytes but only 0 remain");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 0, 0, 0, 1, "a", 0), "SUBSCRIBE packet identifier must not be 0");
    }
}
