package dev.spindle.mqtt;

/**
 * Bytes from the server are not a valid MQTT packet of the client's protocol version: a bad
 * remaining length, a string that is not UTF-8, a property not allowed in that packet, a packet
 * larger than the client accepts, or a packet type a server never sends. Thrown without a stack
 * trace: it describes the input, not the code.
 */
public final class MqttDecodeException extends MqttProtocolException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reasonCode 0x81 (malformed packet), 0x82 (protocol error) or 0x95 (packet too large)
     * @param message    what was found, naming the value
     */
    public MqttDecodeException(int reasonCode, String message) {
        super(reasonCode, message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
