package dev.spindle.mqtt.internal.packet;

/** PINGREQ. */
public record Pingreq() implements Packet {
    /** The one instance needed. */
    public static final Pingreq INSTANCE = new Pingreq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
