package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The reason codes one MQTT 5 packet type may carry (the tables of §3.2.2.2, §3.4.2.1, ...). A
 * code outside the set is a malformed packet (0x81) when read and an
 * {@link IllegalArgumentException} when written.
 */
final class ReasonCodeSet {
    private final String packet;
    /** The field name for messages, built once. */
    private final String field;
    private final long[] bits = new long[4];
    private final String listed;

    private ReasonCodeSet(String packet, int[] codes) {
        this.packet = packet;
        this.field = packet + " reason code";
        StringBuilder sb = new StringBuilder();
        for (int c : codes) {
            bits[c >>> 6] |= 1L << (c & 63);
            sb.append(sb.length() == 0 ? "" : ", ").append(MqttPrimitives.hex(c));
        }
        this.listed = sb.toString();
    }

    static ReasonCodeSet of(String packet, int... codes) {
        return new ReasonCodeSet(packet, codes);
    }

    boolean contains(int code) {
        return code >= 0 && code < 256 && (bits[code >>> 6] & 1L << (code & 63)) != 0;
    }

    /** Reads one reason code. */
    int read(ByteBuffer in) {
        int code = MqttPrimitives.readByte(in, field);
        if (!contains(code)) {
            throw MqttPrimitives.malformed(field + " must be one of " + listed + ", found: "
                    + MqttPrimitives.hex(code));
        }
        return code;
    }

    /** Checks a reason code to be written. */
    void check(int code) {
        if (!contains(code)) {
            throw new IllegalArgumentException(field + " must be one of " + listed + ", found: "
                    + MqttPrimitives.hex(code));
        }
    }

    /** Reads one reason code per remaining byte (SUBACK, UNSUBACK payloads): at least one. */
    List<Integer> readList(ByteBuffer in) {
        List<Integer> codes = new ArrayList<>(in.remaining());
        while (in.hasRemaining()) {
            codes.add(read(in));
        }
        if (codes.isEmpty()) {
            throw MqttPrimitives.protocolError(packet + " must carry at least one reason code, found none");
        }
        return codes;
    }

    /** Checks a list of reason codes to be written (at least one); returns its size. */
    int checkList(List<Integer> codes) {
        if (codes.isEmpty()) {
            throw new IllegalArgumentException(packet + " needs at least one reason code, found none");
        }
        for (int i = 0; i < codes.size(); i++) {
            check(codes.get(i));
        }
        return codes.size();
    }

    /** Writes a list of reason codes. */
    static void putList(ByteBuffer dst, List<Integer> codes) {
        for (int i = 0; i < codes.size(); i++) {
            dst.put(codes.get(i).byteValue());
        }
    }
}
