package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt311UnsubscribeCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void unsubscribeHasTheSpecifiedBytes() {
        // §3.10: flags 0b0010, packet identifier, the filters.
        assertWire(CODEC, new Unsubscribe(3, List.of("a/b"), Properties.EMPTY), wire(0xA2, 0x07, 0x00, 0x03, 0x00, 0x03, "a/b"));
        assertWire(CODEC, new Unsubscribe(3, List.of("a/+", "#"), Properties.EMPTY),
                wire(0xA2, 0x0A, 0x00, 0x03, 0x00, 0x03, "a/+", 0x00, 0x01, "#"));
    }

    @Test
    void mqtt5PropertiesAreNotSent() {
        Unsubscribe u = new Unsubscribe(3, List.of("a/b"), Properties.builder().userProperties(List.of(new UserProperty("k", "v"))).build());
        assertArrayEquals(wire(0xA2, 0x07, 0x00, 0x03, 0x00, 0x03, "a/b"), toArray(CODEC.encode(u)));
    }

    @Test
    void encodingRefusesInvalidFilters() {
        assertEncodeFails(CODEC, new Unsubscribe(3, List.of("a", "a/#/b"), Properties.EMPTY), "'#' must be the last level");
        assertEncodeFails(CODEC, new Unsubscribe(3, List.of(""), Properties.EMPTY), "must not be empty");
    }

    @Test
    void noTopicFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0xA2, 0x02, 0x00, 0x03), "UNSUBSCRIBE must carry at least one topic filter (MQTT-3.10.3-2)");
    }

    @Test
    void invalidFilterIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0xA2, 0, 3, 0, 2, "#a"), "UNSUBSCRIBE topic filter: '#' must be the last level");
    }

    @Test
    void truncatedFilterIsMalformed() {
        assertDecodeFails(CODEC, 0x81, framed(0xA2, 0, 3, 0, 4, "a/b"), "UNSUBSCRIBE topic filter declares 4 bytes but only 3 remain");
        assertDecodeFails(CODEC, 0x81, framed(0xA2, 0, 3, 0, 1, "a", 0), "UNSUBSCRIBE topic filter needs 2 bytes but only 1 remain");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0xA2, 0, 0, 0, 1, "a"), "UNSUBSCRIBE packet identifier must not be 0");
    }
}
