package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.connectPacket;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Will;
import org.junit.jupiter.api.Test;

class Mqtt5ConnectCodecTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    private static byte[] connectWith(int flags, Object... rest) {
        return connectPacket(5, flags, rest);
    }

    @Test
    void connectWithPropertiesHasTheSpecifiedBytes() {
        // §3.1.2: level 5, clean start, keep alive 60, properties (session expiry 3600, receive maximum 20), client id.
        Connect c = new Connect(MqttVersion.V5, "abc", true, 60, null, null, null, Properties.builder()
                .number(PropertyId.SESSION_EXPIRY_INTERVAL, 3600).number(PropertyId.RECEIVE_MAXIMUM, 20).build());
        assertWire(CODEC, c, wire(0x10, 0x18, 0x00, 0x04, "MQTT", 0x05, 0x02, 0x00, 0x3C, 0x08, 0x11, 0x00, 0x00, 0x0E, 0x10, 0x21, 0x00,
                0x14, 0x00, 0x03, "abc"));
    }

    @Test
    void connectWithoutPropertiesHasAZeroPropertyLength() {
        assertWire(CODEC, new Connect(MqttVersion.V5, "abc", true, 60, null, null, null, Properties.EMPTY),
                wire(0x10, 0x10, 0x00, 0x04, "MQTT", 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x03, "abc"));
    }

    @Test
    void willPropertiesComeBeforeTheWillTopicAndAPasswordNeedsNoUserName() {
        // Flags 0x46: password, will (QoS 0, no retain), clean start. §3.1.2.9: a password without a user name is allowed in 5.0.
        Connect c = new Connect(MqttVersion.V5, "c", true, 0, null, wire(0x70),
                new Will("w", wire(0x78), Qos.AT_MOST_ONCE, false, Properties.builder().number(PropertyId.WILL_DELAY_INTERVAL, 5).build()),
                Properties.EMPTY);
        assertWire(CODEC, c, wire(0x10, 0x1D, 0x00, 0x04, "MQTT", 0x05, 0x46, 0x00, 0x00, 0x00, 0x00, 0x01, "c", 0x05, 0x18, 0x00, 0x00,
                0x00, 0x05, 0x00, 0x01, "w", 0x00, 0x01, 0x78, 0x00, 0x01, 0x70));
    }

    @Test
    void encodingRefusesWhat50CannotExpress() {
        assertEncodeFails(CODEC, new Connect(MqttVersion.V3_1_1, "a", true, 0, null, null, null, Properties.EMPTY),
                "cannot encode a CONNECT for V3_1_1");
        assertEncodeFails(CODEC, new Connect(MqttVersion.V5, "a", true, 0, null, null, null,
                Properties.builder().number(PropertyId.TOPIC_ALIAS, 1).build()), "TOPIC_ALIAS cannot be sent in CONNECT");
        assertEncodeFails(CODEC, new Connect(MqttVersion.V5, "a", true, 0, null, null, new Will("w", wire(), Qos.AT_MOST_ONCE, false,
                Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 1).build()), Properties.EMPTY),
                "SESSION_EXPIRY_INTERVAL cannot be sent in CONNECT will");
        assertEncodeFails(CODEC, new Connect(MqttVersion.V5, "a", true, 0, null, null, null,
                Properties.builder().binary(PropertyId.AUTHENTICATION_DATA, wire(1)).build()),
                "AUTHENTICATION_DATA needs an AUTHENTICATION_METHOD");
        assertEncodeFails(CODEC, new Connect(MqttVersion.V5, "a", true, 0, null, null, null,
                Properties.builder().number(PropertyId.RECEIVE_MAXIMUM, 0).build()), "RECEIVE_MAXIMUM must not be 0");
    }

    @Test
    void protocolLevel4IsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, framed(0x10, 0, 4, "MQTT", 4, 2, 0, 60, 0, 1, "a"), "CONNECT protocol level must be 5 for MQTT V5, found: 4");
    }

    @Test
    void reservedFlagAndWillFlagRulesAreMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x03, 0, 0, 1, "a"), "CONNECT reserved flag must be 0 (MQTT-3.1.2-3)");
        assertDecodeFails(CODEC, 0x81, connectWith(0x12, 0, 0, 1, "a"), "will QoS and will retain must be 0 without the will flag");
        assertDecodeFails(CODEC, 0x81, connectWith(0x1E, 0, 0, 1, "a", 0, 0, 1, "w", 0, 0), "CONNECT will QoS must be 0, 1 or 2");
    }

    @Test
    void propertiesNotAllowedInConnectAreMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x02, 3, 0x23, 0, 1, 0, 1, "a"),
                "CONNECT properties: TOPIC_ALIAS (0x23) is not allowed in CONNECT (§2.2.2.2)");
        assertDecodeFails(CODEC, 0x81, connectWith(0x06, 0, 0, 1, "a", 5, 0x11, 0, 0, 0, 1, 0, 1, "w", 0, 0),
                "CONNECT will properties: SESSION_EXPIRY_INTERVAL (0x11) is not allowed in CONNECT will");
    }

    @Test
    void invalidPropertyValuesAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 3, 0x21, 0, 0, 0, 1, "a"), "CONNECT properties: RECEIVE_MAXIMUM must not be 0");
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 5, 0x27, 0, 0, 0, 0, 0, 1, "a"), "MAXIMUM_PACKET_SIZE must not be 0");
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 2, 0x17, 2, 0, 1, "a"), "REQUEST_PROBLEM_INFORMATION must be 0 or 1, found: 2");
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 2, 0x19, 5, 0, 1, "a"), "REQUEST_RESPONSE_INFORMATION must be 0 or 1, found: 5");
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 10, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2, 0, 1, "a"),
                "SESSION_EXPIRY_INTERVAL appears more than once");
        assertDecodeFails(CODEC, 0x82, connectWith(0x06, 0, 0, 1, "a", 2, 0x01, 2, 0, 1, "w", 0, 0),
                "CONNECT will properties: PAYLOAD_FORMAT_INDICATOR must be 0 or 1, found: 2");
        assertDecodeFails(CODEC, 0x82, connectWith(0x06, 0, 0, 1, "a", 4, 0x08, 0, 1, "#", 0, 1, "w", 0, 0),
                "RESPONSE_TOPIC must not contain wildcards");
    }

    @Test
    void authenticationDataWithoutMethodIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, connectWith(0x02, 4, 0x16, 0, 1, 9, 0, 1, "a"),
                "CONNECT carries AUTHENTICATION_DATA without AUTHENTICATION_METHOD");
    }

    @Test
    void missingPropertyListsAreMalformed() {
        // A CONNECT that stops after the keep alive, and one with the will flag but no will properties.
        assertDecodeFails(CODEC, 0x81, framed(0x10, 0, 4, "MQTT", 5, 2, 0, 60), "CONNECT properties: property length runs past the end");
        assertDecodeFails(CODEC, 0x81, connectWith(0x06, 0, 0, 1, "a"), "CONNECT will properties: property length runs past the end");
    }
}
