package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt5UnsubscribeCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void unsubscribeHasTheSpecifiedBytes() {
        assertWire(CODEC, new Unsubscribe(3, List.of("a/b"), Properties.EMPTY), wire(0xA2, 0x08, 0x00, 0x03, 0x00, 0x00, 0x03, "a/b"));
        assertWire(CODEC, new Unsubscribe(3, List.of("#"), Properties.builder().userProperties(List.of(new UserProperty("k", "v"))).build()),
                wire(0xA2, 0x0D, 0x00, 0x03, 0x07, 0x26, 0x00, 0x01, "k", 0x00, 0x01, "v", 0x00, 0x01, "#"));
    }

    @Test
    void encodingRefusesInvalidFiltersAndProperties() {
        assertEncodeFails(CODEC, new Unsubscribe(3, List.of("a+"), Properties.EMPTY), "'+' must be alone in its level");
        assertEncodeFails(CODEC, new Unsubscribe(3, List.of("a"), Properties.builder().string(PropertyId.REASON_STRING, "r").build()),
                "REASON_STRING cannot be sent in UNSUBSCRIBE");
    }

    @Test
    void noTopicFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0xA2, 0, 3, 0), "UNSUBSCRIBE must carry at least one topic filter");
    }

    @Test
    void invalidFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0xA2, 0, 3, 0, 0, 3, "+a/"), "UNSUBSCRIBE topic filter: '+' must be alone in its level");
    }

    @Test
    void propertiesOfOtherPacketsAreMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0xA2, 0, 3, 3, 0x1F, 0, 0, 0, 1, "a"), "REASON_STRING (0x1F) is not allowed in UNSUBSCRIBE");
    }

    @Test
    void a311ShapedUnsubscribeIsMalformed() {
        // 3.1.1's A2 05 00 03 00 01 61: the filter length's first byte is read as an empty property list,
        // leaving a filter length 0x01 0x61 (353) with nothing after it.
        assertDecodeFails(CODEC, 0x81, framed(0xA2, 0, 3, 0, 1, "a"), "UNSUBSCRIBE topic filter declares 353 bytes but only 0 remain");
    }
}
