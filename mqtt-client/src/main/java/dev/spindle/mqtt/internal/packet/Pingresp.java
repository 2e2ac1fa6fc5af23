package dev.spindle.mqtt.internal.packet;

/** PINGRESP. */
public record Pingresp() implements Packet {
    /** The one instance needed. */
    public static final Pingresp INSTANCE = new Pingresp();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
