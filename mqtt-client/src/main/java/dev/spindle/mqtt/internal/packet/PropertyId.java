package dev.spindle.mqtt.internal.packet;

/** MQTT 5 property identifiers (MQTT 5.0 §2.2.2.2) and the wire type of their values. */
public enum PropertyId {
    PAYLOAD_FORMAT_INDICATOR(0x01, Kind.BYTE),
    MESSAGE_EXPIRY_INTERVAL(0x02, Kind.FOUR_BYTE_INTEGER),
    CONTENT_TYPE(0x03, Kind.UTF8_STRING),
    RESPONSE_TOPIC(0x08, Kind.UTF8_STRING),
    CORRELATION_DATA(0x09, Kind.BINARY_DATA),
    SUBSCRIPTION_IDENTIFIER(0x0B, Kind.VARIABLE_BYTE_INTEGER),
    SESSION_EXPIRY_INTERVAL(0x11, Kind.FOUR_BYTE_INTEGER),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Kind.UTF8_STRING),
    SERVER_KEEP_ALIVE(0x13, Kind.TWO_BYTE_INTEGER),
    AUTHENTICATION_METHOD(0x15, Kind.UTF8_STRING),
    AUTHENTICATION_DATA(0x16, Kind.BINARY_DATA),
    REQUEST_PROBLEM_INFORMATION(0x17, Kind.BYTE),
    WILL_DELAY_INTERVAL(0x18, Kind.FOUR_BYTE_INTEGER),
    REQUEST_RESPONSE_INFORMATION(0x19, Kind.BYTE),
    RESPONSE_INFORMATION(0x1A, Kind.UTF8_STRING),
    SERVER_REFERENCE(0x1C, Kind.UTF8_STRING),
    REASON_STRING(0x1F, Kind.UTF8_STRING),
    RECEIVE_MAXIMUM(0x21, Kind.TWO_BYTE_INTEGER),
    TOPIC_ALIAS_MAXIMUM(0x22, Kind.TWO_BYTE_INTEGER),
    TOPIC_ALIAS(0x23, Kind.TWO_BYTE_INTEGER),
    MAXIMUM_QOS(0x24, Kind.BYTE),
    RETAIN_AVAILABLE(0x25, Kind.BYTE),
    USER_PROPERTY(0x26, Kind.UTF8_STRING_PAIR),
    MAXIMUM_PACKET_SIZE(0x27, Kind.FOUR_BYTE_INTEGER),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Kind.BYTE),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Kind.BYTE),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Kind.BYTE);

    /**
     * The wire type of a property value, and the Java type {@link Properties} holds it as:
     * numbers as {@code Long}, strings as {@code String}, binary data as {@code byte[]}, string
     * pairs as {@code dev.spindle.mqtt.UserProperty}.
     */
    public enum Kind {
        BYTE, TWO_BYTE_INTEGER, FOUR_BYTE_INTEGER, VARIABLE_BYTE_INTEGER, UTF8_STRING, BINARY_DATA, UTF8_STRING_PAIR
    }

    private static final PropertyId[] BY_ID = new PropertyId[0x2B];

    static {
        for (PropertyId p : values()) {
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Kind kind;

    PropertyId(int id, Kind kind) {
        this.id = id;
        this.kind = kind;
    }

    /** The identifier byte. */
    public int id() {
        return id;
    }

    /** The wire type. */
    public Kind kind() {
        return kind;
    }

    /** Whether a packet may carry this property more than once (user property, subscription identifier). */
    public boolean repeatable() {
        return this == USER_PROPERTY || this == SUBSCRIPTION_IDENTIFIER;
    }

    /** The property with this identifier, or null if there is none. */
    public static @org.jspecify.annotations.Nullable PropertyId ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
