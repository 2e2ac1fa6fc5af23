package dev.spindle.mqtt.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.internal.packet.Packet;
import java.io.ByteArrayOutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Assertions shared by the codec tests of both versions. */
public final class CodecAssertions {
    /** A maximum packet size that refuses nothing. */
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    private CodecAssertions() {
    }

    /**
     * Bytes written out by hand: each {@code Integer} is one byte (0..255), each {@code Character}
     * one ASCII byte, each {@code String} its UTF-8 bytes (no length prefix), each {@code byte[]}
     * itself.
     */
    public static byte[] wire(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer) {
                int b = (Integer) p;
                if (b < 0 || b > 255) {
                    throw new IllegalArgumentException("not a byte: " + b);
                }
                out.write(b);
            } else if (p instanceof Character) {
                out.write((Character) p);
            } else if (p instanceof String) {
                out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes((byte[]) p);
            }
        }
        return out.toByteArray();
    }

    /**
     * A packet with the given first byte around a body written as {@link #wire}, the remaining
     * length computed; for the malformed cases (the exact-bytes cases spell it out).
     */
    public static byte[] framed(int first, Object... body) {
        byte[] b = wire(body);
        ByteBuffer out = ByteBuffer.allocate(5 + b.length);
        out.put((byte) first);
        MqttPrimitives.putVarInt(out, b.length);
        out.put(b);
        return toArray(out.flip());
    }

    /**
     * A CONNECT of protocol level {@code level} with the given connect flags and keep alive 60,
     * followed by {@code rest} (properties, payload) as {@link #wire}, the remaining length computed.
     */
    public static byte[] connectPacket(int level, int flags, Object... rest) {
        Object[] all = new Object[7 + rest.length];
        Object[] header = {0, 4, "MQTT", level, flags, 0, 60};
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(rest, 0, all, header.length, rest.length);
        return framed(0x10, all);
    }

    /** Hex dump for messages. */
    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    /** The bytes between position and limit, without moving them. */
    public static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Decodes exactly one whole packet that fills {@code wire}. */
    public static Packet decodeOne(MqttCodec codec, byte[] wire) {
        ByteBuffer in = ByteBuffer.wrap(wire);
        Packet p = codec.decode(in, NO_LIMIT);
        assertNotNull(p, () -> "incomplete: " + hex(wire));
        assertEquals(wire.length, in.position(), "decode must consume the whole packet");
        return p;
    }

    /**
     * Asserts that decoding {@code wire} fails with {@code reason} and a message containing every
     * fragment, and that the exception is stackless.
     */
    public static MqttDecodeException assertDecodeFails(MqttCodec codec, int reason, byte[] wire, String... fragments) {
        MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> codec.decode(ByteBuffer.wrap(wire), NO_LIMIT),
                () -> "decoding " + hex(wire));
        assertEquals(reason, e.reasonCode(), () -> String.format("reason code for %s: %s", hex(wire), e.getMessage()));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
        assertEquals(0, e.getStackTrace().length, "decode exceptions are stackless");
        return e;
    }

    /** Asserts that encoding {@code packet} is refused with a message containing every fragment. */
    public static IllegalArgumentException assertEncodeFails(MqttCodec codec, Packet packet, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encodedSize(packet));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
        ByteBuffer dst = ByteBuffer.allocate(1024);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(packet, dst));
        assertEquals(0, dst.position(), "a refused packet writes nothing");
        return e;
    }

    /**
     * The packet encodes to exactly {@code wire} (written out by hand from the specification),
     * {@code wire} decodes to the packet, and {@link #assertContract} holds.
     */
    public static void assertWire(MqttCodec codec, Packet packet, byte[] wire) {
        byte[] encoded = toArray(codec.encode(packet));
        assertArrayEquals(wire, encoded, () -> "encoded " + packet + "\n  expected " + hex(wire) + "\n  found    "
                + hex(encoded));
        assertEquals(packet, decodeOne(codec, wire));
        assertContract(codec, packet);
    }

    /** Encode then decode gives an equal packet, and {@link #assertContract} holds. */
    public static void assertRoundTrip(MqttCodec codec, Packet packet) {
        byte[] encoded = toArray(codec.encode(packet));
        assertEquals(packet, decodeOne(codec, encoded), () -> "round trip through " + hex(encoded));
        assertContract(codec, packet);
    }

    /**
     * What {@link MqttCodec} promises for any packet: the size matches the bytes; every strict
     * prefix is incomplete (null, position kept); the packet decodes at an offset with more
     * bytes after it, from heap, direct and read-only buffers; a maximum one byte too small is
     * refused with 0x95 from the fixed header alone; encoding at an offset advances by the size
     * and a buffer one byte short overflows without writing.
     */
    public static void assertContract(MqttCodec codec, Packet packet) {
        int size = codec.encodedSize(packet);
        byte[] wire = toArray(codec.encode(packet));
        assertEquals(size, wire.length, "encodedSize");

        for (int n = 0; n < wire.length; n++) {
            ByteBuffer prefix = ByteBuffer.wrap(wire).limit(n);
            assertNull(codec.decode(prefix, NO_LIMIT), "a prefix of " + n + " bytes must be incomplete");
            assertEquals(0, prefix.position(), "an incomplete decode leaves the position");
        }

        byte[] framed = new byte[wire.length + 5];
        System.arraycopy(wire, 0, framed, 3, wire.length);
        framed[wire.length + 3] = (byte) 0xC0; // the start of a PINGREQ after it
        for (ByteBuffer in : List.of(ByteBuffer.wrap(framed), direct(framed), ByteBuffer.wrap(framed).asReadOnlyBuffer())) {
            in.position(3);
            assertEquals(packet, codec.decode(in, size), "decoding from " + in);
            assertEquals(3 + wire.length, in.position());
        }

        int header = wire.length - remainingLength(wire);
        if (size - 1 >= 2) {
            ByteBuffer headerOnly = ByteBuffer.wrap(Arrays.copyOf(wire, header));
            MqttDecodeException e = assertThrows(MqttDecodeException.class, () -> codec.decode(headerOnly, size - 1));
            assertEquals(0x95, e.reasonCode());
            assertTrue(e.getMessage().contains(String.valueOf(size)), e.getMessage());
        }

        ByteBuffer dst = ByteBuffer.allocate(size + 7).position(4);
        codec.encode(packet, dst);
        assertEquals(4 + size, dst.position());
        assertArrayEquals(wire, Arrays.copyOfRange(dst.array(), 4, 4 + size));
        ByteBuffer directDst = ByteBuffer.allocateDirect(size);
        codec.encode(packet, directDst);
        assertArrayEquals(wire, toArray(directDst.flip()));

        ByteBuffer small = ByteBuffer.allocate(size - 1);
        assertThrows(BufferOverflowException.class, () -> codec.encode(packet, small));
        assertEquals(0, small.position(), "an overflowing encode writes nothing");
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    /** The remaining length field of a whole packet, read independently of the codec. */
    public static int remainingLength(byte[] wire) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = wire[1 + i] & 0xFF;
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new AssertionError("bad remaining length in " + hex(wire));
    }

    /**
     * Feeds the concatenated encodings of {@code packets} one byte at a time through a small
     * receive buffer, decoding after each byte as a client loop would, and asserts each packet
     * comes out once, in order, on the byte that completes it.
     */
    public static void assertIncremental(MqttCodec codec, List<? extends Packet> packets) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (Packet p : packets) {
            stream.writeBytes(toArray(codec.encode(p)));
            ends.add(stream.size());
        }
        byte[] all = stream.toByteArray();
        ByteBuffer acc = ByteBuffer.allocate(all.length);
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            acc.put(all[i]);
            acc.flip();
            Packet p;
            while ((p = codec.decode(acc, NO_LIMIT)) != null) {
                if (ends.get(out.size()) != i + 1) {
                    fail("packet " + out.size() + " came out after byte " + (i + 1) + ", expected after " + ends.get(out.size()));
                }
                out.add(p);
            }
            acc.compact();
        }
        assertEquals(packets, out);
        assertEquals(0, acc.position(), "nothing left over");
    }
}
