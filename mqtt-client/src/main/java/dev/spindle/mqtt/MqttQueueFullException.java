package dev.spindle.mqtt;

/**
 * A request was refused because the client's outgoing queue already holds
 * {@link MqttClientConfig#maxQueuedRequests()} requests. Nothing was queued; the caller decides
 * whether to drop, retry later (see {@link MqttListener#queueDrained}) or slow down.
 */
public final class MqttQueueFullException extends MqttException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the configured bound
     */
    public MqttQueueFullException(int limit) {
        super("the outgoing queue is full: " + limit + " requests wait to be sent or acknowledged");
    }
}
