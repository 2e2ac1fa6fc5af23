package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** The reactor-driven client (being written). */
public final class ReactorMqttClient implements MqttClient {
    private final Reactor reactor;
    private final MqttClientConfig config;

    public ReactorMqttClient(Reactor reactor, MqttClientConfig config) {
        this.reactor = reactor;
        this.config = config;
    }

    @Override
    public MqttClientConfig config() {
        return config;
    }

    @Override
    public Reactor reactor() {
        return reactor;
    }

    @Override
    public MqttClientState state() {
        throw new UnsupportedOperationException();
    }

    @Override
    public @Nullable MqttException error() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void terminate() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MqttAck> publish(MqttMessage message) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MqttAck> subscribe(List<TopicSubscription> subscriptions) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MqttAck> unsubscribe(List<String> filters) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Registration addListener(MqttListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int queuedRequests() {
        throw new UnsupportedOperationException();
    }

    @Override
    public int inFlight() {
        throw new UnsupportedOperationException();
    }
}
