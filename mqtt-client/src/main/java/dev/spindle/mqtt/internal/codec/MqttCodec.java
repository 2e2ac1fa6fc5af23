package dev.spindle.mqtt.internal.codec;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.v311.Mqtt311Codec;
import dev.spindle.mqtt.internal.codec.v5.Mqtt5Codec;
import dev.spindle.mqtt.internal.packet.Packet;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link Packet}s into MQTT bytes and back, for one protocol version. Stateless and
 * thread-safe. Decodes every packet type of the version in both directions (the client core
 * decides which types a server may send; tests use the server side).
 */
public abstract class MqttCodec {
    /** The codec for a version. */
    public static MqttCodec of(MqttVersion version) {
        return version == MqttVersion.V5 ? Mqtt5Codec.INSTANCE : Mqtt311Codec.INSTANCE;
    }

    /** The version this codec speaks. */
    public abstract MqttVersion version();

    /**
     * The size of the whole encoded packet, fixed header included.
     *
     * @throws IllegalArgumentException if the packet cannot be expressed in this version
     */
    public abstract int encodedSize(Packet packet);

    /**
     * Writes the whole packet at {@code dst}'s position, which advances by
     * {@link #encodedSize(Packet)}.
     *
     * @throws IllegalArgumentException          if the packet cannot be expressed in this version
     *                                           (an AUTH on 3.1.1, a string over 65,535 bytes, ...)
     * @throws java.nio.BufferOverflowException if {@code dst} has too little room
     */
    public abstract void encode(Packet packet, ByteBuffer dst);

    /** The packet in a new heap buffer, flipped for reading. */
    public ByteBuffer encode(Packet packet) {
        ByteBuffer b = ByteBuffer.allocate(encodedSize(packet));
        encode(packet, b);
        return b.flip();
    }

    /**
     * Decodes the packet at the start of {@code in} (from its position to its limit). When the
     * whole packet is there, returns it with the position just past it; when it is not yet
     * complete, returns null and leaves the position alone.
     *
     * @param maximumPacketSize the largest packet accepted (fixed header included); a larger one
     *                          fails as soon as its fixed header is readable, before its body
     *                          arrives
     * @throws MqttDecodeException if the bytes are not a valid packet of this version (reason
     *                             0x81 malformed, 0x82 protocol error, 0x95 too large); the
     *                             position is then unspecified
     */
    public abstract @Nullable Packet decode(ByteBuffer in, int maximumPacketSize);
}
