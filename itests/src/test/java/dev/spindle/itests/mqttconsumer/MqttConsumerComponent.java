package dev.spindle.itests.mqttconsumer;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.Qos;
import dev.spindle.reactor.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A consumer of the {@code MqttClient} service as the README tells users to write one: an
 * optional, dynamic, greedy reference (the service is away for a moment while it moves to a new
 * reactor, and a mandatory reference would deactivate the component then), and on every client it
 * is bound to, a listener and a subscription of its own (a replacement is a new client).
 */
@Component(service = MqttConsumer.class, immediate = true)
public final class MqttConsumerComponent implements MqttConsumer {
    private final Object lock = new Object();
    private int activations;
    private @Nullable MqttClient client;
    private @Nullable Registration listening;
    private final List<MqttClient> history = new ArrayList<>();
    private final List<CompletableFuture<MqttAck>> subscriptions = new ArrayList<>();
    private final List<String> received = new ArrayList<>();

    /** Called by Service Component Runtime. */
    public MqttConsumerComponent() {
    }

    @Activate
    void activate() {
        synchronized (lock) {
            activations++;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindClient")
    void bindClient(MqttClient c) {
        Registration r = c.addListener(new MqttListener() {
            @Override
            public void messageReceived(MqttClient from, MqttMessage message) {
                synchronized (lock) {
                    received.add(message.topic() + " " + message.payloadText());
                }
            }
        });
        CompletableFuture<MqttAck> subscribed = c.subscribe(TOPIC_FILTER, Qos.AT_LEAST_ONCE).toCompletableFuture();
        synchronized (lock) {
            client = c;
            listening = r;
            history.add(c);
            subscriptions.add(subscribed);
        }
    }

    void unbindClient(MqttClient c) {
        Registration r = null;
        synchronized (lock) {
            if (client == c) {
                client = null;
                r = listening;
                listening = null;
            }
        }
        if (r != null) {
            r.remove();
        }
    }

    @Override
    public int activations() {
        synchronized (lock) {
            return activations;
        }
    }

    @Override
    public @Nullable MqttClient client() {
        synchronized (lock) {
            return client;
        }
    }

    @Override
    public List<MqttClient> history() {
        synchronized (lock) {
            return new ArrayList<>(history);
        }
    }

    @Override
    public CompletableFuture<MqttAck> subscribed(int n) {
        synchronized (lock) {
            return subscriptions.get(n);
        }
    }

    @Override
    public List<String> received() {
        synchronized (lock) {
            return new ArrayList<>(received);
        }
    }
}
