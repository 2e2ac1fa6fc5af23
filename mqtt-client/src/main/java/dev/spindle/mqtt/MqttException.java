package dev.spindle.mqtt;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the MQTT client throws or reports. Unchecked. Failures of an
 * activation are reported through {@link MqttClient#error()} and
 * {@link MqttListener#disconnected}/{@link MqttListener#connectFailed}; failures of a request
 * complete its stage exceptionally.
 */
public class MqttException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the value found
     */
    public MqttException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public MqttException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
