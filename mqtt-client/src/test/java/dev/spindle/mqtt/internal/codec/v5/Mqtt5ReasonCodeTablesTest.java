package dev.spindle.mqtt.internal.codec.v5;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertDecodeFails;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.decodeOne;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Auth;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Suback;
import dev.spindle.mqtt.internal.packet.Unsuback;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * All 256 values of every reason code field against the tables of the specification (written
 * out again here): a listed code decodes and encodes, any other is malformed when read and
 * refused when written.
 */
class Mqtt5ReasonCodeTablesTest {
    private static final MqttCodec CODEC = Mqtt5Codec.INSTANCE;

    private static Set<Integer> codes(String hex) {
        Set<Integer> s = new HashSet<>();
        for (String h : hex.split(" ")) {
            s.add(Integer.parseInt(h, 16));
        }
        return s;
    }

    /** §3.2.2.2. */
    private static final Set<Integer> CONNACK = codes("00 80 81 82 83 84 85 86 87 88 89 8A 8C 90 95 97 99 9A 9B 9C 9D 9F");
    /** §3.4.2.1 and §3.5.2.1. */
    private static final Set<Integer> PUBACK_PUBREC = codes("00 10 80 83 87 90 91 97 99");
    /** §3.6.2.1 and §3.7.2.1. */
    private static final Set<Integer> PUBREL_PUBCOMP = codes("00 92");
    /** §3.9.3. */
    private static final Set<Integer> SUBACK = codes("00 01 02 80 83 87 8F 91 97 9E A1 A2");
    /** §3.11.3. */
    private static final Set<Integer> UNSUBACK = codes("00 11 80 83 87 8F 91");
    /** §3.14.2.1. */
    private static final Set<Integer> DISCONNECT = codes(
            "00 04 80 81 82 83 87 89 8B 8D 8E 8F 90 93 94 95 96 97 98 99 9A 9B 9C 9D 9E 9F A0 A1 A2");
    /** §3.15.2.1. */
    private static final Set<Integer> AUTH = codes("00 18 19");

    private static void check(String name, Set<Integer> valid, IntFunction<byte[]> bytes, IntFunction<Packet> packet) {
        for (int code = 0; code < 256; code++) {
            if (valid.contains(code)) {
                assertEquals(packet.apply(code), decodeOne(CODEC, bytes.apply(code)), name + " " + code);
                CODEC.encode(packet.apply(code));
            } else {
                assertDecodeFails(CODEC, 0x81, bytes.apply(code), name + " reason code must be one of",
                        String.format("found: 0x%02X", code));
                Packet p = packet.apply(code);
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(p), name + " " + code);
            }
        }
    }

    @Test
    void connack() {
        check("CONNACK", CONNACK, c -> wire(0x20, 0x03, 0x00, c, 0x00), c -> new Connack(false, c, Properties.EMPTY));
    }

    @Test
    void acknowledgements() {
        int[] firstBytes = {0x40, 0x50, 0x62, 0x70};
        List<PacketType> types = List.of(PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP);
        for (int i = 0; i < 4; i++) {
            int first = firstBytes[i];
            PacketType t = types.get(i);
            check(t.name(), i < 2 ? PUBACK_PUBREC : PUBREL_PUBCOMP, c -> wire(first, 0x04, 0x00, 0x01, c, 0x00),
                    c -> new Ack(t, 1, c, Properties.EMPTY));
        }
    }

    @Test
    void suback() {
        check("SUBACK", SUBACK, c -> wire(0x90, 0x04, 0x00, 0x01, 0x00, c), c -> new Suback(1, List.of(c), Properties.EMPTY));
    }

    @Test
    void unsuback() {
        check("UNSUBACK", UNSUBACK, c -> wire(0xB0, 0x04, 0x00, 0x01, 0x00, c), c -> new Unsuback(1, List.of(c), Properties.EMPTY));
    }

    @Test
    void disconnect() {
        check("DISCONNECT", DISCONNECT, c -> wire(0xE0, 0x01, c), c -> new Disconnect(c, Properties.EMPTY));
    }

    @Test
    void auth() {
        check("AUTH", AUTH, c -> wire(0xF0, 0x02, c, 0x00), c -> new Auth(c, Properties.EMPTY));
    }
}
