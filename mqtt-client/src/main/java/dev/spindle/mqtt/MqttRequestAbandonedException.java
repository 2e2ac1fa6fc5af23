package dev.spindle.mqtt;

/**
 * A SUBSCRIBE or UNSUBSCRIBE was not acknowledged before its connection ended, or was still
 * queued when the client stopped. Unlike publishes (which are kept and re-sent on the next
 * start, SPEC HK-Q-11), subscription requests are not carried over: the session on the server
 * may or may not have applied it. Fixes SPEC HK-DEF-4, where such requests were silently lost.
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
