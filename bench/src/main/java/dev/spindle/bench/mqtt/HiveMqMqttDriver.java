package dev.spindle.bench.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HiveMQ MQTT client 1.4 ({@code Mqtt3AsyncClient} / {@code Mqtt5AsyncClient}) with its
 * defaults (its own Netty event loops). Its async API queues without a bound of its own, so the
 * driver keeps at most {@link MqttDriver#QOS0_WINDOW} QoS 0 publishes whose future has not
 * completed (HiveMQ completes it once the message is written).
 */
final class HiveMqMqttDriver implements MqttDriver.Library {

    private static final long WAIT_SECONDS = 30;

    @Override
    public MqttDriver.Conn connect(String clientId, int port, int mqttVersion) throws Exception {
        return mqttVersion == 5 ? new V5(clientId, port) : new V3(clientId, port);
    }

    @Override
    public void close() {
    }

    private static MqttQos qos(int qos) {
        return qos == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
    }

    private static void acquire(Semaphore window) throws InterruptedException {
        if (!window.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no QoS 0 publish written for " + WAIT_SECONDS + " s");
        }
    }

    private static void whenDone(CompletableFuture<?> f, Runnable done, AtomicReference<Throwable> failed) {
        f.whenComplete((r, e) -> {
            if (e != null && failed != null) {
                failed.compareAndSet(null, e);
            }
            done.run();
        });
    }

    /** MQTT 3.1.1. */
    private static final class V3 implements MqttDriver.Conn {
        private final Mqtt3AsyncClient client;
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);

        V3(String clientId, int port) throws Exception {
            client = MqttClient.builder().useMqttVersion3().identifier(clientId)
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            client.connectWith().cleanSession(true).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            client.subscribeWith().topicFilter(topic).qos(qos(qos)).callback(p -> {
                if (p.getPayloadAsBytes().length >= 0) {
                    handler.run();
                }
            }).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            acquire(qos0Window);
            whenDone(client.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(payload).send(),
                    qos0Window::release, null);
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed) {
            whenDone(client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send(), onAck, failed);
        }

        @Override
        public void close() throws Exception {
            client.disconnect().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** MQTT 5. */
    private static final class V5 implements MqttDriver.Conn {
        private final Mqtt5AsyncClient client;
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);

        V5(String clientId, int port) throws Exception {
            client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            client.connectWith().cleanStart(true).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            client.subscribeWith().topicFilter(topic).qos(qos(qos)).callback(p -> {
                if (p.getPayloadAsBytes().length >= 0) {
                    handler.run();
                }
            }).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            acquire(qos0Window);
            whenDone(client.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(payload).send(),
                    qos0Window::release, null);
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed) {
            whenDone(client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send(), onAck, failed);
        }

        @Override
        public void close() throws Exception {
            client.disconnect().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
