package dev.spindle.mqtt;

/**
 * MQTT 5 reason codes (MQTT 5.0 §2.4) used by the client, and their names; MQTT 3.1.1 CONNACK
 * return codes have their own {@link #describeConnectReturnCode}.
 */
public final class ReasonCodes {
    /** Success / normal disconnection / granted QoS 0. */
    public static final int SUCCESS = 0x00;
    /** Granted QoS 1. */
    public static final int GRANTED_QOS_1 = 0x01;
    /** Granted QoS 2. */
    public static final int GRANTED_QOS_2 = 0x02;
    /** Disconnect with will message. */
    public static final int DISCONNECT_WITH_WILL = 0x04;
    /** No matching subscribers. */
    public static final int NO_MATCHING_SUBSCRIBERS = 0x10;
    /** No subscription existed. */
    public static final int NO_SUBSCRIPTION_EXISTED = 0x11;
    /** Continue authentication. */
    public static final int CONTINUE_AUTHENTICATION = 0x18;
    /** Re-authenticate. */
    public static final int REAUTHENTICATE = 0x19;
    /** Unspecified error (also MQTT 3.1.1's SUBACK failure, 0x80). */
    public static final int UNSPECIFIED_ERROR = 0x80;
    /** Malformed packet. */
    public static final int MALFORMED_PACKET = 0x81;
    /** Protocol error. */
    public static final int PROTOCOL_ERROR = 0x82;
    /** Implementation specific error. */
    public static final int IMPLEMENTATION_SPECIFIC_ERROR = 0x83;
    /** Unsupported protocol version. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = 0x84;
    /** Client identifier not valid. */
    public static final int CLIENT_IDENTIFIER_NOT_VALID = 0x85;
    /** Bad user name or password. */
    public static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    /** Not authorized. */
    public static final int NOT_AUTHORIZED = 0x87;
    /** Server unavailable. */
    public static final int SERVER_UNAVAILABLE = 0x88;
    /** Server busy. */
    public static final int SERVER_BUSY = 0x89;
    /** Banned. */
    public static final int BANNED = 0x8A;
    /** Server shutting down. */
    public static final int SERVER_SHUTTING_DOWN = 0x8B;
    /** Bad authentication method. */
    public static final int BAD_AUTHENTICATION_METHOD = 0x8C;
    /** Keep alive timeout. */
    public static final int KEEP_ALIVE_TIMEOUT = 0x8D;
    /** Session taken over. */
    public static final int SESSION_TAKEN_OVER = 0x8E;
    /** Topic filter invalid. */
    public static final int TOPIC_FILTER_INVALID = 0x8F;
    /** Topic name invalid. */
    public static final int TOPIC_NAME_INVALID = 0x90;
    /** Packet identifier in use. */
    public static final int PACKET_IDENTIFIER_IN_USE = 0x91;
    /** Packet identifier not found. */
    public static final int PACKET_IDENTIFIER_NOT_FOUND = 0x92;
    /** Receive maximum exceeded. */
    public static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    /** Topic alias invalid. */
    public static final int TOPIC_ALIAS_INVALID = 0x94;
    /** Packet too large. */
    public static final int PACKET_TOO_LARGE = 0x95;
    /** Message rate too high. */
    public static final int MESSAGE_RATE_TOO_HIGH = 0x96;
    /** Quota exceeded. */
    public static final int QUOTA_EXCEEDED = 0x97;
    /** Administrative action. */
    public static final int ADMINISTRATIVE_ACTION = 0x98;
    /** Payload format invalid. */
    public static final int PAYLOAD_FORMAT_INVALID = 0x99;
    /** Retain not supported. */
    public static final int RETAIN_NOT_SUPPORTED = 0x9A;
    /** QoS not supported. */
    public static final int QOS_NOT_SUPPORTED = 0x9B;
    /** Use another server. */
    public static final int USE_ANOTHER_SERVER = 0x9C;
    /** Server moved. */
    public static final int SERVER_MOVED = 0x9D;
    /** Shared subscriptions not supported. */
    public static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
    /** Connection rate exceeded. */
    public static final int CONNECTION_RATE_EXCEEDED = 0x9F;
    /** Maximum connect time. */
    public static final int MAXIMUM_CONNECT_TIME = 0xA0;
    /** Subscription identifiers not supported. */
    public static final int SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = 0xA1;
    /** Wildcard subscriptions not supported. */
    public static final int WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = 0xA2;

    private ReasonCodes() {
    }

    /** Whether {@code code} reports a failure (0x80 and above). */
    public static boolean isError(int code) {
        return code >= 0x80;
    }

    /**
     * A readable name for an MQTT 5 reason code, with the number: {@code "0x87 not authorized"}.
     */
    public static String describe(int code) {
        String name = switch (code) {
            case SUCCESS -> "success";
            case GRANTED_QOS_1 -> "granted QoS 1";
            case GRANTED_QOS_2 -> "granted QoS 2";
            case DISCONNECT_WITH_WILL -> "disconnect with will message";
            case NO_MATCHING_SUBSCRIBERS -> "no matching subscribers";
            case NO_SUBSCRIPTION_EXISTED -> "no subscription existed";
            case CONTINUE_AUTHENTICATION -> "continue authentication";
            case REAUTHENTICATE -> "re-authenticate";
            case UNSPECIFIED_ERROR -> "unspecified error";
            case MALFORMED_PACKET -> "malformed packet";
            case PROTOCOL_ERROR -> "protocol error";
            case IMPLEMENTATION_SPECIFIC_ERROR -> "implementation specific error";
            case UNSUPPORTED_PROTOCOL_VERSION -> "unsupported protocol version";
            case CLIENT_IDENTIFIER_NOT_VALID -> "client identifier not valid";
            case BAD_USER_NAME_OR_PASSWORD -> "bad user name or password";
            case NOT_AUTHORIZED -> "not authorized";
            case SERVER_UNAVAILABLE -> "server unavailable";
            case SERVER_BUSY -> "server busy";
            case BANNED -> "banned";
            case SERVER_SHUTTING_DOWN -> "server shutting down";
            case BAD_AUTHENTICATION_METHOD -> "bad authentication method";
            case KEEP_ALIVE_TIMEOUT -> "keep alive timeout";
            case SESSION_TAKEN_OVER -> "session taken over";
            case TOPIC_FILTER_INVALID -> "topic filter invalid";
            case TOPIC_NAME_INVALID -> "topic name invalid";
            case PACKET_IDENTIFIER_IN_USE -> "packet identifier in use";
            case PACKET_IDENTIFIER_NOT_FOUND -> "packet identifier not found";
            case RECEIVE_MAXIMUM_EXCEEDED -> "receive maximum exceeded";
            case TOPIC_ALIAS_INVALID -> "topic alias invalid";
            case PACKET_TOO_LARGE -> "packet too large";
            case MESSAGE_RATE_TOO_HIGH -> "message rate too high";
            case QUOTA_EXCEEDED -> "quota exceeded";
            case ADMINISTRATIVE_ACTION -> "administrative action";
            case PAYLOAD_FORMAT_INVALID -> "payload format invalid";
            case RETAIN_NOT_SUPPORTED -> "retain not supported";
            case QOS_NOT_SUPPORTED -> "QoS not supported";
            case USE_ANOTHER_SERVER -> "use another server";
            case SERVER_MOVED -> "server moved";
            case SHARED_SUBSCRIPTIONS_NOT_SUPPORTED -> "shared subscriptions not supported";
            case CONNECTION_RATE_EXCEEDED -> "connection rate exceeded";
            case MAXIMUM_CONNECT_TIME -> "maximum connect time";
            case SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED -> "subscription identifiers not supported";
            case WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED -> "wildcard subscriptions not supported";
            default -> "unknown reason code";
        };
        return String.format("0x%02X %s", code, name);
    }

    /** A readable name for an MQTT 3.1.1 CONNACK return code (MQTT 3.1.1 §3.2.2.3), with the number. */
    public static String describeConnectReturnCode(int code) {
        String name = switch (code) {
            case 0 -> "connection accepted";
            case 1 -> "unacceptable protocol version";
            case 2 -> "identifier rejected";
            case 3 -> "server unavailable";
            case 4 -> "bad user name or password";
            case 5 -> "not authorized";
            default -> "unknown return code";
        };
        return code + " " + name;
    }
}
