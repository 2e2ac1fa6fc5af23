package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Unsuback;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt5UnsubackCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    @Test
    void unsubackHasTheSpecifiedBytes() {
        assertWire(CODEC, new Unsuback(3, List.of(0, 0x11), Properties.EMPTY), wire(0xB0, 0x05, 0x00, 0x03, 0x00, 0x00, 0x11));
        assertWire(CODEC, new Unsuback(3, List.of(0x87), Properties.builder().string(PropertyId.REASON_STRING, "no").build()),
                wire(0xB0, 0x09, 0x00, 0x03, 0x05, 0x1F, 0x00, 0x02, "no", 0x87));
    }

    @Test
    void encodingRefusesOtherReasonCodesAndEmptyLists() {
        assertEncodeFails(CODEC, new Unsuback(3, List.of(0x01), Properties.EMPTY), "UNSUBACK reason code must be one of", "found: 0x01");
        assertEncodeFails(CODEC, new Unsuback(3, List.of(), Properties.EMPTY), "UNSUBACK needs at least one reason code");
    }

    @Test
    void reasonCodesOutsideTheUnsubackTableAreMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xB0, 0x04, 0x00, 0x03, 0x00, 0x01), "UNSUBACK reason code must be one of 0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91, found: 0x01");
    }

    @Test
    void noReasonCodeIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0xB0, 0x03, 0x00, 0x03, 0x00), "UNSUBACK must carry at least one reason code");
    }

    @Test
    void a311ShapedUnsubackIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xB0, 0x02, 0x00, 0x03), "UNSUBACK properties: property length runs past the end");
    }
}
