package dev.spindle.mqtt.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written MQTT 3.1.1 and 5.0 packets for the harness's own tests, independent of the client
 * under test: just enough CONNECT, SUBSCRIBE, PUBLISH, PUBACK and DISCONNECT to talk to a broker,
 * and a reader for what it answers. {@code level} is the protocol level: 4 for 3.1.1, 5 for 5.0.
 */
final class MqttBytes {
    static final int V311 = 4;
    static final int V5 = 5;

    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBACK = 9;

    // MQTT 5 property identifiers read from CONNACK (MQTT 5.0 section 3.2.2.3)
    static final int SERVER_KEEP_ALIVE = 0x13;
    static final int RECEIVE_MAXIMUM = 0x21;
    static final int MAXIMUM_PACKET_SIZE = 0x27;

    private MqttBytes() {
    }

    /** A packet read back: the type (high nibble of the first byte), its flags and the rest. */
    record Packet(int type, int flags, byte[] body) {
        /** CONNACK: the 3.1.1 return code or the 5.0 reason code. */
        int connackCode() {
            return body[1] & 0xFF;
        }

        /** CONNACK: the Session Present flag. */
        boolean sessionPresent() {
            return (body[0] & 1) != 0;
        }

        /** CONNACK of MQTT 5: its properties, by identifier (ints for numbers, strings, byte arrays). */
        Map<Integer, Object> connackProperties() {
            return properties(body, 2);
        }

        /** PUBLISH: the topic. */
        String publishTopic() {
            int len = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            return new String(body, 2, len, StandardCharsets.UTF_8);
        }

        /** PUBLISH: the payload, for a QoS above 0 and the given protocol level. */
        byte[] publishPayload(int level) {
            int at = 2 + publishTopic().getBytes(StandardCharsets.UTF_8).length;
            if (((flags >> 1) & 3) != 0) {
                at += 2;
            }
            if (level == V5) {
                int[] len = varInt(body, at);
                at = len[1] + len[0];
            }
            return java.util.Arrays.copyOfRange(body, at, body.length);
        }

        /** PUBLISH with QoS above 0, SUBACK, PUBACK: the packet identifier. */
        int packetId() {
            if (type == PUBLISH) {
                int at = 2 + publishTopic().getBytes(StandardCharsets.UTF_8).length;
                return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
            }
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }
    }

    static byte[] connect(int level, String clientId, boolean cleanStart, int keepAlive, @Nullable String user,
            @Nullable String password) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, "MQTT");
        v.write(level);
        int flags = (cleanStart ? 0x02 : 0) | (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
        v.write(flags);
        v.write(keepAlive >> 8);
        v.write(keepAlive);
        if (level == V5) {
            v.write(0); // no properties
        }
        string(v, clientId);
        if (user != null) {
            string(v, user);
        }
        if (password != null) {
            string(v, password);
        }
        return packet(0x10, v.toByteArray());
    }

    static byte[] subscribe(int level, int packetId, String topic, int qos) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(packetId >> 8);
        v.write(packetId);
        if (level == V5) {
            v.write(0);
        }
        string(v, topic);
        v.write(qos);
        return packet(0x82, v.toByteArray());
    }

    static byte[] publish(int level, String topic, int qos, int packetId, byte[] payload) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        if (qos > 0) {
            v.write(packetId >> 8);
            v.write(packetId);
        }
        if (level == V5) {
            v.write(0);
        }
        v.writeBytes(payload);
        return packet(0x30 | (qos << 1), v.toByteArray());
    }

    static byte[] puback(int packetId) {
        return new byte[] {0x40, 2, (byte) (packetId >> 8), (byte) packetId};
    }

    static byte[] disconnect() {
        return new byte[] {(byte) 0xE0, 0};
    }

    /** Reads one packet; EOFException when the broker closed the connection first. */
    static Packet read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int first = d.read();
        if (first < 0) {
            throw new EOFException("the broker closed the connection");
        }
        int length = 0;
        for (int shift = 0;; shift += 7) {
            int b = d.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift == 21) {
                throw new IOException("malformed remaining length");
            }
        }
        byte[] body = new byte[length];
        d.readFully(body);
        return new Packet(first >> 4, first & 0x0F, body);
    }

    /** Reads packets until one of {@code type} (skipping others, e.g. a PUBLISH before a SUBACK). */
    static Packet readUntil(InputStream in, int type) throws IOException {
        while (true) {
            Packet p = read(in);
            if (p.type() == type) {
                return p;
            }
        }
    }

    static byte[] packet(int header, byte[] variable) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int n = variable.length;
        do {
            int b = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        out.writeBytes(variable);
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    /** {value, index after it}. */
    private static int[] varInt(byte[] b, int at) {
        int value = 0;
        int i = at;
        for (int shift = 0;; shift += 7) {
            int x = b[i++] & 0xFF;
            value |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return new int[] {value, i};
            }
        }
    }

    private static Map<Integer, Object> properties(byte[] b, int at) {
        Map<Integer, Object> props = new LinkedHashMap<>();
        if (at >= b.length) {
            return props;
        }
        int[] len = varInt(b, at);
        int i = len[1];
        int end = i + len[0];
        while (i < end) {
            int id = b[i++] & 0xFF;
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> props.put(id, b[i++] & 0xFF);
                case 0x13, 0x21, 0x22, 0x23 -> {
                    props.put(id, ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF));
                    i += 2;
                }
                case 0x02, 0x11, 0x18, 0x27 -> {
                    props.put(id, ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
                    i += 4;
                }
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> {
                    int n = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
                    props.put(id, new String(b, i + 2, n, StandardCharsets.UTF_8));
                    i += 2 + n;
                }
                case 0x09, 0x16 -> {
                    int n = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
                    props.put(id, java.util.Arrays.copyOfRange(b, i + 2, i + 2 + n));
                    i += 2 + n;
                }
                case 0x26 -> {
                    int k = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
                    int vAt = i + 2 + k;
                    int vLen = ((b[vAt] & 0xFF) << 8) | (b[vAt + 1] & 0xFF);
                    i = vAt + 2 + vLen;
                }
                default -> throw new IllegalArgumentException("unexpected CONNACK property 0x" + Integer.toHexString(id));
            }
        }
        return props;
    }
}
