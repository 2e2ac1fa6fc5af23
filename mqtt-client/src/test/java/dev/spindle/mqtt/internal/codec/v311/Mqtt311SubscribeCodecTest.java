package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.decodeOne;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Subscribe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt311SubscribeCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void subscribeHasTheSpecifiedBytes() {
        // §3.8: flags 0b0010, packet identifier, then each filter with its requested QoS byte.
        assertWire(CODEC, new Subscribe(1, List.of(TopicSubscription.of("a/#", Qos.AT_LEAST_ONCE), TopicSubscription.of("b", Qos.AT_MOST_ONCE)),
                Properties.EMPTY), wire(0x82, 0x0C, 0x00, 0x01, 0x00, 0x03, "a/#", 0x01, 0x00, 0x01, "b", 0x00));
    }

    @Test
    void mqtt5OptionsAndPropertiesAreNotSent() {
        Subscribe s = new Subscribe(9, List.of(new TopicSubscription("a", Qos.EXACTLY_ONCE, true, true, 2)),
                Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 4).build());
        byte[] bytes = toArray(CODEC.encode(s));
        assertArrayEquals(wire(0x82, 0x06, 0x00, 0x09, 0x00, 0x01, "a", 0x02), bytes);
        assertEquals(new Subscribe(9, List.of(TopicSubscription.of("a", Qos.EXACTLY_ONCE)), Properties.EMPTY), decodeOne(CODEC, bytes));
    }

    @Test
    void noTopicFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x82, 0x02, 0x00, 0x01), "SUBSCRIBE must carry at least one topic filter (MQTT-3.8.3-3)");
    }

    @Test
    void requestedQosByteOtherThan012IsMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 1, "a", 3), "SUBSCRIBE requested QoS byte must be 0, 1 or 2 (MQTT-3.8.3-4)",
                "found: 0x03 for a");
        // Reserved upper bits, including the MQTT 5 options.
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 1, "a", 0x04), "found: 0x04");
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 1, "a", 0x80), "found: 0x80");
    }

    @Test
    void invalidTopicFiltersAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 5, "a/#/b", 0), "SUBSCRIBE topic filter: '#' must be the last level");
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 2, "a+", 0), "'+' must be alone in its level");
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 1, 0, 0, 0), "topic filter must not be empty");
    }

    @Test
    void truncatedEntriesAreMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 1, "a"), "SUBSCRIBE requested QoS needs 1 bytes but only 0 remain");
        assertDecodeFails(CODEC, 0x81, framed(0x82, 0, 1, 0, 1, "a", 1, 0), "SUBSCRIBE topic filter needs 2 bytes but only 1 remain");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x82, 0, 0, 0, 1, "a", 0), "SUBSCRIBE packet identifier must not be 0");
    }

    /** 4,095 filters of 65,533 bytes and one of 65,530: a remaining length of exactly 268,435,455. */
    @Test
    void remainingLengthIsLimitedTo268435455() {
        TopicSubscription big = TopicSubscription.of("a".repeat(65_533), Qos.AT_MOST_ONCE);
        List<TopicSubscription> subs = new ArrayList<>();
        for (int i = 0; i < 4_095; i++) {
            subs.add(big);
        }
        subs.add(TopicSubscription.of("a".repeat(65_530), Qos.AT_MOST_ONCE));
        assertEquals(1 + 4 + 268_435_455, CODEC.encodedSize(new Subscribe(1, subs, Properties.EMPTY)));
        subs.set(4_095, TopicSubscription.of("a".repeat(65_531), Qos.AT_MOST_ONCE));
        assertEncodeFails(CODEC, new Subscribe(1, subs, Properties.EMPTY), "SUBSCRIBE remaining length must be at most 268435455, found: 268435456");
    }
}
