package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertEncodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertRoundTrip;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertWire;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.connectPacket;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.framed;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Will;
import org.junit.jupiter.api.Test;

class Mqtt311ConnectCodecTest {
    private static final MqttCodec CODEC = Mqtt311Codec.INSTANCE;

    private static Connect connect(String clientId, boolean clean, int keepAlive, String user, byte[] password, Will will) {
        return new Connect(MqttVersion.V3_1_1, clientId, clean, keepAlive, user, password, will, Properties.EMPTY);
    }

    private static byte[] connectWith(int flags, Object... rest) {
        return connectPacket(4, flags, rest);
    }

    @Test
    void minimalConnectHasTheSpecifiedBytes() {
        // §3.1: protocol name "MQTT", level 4, flags 0x02 (clean session), keep alive 60, client id "abc".
        assertWire(CODEC, connect("abc", true, 60, null, null, null),
                wire(0x10, 0x0F, 0x00, 0x04, "MQTT", 0x04, 0x02, 0x00, 0x3C, 0x00, 0x03, "abc"));
    }

    @Test
    void connectWithWillUserAndPasswordHasTheSpecifiedBytes() {
        // Flags 0xEE: user name, password, will retain, will QoS 1, will, clean session.
        Will will = new Will("w", wire(1, 2), Qos.AT_LEAST_ONCE, true, Properties.EMPTY);
        assertWire(CODEC, connect("c", true, 10, "u", wire(0x70), will),
                wire(0x10, 0x1A, 0x00, 0x04, "MQTT", 0x04, 0xEE, 0x00, 0x0A, 0x00, 0x01, "c", 0x00, 0x01, "w", 0x00, 0x02, 1, 2,
                        0x00, 0x01, "u", 0x00, 0x01, 0x70));
    }

    @Test
    void willQos2WithoutRetainAndEmptyFieldsRoundTrip() {
        assertRoundTrip(CODEC, connect("", false, 0, "", new byte[0],
                new Will("a/b", new byte[0], Qos.EXACTLY_ONCE, false, Properties.EMPTY)));
        assertRoundTrip(CODEC, connect("id", false, 65535, "user", null, null));
    }

    @Test
    void mqtt5PropertiesAreNotSent() {
        Connect withProperties = new Connect(MqttVersion.V3_1_1, "abc", true, 60, null, null,
                new Will("w", wire(1), Qos.AT_MOST_ONCE, false, Properties.builder().number(PropertyId.WILL_DELAY_INTERVAL, 5).build()),
                Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 10).build());
        assertArrayEquals(wire(0x10, 0x15, 0x00, 0x04, "MQTT", 0x04, 0x06, 0x00, 0x3C, 0x00, 0x03, "abc", 0x00, 0x01, "w", 0x00, 0x01, 1),
                toArray(CODEC.encode(withProperties)));
    }

    @Test
    void encodingRefusesWhat311CannotExpress() {
        assertEncodeFails(CODEC, new Connect(MqttVersion.V5, "a", true, 0, null, null, null, Properties.EMPTY),
                "cannot encode a CONNECT for V5");
        assertEncodeFails(CODEC, connect("a", true, 0, null, wire(1), null), "password without a user name (MQTT-3.1.2-22)");
        assertEncodeFails(CODEC, connect("a", true, 0, null, null, new Will("a/+", wire(), Qos.AT_MOST_ONCE, false, Properties.EMPTY)),
                "CONNECT will topic must not contain wildcards", "found: a/+");
        assertEncodeFails(CODEC, connect("a", true, 0, null, null, new Will("", wire(), Qos.AT_MOST_ONCE, false, Properties.EMPTY)),
                "CONNECT will topic must not be empty");
        assertEncodeFails(CODEC, connect("x".repeat(65_536), true, 0, null, null, null),
                "CONNECT client identifier must be at most 65535 UTF-8 bytes, found: 65536");
        assertEncodeFails(CODEC, connect("a", true, 0, "u", new byte[65_536], null), "CONNECT password must be at most 65535 bytes");
    }

    @Test
    void otherProtocolNamesAndLevelsAreProtocolErrors() {
        assertDecodeFails(CODEC, 0x82, framed(0x10, 0, 6, "MQIsdp", 3, 2, 0, 60, 0, 1, "a"),
                "CONNECT protocol name must be \"MQTT\" (MQTT-3.1.2-1), found: \"MQIsdp\"");
        assertDecodeFails(CODEC, 0x82, framed(0x10, 0, 4, "MQTT", 5, 2, 0, 60, 0, 0, 1, "a"),
                "CONNECT protocol level must be 4 for MQTT V3_1_1, found: 5");
    }

    @Test
    void reservedConnectFlagIsMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x03, 0, 1, "a"), "CONNECT reserved flag must be 0 (MQTT-3.1.2-3), found flags 0x03");
    }

    @Test
    void willQosOrRetainWithoutWillIsMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x0A, 0, 1, "a"), "will QoS and will retain must be 0 without the will flag",
                "found flags 0x0A");
        assertDecodeFails(CODEC, 0x81, connectWith(0x22, 0, 1, "a"), "found flags 0x22");
    }

    @Test
    void willQos3IsMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x1E, 0, 1, "a", 0, 1, "w", 0, 0), "CONNECT will QoS must be 0, 1 or 2", "found: 3");
    }

    @Test
    void passwordWithoutUserNameIsMalformed() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x42, 0, 1, "a", 0, 1, 7), "password flag must be 0 without the user name flag",
                "(MQTT-3.1.2-22)", "found flags 0x42");
    }

    @Test
    void willTopicWithWildcardOrEmptyIsAProtocolError() {
        assertDecodeFails(CODEC, 0x82, connectWith(0x06, 0, 1, "a", 0, 3, "a/#", 0, 0), "CONNECT will topic must not contain wildcards");
        assertDecodeFails(CODEC, 0x82, connectWith(0x06, 0, 1, "a", 0, 0, 0, 0), "CONNECT will topic must not be empty");
    }

    @Test
    void fieldsThatTheFlagsAnnounceMustBeThere() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x06, 0, 1, "a", 0, 1, "w"), "CONNECT will payload needs 2 bytes but only 0 remain");
        assertDecodeFails(CODEC, 0x81, connectWith(0x82, 0, 1, "a"), "CONNECT user name needs 2 bytes but only 0 remain");
        assertDecodeFails(CODEC, 0x81, connectWith(0xC2, 0, 1, "a", 0, 1, "u", 0, 5, 1, 2), "CONNECT password declares 5 bytes but only 2");
        assertDecodeFails(CODEC, 0x81, framed(0x10, 0, 4, "MQTT", 4, 2), "CONNECT keep alive needs 2 bytes");
    }

    @Test
    void fieldsTheFlagsDoNotAnnounceAreTrailingBytes() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x02, 0, 1, "a", 0, 1, "u"), "CONNECT has 3 bytes after its last field");
    }

    @Test
    void clientIdentifierMustBeUtf8WithoutNul() {
        assertDecodeFails(CODEC, 0x81, connectWith(0x02, 0, 2, 0xC3, 0x28), "CONNECT client identifier is not valid UTF-8");
        assertDecodeFails(CODEC, 0x81, connectWith(0x02, 0, 2, "a", 0), "CONNECT client identifier must not contain U+0000");
    }
}
