package dev.spindle.mqtt.internal.packet;

/**
 * One MQTT control packet, version-neutral: MQTT 5 fields (reason codes, properties) read as
 * their defaults on MQTT 3.1.1. The codecs in {@code internal.codec.v311} and {@code v5} turn
 * these into bytes and back.
 */
public sealed interface Packet permits Connect, Connack, Publish, Ack, Subscribe, Suback, Unsubscribe, Unsuback,
        Pingreq, Pingresp, Disconnect, Auth {
    /** The packet type. */
    PacketType type();
}
