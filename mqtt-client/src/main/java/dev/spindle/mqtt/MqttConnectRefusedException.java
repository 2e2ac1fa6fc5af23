package dev.spindle.mqtt;

import org.jspecify.annotations.Nullable;

/**
 * The server answered CONNECT with a CONNACK that refuses the connection. {@link #reasonCode()}
 * is the CONNACK return code (MQTT 3.1.1: 1–5) or reason code (MQTT 5: 0x80 and above).
 */
public final class MqttConnectRefusedException extends MqttException {
    private static final long serialVersionUID = 1L;
    private final int reasonCode;
    private final @Nullable String reasonString;

    /**
     * @param version      the protocol version, which gives the code its meaning
     * @param reasonCode   the CONNACK code
     * @param reasonString the server's reason string (MQTT 5), or null
     */
    public MqttConnectRefusedException(MqttVersion version, int reasonCode, @Nullable String reasonString) {
        super("the server refused the connection: " + (version == MqttVersion.V5
                ? ReasonCodes.describe(reasonCode) : ReasonCodes.describeConnectReturnCode(reasonCode))
                + (reasonString != null ? " (" + reasonString + ")" : ""));
        this.reasonCode = reasonCode;
        this.reasonString = reasonString;
    }

    /** The CONNACK return or reason code. */
    public int reasonCode() {
        return reasonCode;
    }

    /** The server's reason string (MQTT 5 only), or null. */
    public @Nullable String reasonString() {
        return reasonString;
    }
}
