package dev.spindle.mqtt;

/**
 * Nothing arrived from the server for the receive-idle abort period (SPEC HK-KA-1): the
 * connection is presumed dead and closed.
 */
public final class MqttTimeoutException extends MqttException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which period passed, and in which phase
     */
    public MqttTimeoutException(String message) {
        super(message);
    }
}
