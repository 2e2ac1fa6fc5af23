package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Unsuback;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt311UnsubackCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void unsubackHasTheSpecifiedBytes() {
        // §3.11: the packet identifier only.
        assertWire(CODEC, new Unsuback(3, List.of(), Properties.EMPTY), wire(0xB0, 0x02, 0x00, 0x03));
    }

    @Test
    void mqtt5ReasonCodesAndPropertiesAreNotSent() {
        Unsuback u = new Unsuback(3, List.of(0x11), Properties.builder().string(PropertyId.REASON_STRING, "r").build());
        assertArrayEquals(wire(0xB0, 0x02, 0x00, 0x03), toArray(CODEC.encode(u)));
    }

    @Test
    void anythingAfterThePacketIdentifierIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0xB0, 0x03, 0x00, 0x03, 0x00), "UNSUBACK has 1 bytes after its last field");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0xB0, 0x02, 0x00, 0x00), "UNSUBACK packet identifier must not be 0");
    }
}
