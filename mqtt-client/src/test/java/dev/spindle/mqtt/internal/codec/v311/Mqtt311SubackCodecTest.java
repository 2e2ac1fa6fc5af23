package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Suback;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mqtt311SubackCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    @Test
    void subackHasTheSpecifiedBytes() {
        // §3.9: packet identifier, one return code per filter: granted QoS or 0x80 failure.
        assertWire(CODEC, new Suback(1, List.of(0, 1, 0x80), Properties.EMPTY), wire(0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x80));
        assertWire(CODEC, new Suback(2, List.of(2), Properties.EMPTY), wire(0x90, 0x03, 0x00, 0x02, 0x02));
    }

    @Test
    void encodingRefusesMqtt5ReasonCodes() {
        assertEncodeFails(CODEC, new Suback(1, List.of(0, 0x87), Properties.EMPTY), "MQTT 3.1.1 SUBACK return codes are 0, 1, 2 or 0x80",
                "found: 0x87");
        assertEncodeFails(CODEC, new Suback(1, List.of(), Properties.EMPTY), "SUBACK needs at least one return code");
    }

    @Test
    void returnCodesOtherThan0120x80AreMalformed() {
        for (int code : new int[] {3, 0x10, 0x7F, 0x81, 0x87, 0xA2, 0xFF}) {
            assertDecodeFails(CODEC, 0x81, wire(0x90, 0x04, 0x00, 0x01, 0x00, code),
                    "SUBACK return code must be 0, 1, 2 or 0x80 (MQTT 3.1.1 §3.9.3), found: " + String.format("0x%02X", code));
        }
    }

    @Test
    void noReturnCodeIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x90, 0x02, 0x00, 0x01), "SUBACK must carry at least one return code");
    }

    @Test
    void packetIdentifierZeroIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, wire(0x90, 0x03, 0x00, 0x00, 0x00), "SUBACK packet identifier must not be 0");
    }
}
