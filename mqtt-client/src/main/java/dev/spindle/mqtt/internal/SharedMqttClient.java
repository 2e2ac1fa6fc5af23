package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The view of a client that the OSGi {@link MqttClient} service hands out: everything is
 * delegated except {@link #start()}, {@link #stop()} and {@link #terminate()}, which are ignored
 * (with a warning, once per service object), because the client belongs to its configuration and
 * is shared by every consumer: one consumer stopping it would cut the others off. Its life follows
 * the configuration and the {@code Reactor} service (see {@link MqttClientManager}); to end it,
 * delete or change the configuration.
 */
final class SharedMqttClient implements MqttClient {
    private static final Logger LOG = LoggerFactory.getLogger(SharedMqttClient.class);

    private final MqttClient client;
    private final String pid;
    private final AtomicBoolean warned = new AtomicBoolean();

    SharedMqttClient(MqttClient client, String pid) {
        this.client = Objects.requireNonNull(client, "client must not be null");
        this.pid = Objects.requireNonNull(pid, "pid must not be null");
    }

    /** The client behind this view. */
    MqttClient delegate() {
        return client;
    }

    @Override
    public MqttClientConfig config() {
        return client.config();
    }

    @Override
    public Reactor reactor() {
        return client.reactor();
    }

    @Override
    public MqttClientState state() {
        return client.state();
    }

    @Override
    public @Nullable MqttException error() {
        return client.error();
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    /** Ignored: the component started the client and restarts it as its reconnect policy says. */
    @Override
    public void start() {
        ignored("start()");
    }

    /** Ignored: the client is shared; delete or change its configuration to end it. */
    @Override
    public void stop() {
        ignored("stop()");
    }

    /** Ignored: the client is shared; delete or change its configuration to end it. */
    @Override
    public void terminate() {
        ignored("terminate()");
    }

    @Override
    public CompletionStage<MqttAck> publish(MqttMessage message) {
        return client.publish(message);
    }

    @Override
    public CompletionStage<MqttAck> subscribe(List<TopicSubscription> subscriptions) {
        return client.subscribe(subscriptions);
    }

    @Override
    public CompletionStage<MqttAck> subscribe(String filter, Qos maximumQos) {
        return client.subscribe(filter, maximumQos);
    }

    @Override
    public CompletionStage<MqttAck> unsubscribe(List<String> filters) {
        return client.unsubscribe(filters);
    }

    @Override
    public Registration addListener(MqttListener listener) {
        return client.addListener(listener);
    }

    @Override
    public int queuedRequests() {
        return client.queuedRequests();
    }

    @Override
    public int inFlight() {
        return client.inFlight();
    }

    @Override
    public String toString() {
        return client + " (service of " + pid + ")";
    }

    private void ignored(String call) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("{} on the MqttClient service {} is ignored: the client is shared and its life follows its"
                    + " configuration {} (delete or change the configuration to end it)", call, client, pid);
        }
    }
}
