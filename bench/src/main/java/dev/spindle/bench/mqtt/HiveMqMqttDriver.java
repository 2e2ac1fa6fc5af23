package dev.spindle.bench.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
        if (mqttVersion == 5) {
            Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier(clientId)
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            c.connectWith().cleanStart(true).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return new Conn((topic, qos, payload) -> c.publishWith().topic(topic).qos(qos).payload(payload).send(),
                    (topic, qos, handler) -> c.subscribeWith().topicFilter(topic).qos(qos)
                            .callback(m -> received(m.getPayloadAsBytes(), handler)).send(),
                    c::disconnect);
        }
        Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        c.connectWith().cleanSession(true).send().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return new Conn((topic, qos, payload) -> c.publishWith().topic(topic).qos(qos).payload(payload).send(),
                (topic, qos, handler) -> c.subscribeWith().topicFilter(topic).qos(qos)
                        .callback(m -> received(m.getPayloadAsBytes(), handler)).send(),
                c::disconnect);
    }

    @Override
    public void close() {
    }

    private static void received(byte[] payload, Runnable handler) {
        if (payload.length >= 0) {
            handler.run();
        }
    }

    /** Publishes one message with the MQTT 3 or 5 client. */
    private interface Publisher {
        CompletableFuture<?> publish(String topic, MqttQos qos, byte[] payload);
    }

    /** Subscribes with the MQTT 3 or 5 client. */
    private interface Subscriber {
        CompletableFuture<?> subscribe(String topic, MqttQos qos, Runnable handler);
    }

    /** A connected client of either version, seen through the three calls the driver makes. */
    private static final class Conn implements MqttDriver.Conn {
        private final Publisher publisher;
        private final Subscriber subscriber;
        private final Supplier<CompletableFuture<?>> disconnect;
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);

        Conn(Publisher publisher, Subscriber subscriber, Supplier<CompletableFuture<?>> disconnect) {
            this.publisher = publisher;
            this.subscriber = subscriber;
            this.disconnect = disconnect;
        }

        @Override
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            subscriber.subscribe(topic, qos == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE, handler)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            if (!qos0Window.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no QoS 0 publish written for " + WAIT_SECONDS + " s");
            }
            whenDone(publisher.publish(topic, MqttQos.AT_MOST_ONCE, payload), qos0Window::release, null);
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed) {
            whenDone(publisher.publish(topic, MqttQos.AT_LEAST_ONCE, payload), onAck, failed);
        }

        @Override
        public void close() throws Exception {
            disconnect.get().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        private static void whenDone(CompletableFuture<?> f, Runnable done, AtomicReference<Throwable> failed) {
            f.whenComplete((r, e) -> {
                if (e != null && failed != null) {
                    failed.compareAndSet(null, e);
                }
                done.run();
            });
        }
    }
}
