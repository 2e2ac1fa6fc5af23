package dev.spindle.mqtt;

/**
 * The server broke an MQTT rule: a packet before CONNACK, an acknowledgement for an unknown
 * packet identifier or out of order, a SUBACK with the wrong number of results. The client
 * closes the connection (with an MQTT 5 DISCONNECT carrying {@link #reasonCode()}).
 */
public class MqttProtocolException extends MqttException {
    private static final long serialVersionUID = 1L;
    private final int reasonCode;

    /**
     * @param reasonCode the MQTT 5 reason code that describes the violation (0x82 protocol error,
     *                   0x81 malformed packet, 0x95 packet too large, ...)
     * @param message    what was found
     */
    public MqttProtocolException(int reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** The MQTT 5 reason code for the violation. */
    public int reasonCode() {
        return reasonCode;
    }
}
