package dev.spindle.itests.mqttconsumer;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What the test consumer of the {@code MqttClient} service saw: its activations, the clients it
 * was bound to, the subscription it made on each, and the messages that arrived. Registered as a
 * service by {@link MqttConsumerComponent}.
 */
public interface MqttConsumer {
    /** The filter the consumer subscribes to on every client it is bound to: {@value}. */
    String TOPIC_FILTER = "itest/consumer/#";

    /**
     * How many times the component was activated.
     *
     * @return the count
     */
    int activations();

    /**
     * The client bound now.
     *
     * @return the client, or null between an unbind and the next bind
     */
    @Nullable MqttClient client();

    /**
     * Every client bound so far, in order.
     *
     * @return a copy
     */
    List<MqttClient> history();

    /**
     * The subscription to {@link #TOPIC_FILTER} made on the n-th client bound.
     *
     * @param n the index in {@link #history()}
     * @return completes with the SUBACK
     */
    CompletableFuture<MqttAck> subscribed(int n);

    /**
     * The messages received, as {@code "<topic> <payload>"}, in order.
     *
     * @return a copy
     */
    List<String> received();
}
