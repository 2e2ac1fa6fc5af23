package dev.spindle.mqtt;

/** MQTT quality of service. */
public enum Qos {
    /** QoS 0: delivered at most once, never acknowledged. */
    AT_MOST_ONCE,
    /** QoS 1: delivered at least once (PUBLISH, PUBACK). */
    AT_LEAST_ONCE,
    /** QoS 2: delivered exactly once (PUBLISH, PUBREC, PUBREL, PUBCOMP). */
    EXACTLY_ONCE;

    private static final Qos[] VALUES = values();

    /** The wire value: 0, 1 or 2. */
    public int value() {
        return ordinal();
    }

    /**
     * The QoS with this wire value.
     *
     * @throws IllegalArgumentException if {@code value} is not 0, 1 or 2
     */
    public static Qos of(int value) {
        if (value < 0 || value > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found: " + value);
        }
        return VALUES[value];
    }
}
