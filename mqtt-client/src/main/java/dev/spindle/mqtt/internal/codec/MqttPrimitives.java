package dev.spindle.mqtt.internal.codec;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.ReasonCodes;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT data representations shared by both protocol versions (MQTT 3.1.1 §1.5, MQTT 5.0
 * §1.5): two- and four-byte integers, variable byte integers, UTF-8 encoded strings and binary
 * data, plus the topic checks a decoder applies to what it reads.
 *
 * <p>Readers work on a buffer that holds one whole packet body (its limit is the end of the
 * packet), so running out of bytes is a malformed packet, never "wait for more". They check
 * every length against the bytes present before they allocate anything. Writers assume the
 * sizes were computed (and so checked) first by the matching {@code ...Size} method, as
 * {@link AbstractMqttCodec#encode} does. The {@code what} arguments name the field in error
 * messages; they are turned into text only when something fails, so passing constants costs
 * nothing on the success path. Stateless and thread-safe.
 */
public final class MqttPrimitives {
    /** The largest remaining length and variable byte integer (MQTT 5.0 §1.5.5): 268,435,455. */
    public static final int MAX_VARIABLE_BYTE_INTEGER = 268_435_455;
    /** The largest UTF-8 string or binary data, in bytes (a two-byte length prefix). */
    public static final int MAX_STRING_BYTES = 65_535;

    private MqttPrimitives() {
    }

    // ---- errors

    /** A malformed-packet (0x81) decode failure. */
    public static MqttDecodeException malformed(String message) {
        return new MqttDecodeException(ReasonCodes.MALFORMED_PACKET, message);
    }

    /** A protocol-error (0x82) decode failure. */
    public static MqttDecodeException protocolError(String message) {
        return new MqttDecodeException(ReasonCodes.PROTOCOL_ERROR, message);
    }

    /** {@code 0x1F}-style hex for messages. */
    public static String hex(int b) {
        return String.format("0x%02X", b);
    }

    // ---- variable byte integers

    /** How many bytes the variable byte integer encoding of {@code value} takes (1..4). */
    public static int varIntSize(int value) {
        if (value < 0 || value > MAX_VARIABLE_BYTE_INTEGER) {
            throw new IllegalArgumentException("a variable byte integer must be in 0..268435455, found: " + value);
        }
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : 4;
    }

    /** Writes {@code value} (0..268,435,455) as a variable byte integer. */
    public static void putVarInt(ByteBuffer dst, int value) {
        int v = value;
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            dst.put((byte) (v > 0 ? digit | 0x80 : digit));
        } while (v > 0);
    }

    /**
     * Reads a variable byte integer at absolute {@code index} of {@code in}, not reading at or
     * past {@code limit}, without moving the position.
     *
     * @return {@code value | (byteCount << 32)}, or -1 if the bytes stop before the last byte of
     *         the integer
     * @throws MqttDecodeException (0x81) if the integer would take a fifth byte, or is not in its
     *                             shortest form (MQTT-1.5.5-1)
     */
    public static long peekVarInt(ByteBuffer in, int index, int limit, Object what) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (index + i >= limit) {
                return -1;
            }
            int b = in.get(index + i) & 0xFF;
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                // A zero last byte after a continuation byte means a shorter form existed.
                if (b == 0 && i > 0) {
                    throw malformed(what + " must use the fewest bytes (MQTT-1.5.5-1), found: "
                            + hexBytes(in, index, i + 1));
                }
                return value | ((long) (i + 1) << 32);
            }
        }
        throw malformed(what + " is longer than 4 bytes, found: " + hexBytes(in, index, 4) + " ...");
    }

    private static String hexBytes(ByteBuffer in, int index, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : " ").append(hex(in.get(index + i) & 0xFF));
        }
        return sb.toString();
    }

    /** Reads a variable byte integer that must lie wholly in {@code in}. */
    public static int readVarInt(ByteBuffer in, Object what) {
        long v = peekVarInt(in, in.position(), in.limit(), what);
        if (v < 0) {
            throw malformed(what + " runs past the end of the packet");
        }
        in.position(in.position() + (int) (v >>> 32));
        return (int) v;
    }

    // ---- fixed-size integers

    /** Reads one unsigned byte. */
    public static int readByte(ByteBuffer in, Object what) {
        need(in, 1, what);
        return in.get() & 0xFF;
    }

    /** Reads a two-byte big-endian unsigned integer. */
    public static int readUnsignedShort(ByteBuffer in, Object what) {
        need(in, 2, what);
        return in.getShort() & 0xFFFF;
    }

    /** Reads a four-byte big-endian unsigned integer. */
    public static long readUnsignedInt(ByteBuffer in, Object what) {
        need(in, 4, what);
        return in.getInt() & 0xFFFF_FFFFL;
    }

    /**
     * Reads a packet identifier, which must not be 0 (MQTT-2.2.1-3 in 5.0, MQTT-2.3.1-1 in
     * 3.1.1): a protocol error (0x82) if it is.
     */
    public static int readPacketId(ByteBuffer in, Object packet) {
        if (in.remaining() < 2) {
            throw malformed(packet + " packet identifier needs 2 bytes but only " + in.remaining() + " remain in the packet");
        }
        int id = in.getShort() & 0xFFFF;
        if (id == 0) {
            throw protocolError(packet + " packet identifier must not be 0 (MQTT-2.2.1-3)");
        }
        return id;
    }

    private static void need(ByteBuffer in, int n, Object what) {
        if (in.remaining() < n) {
            throw malformed(what + " needs " + n + " bytes but only " + in.remaining()
                    + " remain in the packet");
        }
    }

    // ---- UTF-8 strings and binary data

    /**
     * The UTF-8 length of {@code s}, checked: no U+0000 (MQTT-1.5.4-2), no unpaired surrogate
     * (it has no UTF-8 form, MQTT-1.5.4-1), at most 65,535 bytes.
     *
     * @throws IllegalArgumentException naming the field and the value found
     */
    public static int utf8Length(String s, Object what) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    throw new IllegalArgumentException(what + " must not contain U+0000 (MQTT-1.5.4-2), found at index " + i);
                }
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " must be well-formed UTF-16 (MQTT-1.5.4-1), found an unpaired surrogate "
                        + String.format("U+%04X", (int) c) + " at index " + i);
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " must be at most 65535 UTF-8 bytes, found: " + bytes);
        }
        return bytes;
    }

    /** The encoded size of a UTF-8 string field: its two-byte length and its bytes. */
    public static int stringSize(String s, Object what) {
        return 2 + utf8Length(s, what);
    }

    /** Writes a UTF-8 string field (length prefix and bytes); {@code s} was checked by {@link #stringSize}. */
    public static void putString(ByteBuffer dst, String s) {
        int lengthAt = dst.position();
        dst.putShort((short) 0);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst.put((byte) c);
            } else if (c < 0x800) {
                dst.put((byte) (0xC0 | c >> 6)).put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst.put((byte) (0xF0 | cp >> 18)).put((byte) (0x80 | cp >> 12 & 0x3F))
                        .put((byte) (0x80 | cp >> 6 & 0x3F)).put((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("unpaired surrogate at index " + i + " (the size was not checked first)");
            } else {
                dst.put((byte) (0xE0 | c >> 12)).put((byte) (0x80 | c >> 6 & 0x3F)).put((byte) (0x80 | c & 0x3F));
            }
        }
        dst.putShort(lengthAt, (short) (dst.position() - lengthAt - 2));
    }

    /** The encoded size of a binary data field (length prefix and bytes), checked against 65,535. */
    public static int binarySize(byte[] data, Object what) {
        if (data.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " must be at most 65535 bytes, found: " + data.length);
        }
        return 2 + data.length;
    }

    /** Writes a binary data field; {@code data} was checked by {@link #binarySize}. */
    public static void putBinary(ByteBuffer dst, byte[] data) {
        dst.putShort((short) data.length).put(data);
    }

    /**
     * Reads a UTF-8 string field: the length must fit in the packet, the bytes must be
     * well-formed UTF-8 (MQTT-1.5.4-1) without U+0000 (MQTT-1.5.4-2); otherwise malformed (0x81).
     * A byte order mark is kept (MQTT-1.5.4-3).
     */
    public static String readString(ByteBuffer in, Object what) {
        int length = readUnsignedShort(in, what);
        if (length > in.remaining()) {
            throw malformed(what + " declares " + length + " bytes but only " + in.remaining()
                    + " remain in the packet");
        }
        int start = in.position();
        checkUtf8(in, start, length, what);
        String s;
        if (in.hasArray()) {
            s = new String(in.array(), in.arrayOffset() + start, length, StandardCharsets.UTF_8);
        } else {
            byte[] bytes = new byte[length];
            in.get(start, bytes);
            s = new String(bytes, StandardCharsets.UTF_8);
        }
        in.position(start + length);
        return s;
    }

    /** Reads a binary data field whose length must fit in the packet. */
    public static byte[] readBinary(ByteBuffer in, Object what) {
        int length = readUnsignedShort(in, what);
        if (length > in.remaining()) {
            throw malformed(what + " declares " + length + " bytes but only " + in.remaining()
                    + " remain in the packet");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /** Reads every byte left in the packet (a PUBLISH payload). */
    public static byte[] readRest(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return bytes;
    }

    /**
     * Checks {@code length} bytes at absolute {@code from} are well-formed UTF-8 (RFC 3629: no
     * overlong forms, no surrogates, nothing above U+10FFFF) without U+0000.
     */
    static void checkUtf8(ByteBuffer in, int from, int length, Object what) {
        int end = from + length;
        int i = from;
        while (i < end) {
            int b = in.get(i) & 0xFF;
            if (b < 0x80) {
                if (b == 0) {
                    throw malformed(what + " must not contain U+0000 (MQTT-1.5.4-2), found at byte " + (i - from));
                }
                i++;
                continue;
            }
            int trail;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                trail = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                trail = 2;
                if (b == 0xE0) {
                    secondMin = 0xA0; // overlong below U+0800
                } else if (b == 0xED) {
                    secondMax = 0x9F; // U+D800..U+DFFF, surrogates (MQTT-1.5.4-1)
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                trail = 3;
                if (b == 0xF0) {
                    secondMin = 0x90; // overlong below U+10000
                } else if (b == 0xF4) {
                    secondMax = 0x8F; // above U+10FFFF
                }
            } else {
                throw malformed(what + " is not valid UTF-8 (MQTT-1.5.4-1): byte " + hex(b) + " at " + (i - from));
            }
            if (i + trail >= end) {
                throw malformed(what + " is not valid UTF-8 (MQTT-1.5.4-1): the sequence starting with " + hex(b)
                        + " at " + (i - from) + " is cut off");
            }
            for (int k = 1; k <= trail; k++) {
                int c = in.get(i + k) & 0xFF;
                int min = k == 1 ? secondMin : 0x80;
                int max = k == 1 ? secondMax : 0xBF;
                if (c < min || c > max) {
                    throw malformed(what + " is not valid UTF-8 (MQTT-1.5.4-1): byte " + hex(c) + " at " + (i + k - from)
                            + " after " + hex(b));
                }
            }
            i += trail + 1;
        }
    }

    // ---- topics

    /**
     * Reads a topic name (PUBLISH, will topic, response topic): a protocol error (0x82) if it has
     * a wildcard (MQTT-3.3.2-2), or if it is empty and {@code mayBeEmpty} is false
     * (MQTT-4.7.3-1).
     */
    public static String readTopicName(ByteBuffer in, Object what, boolean mayBeEmpty) {
        String topic = readString(in, what);
        String problem = topicNameProblem(topic, mayBeEmpty, what);
        if (problem != null) {
            throw protocolError(problem);
        }
        return topic;
    }

    /** Why {@code topic} is not a topic name (empty, or with a wildcard), or null when it is one. */
    public static @Nullable String topicNameProblem(String topic, boolean mayBeEmpty, Object what) {
        if (topic.isEmpty() && !mayBeEmpty) {
            return what + " must not be empty (MQTT-4.7.3-1)";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return what + " must not contain wildcards (MQTT-3.3.2-2), found: " + topic;
            }
        }
        return null;
    }

    /**
     * Checks a topic name for encoding.
     *
     * @throws IllegalArgumentException if it is empty (unless allowed) or has a wildcard
     */
    public static void checkTopicName(String topic, boolean mayBeEmpty, Object what) {
        String problem = topicNameProblem(topic, mayBeEmpty, what);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Reads a topic filter: a protocol error (0x82) if it breaks {@link Topics#checkTopicFilter}. */
    public static String readTopicFilter(ByteBuffer in, Object what) {
        String filter = readString(in, what);
        try {
            Topics.checkTopicFilter(filter);
        } catch (IllegalArgumentException e) {
            throw protocolError(what + ": " + e.getMessage());
        }
        return filter;
    }

    /**
     * The encoded size of UNSUBSCRIBE's topic filters, each checked by {@link Topics#checkTopicFilter}.
     *
     * @throws IllegalArgumentException if a filter is not valid or too long
     */
    public static long filtersLength(List<String> filters, Object what) {
        long n = 0;
        for (int i = 0; i < filters.size(); i++) {
            Topics.checkTopicFilter(filters.get(i));
            n += stringSize(filters.get(i), what);
        }
        return n;
    }

    /** Writes strings one after the other. */
    public static void putStrings(ByteBuffer dst, List<String> strings) {
        for (int i = 0; i < strings.size(); i++) {
            putString(dst, strings.get(i));
        }
    }

    /**
     * Reads topic filters up to the end of the packet: at least one (MQTT-3.10.3-2), else a
     * protocol error (0x82).
     */
    public static List<String> readFilters(ByteBuffer in, Object what) {
        List<String> filters = new ArrayList<>();
        while (in.hasRemaining()) {
            filters.add(readTopicFilter(in, what));
        }
        if (filters.isEmpty()) {
            throw protocolError("UNSUBSCRIBE must carry at least one topic filter (MQTT-3.10.3-2), found none");
        }
        return filters;
    }

    /**
     * A subscription read from the wire, its options already range-checked; a protocol error
     * (0x82) for the combinations {@link TopicSubscription} refuses (no local on a shared
     * subscription, MQTT-3.8.3-4).
     */
    public static TopicSubscription subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
            int retainHandling) {
        try {
            return new TopicSubscription(filter, Qos.of(qos), noLocal, retainAsPublished, retainHandling);
        } catch (IllegalArgumentException e) {
            throw protocolError("SUBSCRIBE: " + e.getMessage());
        }
    }
}
