package dev.spindle.mqtt;

import org.jspecify.annotations.Nullable;

/**
 * The network failed: the name lookup, the TCP connect or the TLS handshake failed, a socket
 * error occurred, or the server closed the connection before the client sent DISCONNECT. The
 * cause is the reactor's exception when there is one.
 */
public class MqttConnectionException extends MqttException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   the reactor's exception, or null when the server just closed
     */
    public MqttConnectionException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
