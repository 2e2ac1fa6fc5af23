package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.internal.packet.PacketType;

/**
 * Where a property list sits: each packet type that has one, and the will properties of CONNECT,
 * which have their own set (MQTT 5.0 §2.2.2.2, §3.1.3.2).
 */
enum PropertyScope {
    CONNECT("CONNECT"),
    WILL("CONNECT will"),
    CONNACK("CONNACK"),
    PUBLISH("PUBLISH"),
    PUBACK("PUBACK"),
    PUBREC("PUBREC"),
    PUBREL("PUBREL"),
    PUBCOMP("PUBCOMP"),
    SUBSCRIBE("SUBSCRIBE"),
    SUBACK("SUBACK"),
    UNSUBSCRIBE("UNSUBSCRIBE"),
    UNSUBACK("UNSUBACK"),
    DISCONNECT("DISCONNECT"),
    AUTH("AUTH");

    private final String label;

    PropertyScope(String label) {
        this.label = label;
    }

    /** The scope of PUBACK, PUBREC, PUBREL or PUBCOMP. */
    static PropertyScope ofAck(PacketType type) {
        switch (type) {
            case PUBACK:
                return PUBACK;
            case PUBREC:
                return PUBREC;
            case PUBREL:
                return PUBREL;
            case PUBCOMP:
                return PUBCOMP;
            default:
                throw new IllegalArgumentException("not an acknowledgement: " + type);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
