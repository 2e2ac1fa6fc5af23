package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.MqttPrimitives.hex;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.malformed;
import static dev.spindle.mqtt.internal.codec.MqttPrimitives.protocolError;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.ReasonCodes;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Publish;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The fixed header (MQTT 3.1.1 §2.2, MQTT 5.0 §2.1), the same in both versions; subclasses
 * encode and decode what follows it, one class per packet type.
 *
 * <p>Decoding checks, in this order and as soon as the bytes for each are present: the packet
 * type (0 is reserved; a subclass may refuse more), the fixed-header flags (MQTT-2.2.2-1/2,
 * PUBLISH QoS 3 and DUP on QoS 0), the remaining length (at most 4 bytes, shortest form), the
 * size against the caller's maximum, and only then waits for the body. The body is decoded from
 * a view whose limit is the packet's end, and must be used up exactly.
 */
public abstract class AbstractMqttCodec extends MqttCodec {
    /** For subclasses. */
    protected AbstractMqttCodec() {
    }

    /**
     * The length of the packet's variable header and payload.
     *
     * @throws IllegalArgumentException if the packet cannot be expressed in this version
     */
    protected abstract long remainingLength(Packet packet);

    /** Writes the variable header and payload; {@link #remainingLength} was called just before. */
    protected abstract void encodeBody(Packet packet, ByteBuffer dst);

    /**
     * Decodes a whole body.
     *
     * @param type  the packet type, one this codec {@link #supports}
     * @param flags the fixed-header flags, already checked
     * @param body  exactly the packet's variable header and payload (position 0, big-endian)
     */
    protected abstract Packet decodeBody(PacketType type, int flags, ByteBuffer body);

    /** Whether this version has the packet type at all. */
    protected abstract boolean supports(PacketType type);

    @Override
    public final int encodedSize(Packet packet) {
        int remaining = checkedRemainingLength(packet);
        return 1 + MqttPrimitives.varIntSize(remaining) + remaining;
    }

    @Override
    public final void encode(Packet packet, ByteBuffer dst) {
        int remaining = checkedRemainingLength(packet);
        int size = 1 + MqttPrimitives.varIntSize(remaining) + remaining;
        if (dst.remaining() < size) {
            throw new BufferOverflowException();
        }
        int start = dst.position();
        dst.put((byte) (packet.type().code() << 4 | flags(packet)));
        MqttPrimitives.putVarInt(dst, remaining);
        encodeBody(packet, dst);
        if (dst.position() - start != size) {
            throw new IllegalStateException(packet.type() + " encoder wrote " + (dst.position() - start)
                    + " bytes but computed " + size);
        }
    }

    private int checkedRemainingLength(Packet packet) {
        if (!supports(packet.type())) {
            throw new IllegalArgumentException(packet.type() + " cannot be sent with MQTT " + versionName());
        }
        long length = remainingLength(packet);
        if (length > MqttPrimitives.MAX_VARIABLE_BYTE_INTEGER) {
            throw new IllegalArgumentException(packet.type() + " remaining length must be at most 268435455, found: "
                    + length);
        }
        return (int) length;
    }

    private static int flags(Packet packet) {
        switch (packet.type()) {
            case PUBLISH:
                Publish p = (Publish) packet;
                return (p.dup() ? 0b1000 : 0) | p.qos().value() << 1 | (p.retain() ? 1 : 0);
            case PUBREL:
            case SUBSCRIBE:
            case UNSUBSCRIBE:
                return 0b0010;
            default:
                return 0;
        }
    }

    @Override
    public final @Nullable Packet decode(ByteBuffer in, int maximumPacketSize) {
        if (maximumPacketSize < 2) {
            throw new IllegalArgumentException("maximumPacketSize must be at least 2, found: " + maximumPacketSize);
        }
        int start = in.position();
        int limit = in.limit();
        if (start == limit) {
            return null;
        }
        int first = in.get(start) & 0xFF;
        PacketType type = PacketType.ofCode(first >>> 4);
        if (type == null) {
            throw malformed("packet type 0 is reserved (MQTT 5.0 §2.1.2), found first byte " + hex(first));
        }
        if (!supports(type)) {
            throw malformed("packet type " + type.code() + " (" + type + ") does not exist in MQTT " + versionName()
                    + ", found first byte " + hex(first));
        }
        int flags = first & 0x0F;
        checkFlags(type, flags);
        long header = MqttPrimitives.peekVarInt(in, start + 1, limit, "remaining length");
        if (header < 0) {
            return null;
        }
        int remaining = (int) header;
        long size = 1 + (header >>> 32) + remaining;
        if (size > maximumPacketSize) {
            throw new MqttDecodeException(ReasonCodes.PACKET_TOO_LARGE, type + " of " + size
                    + " bytes is larger than the maximum packet size " + maximumPacketSize);
        }
        if (limit - start < size) {
            return null;
        }
        ByteBuffer body = in.slice(start + (int) (size - remaining), remaining);
        Packet packet = decodeBody(type, flags, body);
        if (body.hasRemaining()) {
            throw malformed(type + " has " + body.remaining() + " bytes after its last field (remaining length "
                    + remaining + ")");
        }
        in.position(start + (int) size);
        return packet;
    }

    private static void checkFlags(PacketType type, int flags) {
        if (type == PacketType.PUBLISH) {
            int qos = flags >> 1 & 0b11;
            if (qos == 3) {
                throw malformed("PUBLISH QoS must be 0, 1 or 2 (MQTT-3.3.1-4), found: 3");
            }
            if (qos == 0 && (flags & 0b1000) != 0) {
                throw protocolError("PUBLISH DUP must be 0 with QoS 0 (MQTT-3.3.1-2), found: 1");
            }
            return;
        }
        int expected = type == PacketType.PUBREL || type == PacketType.SUBSCRIBE || type == PacketType.UNSUBSCRIBE
                ? 0b0010 : 0;
        if (flags != expected) {
            throw malformed(type + " fixed-header flags must be " + bits(expected) + " (MQTT-2.2.2-1), found: "
                    + bits(flags));
        }
    }

    private static String bits(int flags) {
        return "0b" + Integer.toBinaryString(0x10 | flags).substring(1);
    }

    private String versionName() {
        return version() == MqttVersion.V5 ? "5.0" : "3.1.1";
    }
}
