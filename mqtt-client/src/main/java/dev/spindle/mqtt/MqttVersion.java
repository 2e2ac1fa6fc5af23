package dev.spindle.mqtt;

/** The MQTT protocol version a client speaks; fixed per client. */
public enum MqttVersion {
    /** MQTT 3.1.1 (OASIS standard, 2014), protocol level 4. */
    V3_1_1(4),
    /** MQTT 5.0 (OASIS standard, 2019), protocol level 5. */
    V5(5);

    private final int level;

    MqttVersion(int level) {
        this.level = level;
    }

    /** The protocol level byte of CONNECT: 4 or 5. */
    public int level() {
        return level;
    }
}
