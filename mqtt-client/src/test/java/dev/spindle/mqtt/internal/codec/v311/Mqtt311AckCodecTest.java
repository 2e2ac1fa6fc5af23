package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Properties;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PUBACK, PUBREC, PUBREL, PUBCOMP: §3.4 to §3.7, a packet identifier and nothing else. */
class Mqtt311AckCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void eachAcknowledgementHasTheSpecifiedBytes() {
        assertWire(CODEC, Ack.of(PacketType.PUBACK, 7), wire(0x40, 0x02, 0x00, 0x07));
        assertWire(CODEC, Ack.of(PacketType.PUBREC, 0x1234), wire(0x50, 0x02, 0x12, 0x34));
        // PUBREL carries the fixed-header flags 0b0010 (MQTT-3.6.1-1).
        assertWire(CODEC, Ack.of(PacketType.PUBREL, 65535), wire(0x62, 0x02, 0xFF, 0xFF));
        assertWire(CODEC, Ack.of(PacketType.PUBCOMP, 1), wire(0x70, 0x02, 0x00, 0x01));
    }

    @Test
    void mqtt5ReasonCodesAndPropertiesAreNotSent() {
        Ack a = new Ack(PacketType.PUBACK, 7, 0x10, Properties.builder().userProperties(List.of(new UserProperty("a", "b"))).build());
        assertArrayEquals(wire(0x40, 0x02, 0x00, 0x07), toArray(CODEC.encode(a)));
        assertArrayEquals(wire(0x62, 0x02, 0x00, 0x07), toArray(CODEC.encode(new Ack(PacketType.PUBREL, 7, 0x92, Properties.EMPTY))));
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x40, 0x02, 0x00, 0x00), "PUBACK packet identifier must not be 0");
        assertDecodeFails(CODEC, 0x82, wire(0x62, 0x02, 0x00, 0x00), "PUBREL packet identifier must not be 0");
    }

    @Test
    void anythingAfterThePacketIdentifierIsMalformed() {
        // 3.1.1 has no reason code: a 5.0-style PUBACK is malformed here.
        assertDecodeFails(CODEC, 0x81, wire(0x40, 0x03, 0x00, 0x07, 0x10), "PUBACK has 1 bytes after its last field (remaining length 3)");
        assertDecodeFails(CODEC, 0x81, wire(0x70, 0x04, 0x00, 0x07, 0x00, 0x00), "PUBCOMP has 2 bytes after its last field");
    }

    @Test
    void shortPacketIdentifierIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x50, 0x01, 0x07), "PUBREC packet identifier needs 2 bytes but only 1 remain");
        assertDecodeFails(CODEC, 0x81, wire(0x50, 0x00), "PUBREC packet identifier needs 2 bytes but only 0 remain");
    }

    @Test
    void pubrelWithoutItsFlagsIsMalformed() {
        assertDecodeFails(CODEC, 0x81, wire(0x60, 0x02, 0x00, 0x07), "PUBREL fixed-header flags must be 0b0010");
        assertDecodeFails(CODEC, 0x81, wire(0x42, 0x02, 0x00, 0x07), "PUBACK fixed-header flags must be 0b0000");
    }
}
