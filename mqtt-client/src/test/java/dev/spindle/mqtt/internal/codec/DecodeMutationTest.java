package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.NO_LIMIT;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.hex;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.packet.Packet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Untrusted input: valid packets with bytes changed, dropped, inserted or cut (the remaining
 * length kept consistent or not), and random bytes. Whatever comes in, decode returns a packet,
 * returns null, or throws {@link MqttDecodeException} with 0x81, 0x82 or 0x95: never another
 * exception (an index, a buffer underflow, a record refusing its arguments). A packet it
 * returns must encode again, and decode to itself: the encoder accepts all the decoder does.
 */
class DecodeMutationTest {
    private static final int ROUNDS = 60_000;

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void mutatedPacketsDecodeFailOrWaitButNeverBreak(MqttVersion v) {
        MqttCodec codec = MqttCodec.of(v);
        List<byte[]> seeds = new ArrayList<>();
        for (Packet p : v == MqttVersion.V5 ? SamplePackets.v5() : SamplePackets.v311()) {
            byte[] b = toArray(codec.encode(p));
            if (b.length < 2_000) {
                seeds.add(b);
            }
        }
        Random r = new Random(v.level() * 7919L);
        int decoded = 0;
        int failed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = seeds.get(r.nextInt(seeds.size()));
            byte[] input = mutate(seed, r);
            Outcome o = decode(codec, input);
            if (o == Outcome.DECODED) {
                decoded++;
            } else if (o == Outcome.FAILED) {
                failed++;
            }
        }
        // Both outcomes must be common, or the mutations are not exercising the decoder.
        assertTrue(decoded > ROUNDS / 20, "decoded " + decoded);
        assertTrue(failed > ROUNDS / 5, "failed " + failed);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void randomBytesNeverBreakTheDecoder(MqttVersion v) {
        MqttCodec codec = MqttCodec.of(v);
        Random r = new Random(17 + v.level());
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = new byte[r.nextInt(40)];
            r.nextBytes(input);
            if (input.length > 1) {
                // Keep most remaining lengths small so that bodies are complete and get parsed.
                input[1] = (byte) r.nextInt(Math.min(input.length, 127));
            }
            decode(codec, input);
        }
    }

    private enum Outcome { DECODED, INCOMPLETE, FAILED }

    private static Outcome decode(MqttCodec codec, byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        Packet p;
        try {
            p = codec.decode(in, NO_LIMIT);
        } catch (MqttDecodeException e) {
            int rc = e.reasonCode();
            if (rc != 0x81 && rc != 0x82 && rc != 0x95) {
                throw new AssertionError("reason " + rc + " for " + hex(input), e);
            }
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            throw new AssertionError("decoding " + hex(input) + " threw " + e, e);
        }
        if (p == null) {
            assertEquals(0, in.position(), "incomplete decode moved the position");
            return Outcome.INCOMPLETE;
        }
        byte[] again;
        try {
            again = toArray(codec.encode(p));
        } catch (RuntimeException e) {
            throw new AssertionError("decoded " + p + " from " + hex(input) + " but cannot encode it: " + e, e);
        }
        Packet back = codec.decode(ByteBuffer.wrap(again), NO_LIMIT);
        assertEquals(p, back, () -> "re-encoding " + hex(input));
        return Outcome.DECODED;
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int kind = r.nextInt(6);
        int header = seed.length - CodecAssertions.remainingLength(seed);
        switch (kind) {
            case 0: // flip bits in the body, the length kept
                for (int i = 0, n = 1 + r.nextInt(3); i < n && b.length > header; i++) {
                    b[header + r.nextInt(b.length - header)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            case 1: // set a body byte to an edge value
                if (b.length > header) {
                    int[] edges = {0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xFF, 0x26, 0x0B, 0x23, 0x2B};
                    b[header + r.nextInt(b.length - header)] = (byte) edges[r.nextInt(edges.length)];
                }
                return b;
            case 2: // cut the body, the remaining length rewritten to match
                return rewrap(b[0], Arrays.copyOfRange(b, header, header + r.nextInt(b.length - header + 1)));
            case 3: // insert bytes in the body, the remaining length rewritten
                byte[] body = Arrays.copyOfRange(b, header, b.length);
                int at = r.nextInt(body.length + 1);
                byte[] extra = new byte[1 + r.nextInt(4)];
                r.nextBytes(extra);
                byte[] grown = new byte[body.length + extra.length];
                System.arraycopy(body, 0, grown, 0, at);
                System.arraycopy(extra, 0, grown, at, extra.length);
                System.arraycopy(body, at, grown, at + extra.length, body.length - at);
                return rewrap(b[0], grown);
            case 4: // change the first byte
                b[0] = (byte) (b[0] ^ (1 << r.nextInt(8)));
                return b;
            default: // change the remaining length, the bytes kept
                if (header == 2) {
                    b[1] = (byte) Math.max(0, Math.min(127, (b[1] & 0xFF) + r.nextInt(7) - 3));
                }
                return b;
        }
    }

    private static byte[] rewrap(byte first, byte[] body) {
        ByteBuffer out = ByteBuffer.allocate(5 + body.length);
        out.put(first);
        MqttPrimitives.putVarInt(out, body.length);
        out.put(body);
        return toArray(out.flip());
    }
}
