package dev.spindle.mqtt;

/**
 * A SUBSCRIBE or UNSUBSCRIBE was sent but not acknowledged before its connection ended. Unlike
 * publishes (re-sent on the next connection, SPEC HK-Q-11), it is not re-sent: the server may or
 * may not have applied it, and the caller decides. (Requests not yet sent wait for the next
 * connection.) Fixes SPEC HK-DEF-4, where such requests were silently lost.
 */
public final class MqttRequestAbandonedException extends MqttException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which request, and why
     */
    public MqttRequestAbandonedException(String message) {
        super(message);
    }
}
