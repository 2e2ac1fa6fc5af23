package dev.spindle.bench.mqtt;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.MqttQueueFullException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.quick.Reactors;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Spindle's {@link MqttClient}: every client of the process on one reactor (one loop thread),
 * created by {@link Reactors#create()} with {@code spindle.reactor.backend} set to the backend
 * asked for. Publishes are made from the driver's thread; the client's bounded request queue
 * ({@link #MAX_QUEUED}, the same bound as the peers' QoS 0 window) is the back-pressure: a
 * publish refused with {@link MqttQueueFullException} waits for {@link MqttListener#queueDrained}
 * and is made again.
 */
final class SpindleMqttDriver implements MqttDriver.Library {

    static final int MAX_QUEUED = MqttDriver.QOS0_WINDOW;
    private static final long WAIT_SECONDS = 30;

    /** Publishes refused with {@link MqttQueueFullException} (and made again after {@code queueDrained}). */
    private static final AtomicLong REFUSED = new AtomicLong();

    private final Reactor reactor;
    private final Thread loop;

    SpindleMqttDriver(String backend) {
        System.setProperty("spindle.reactor.backend", backend);
        reactor = Reactors.create();
        String type = reactor.getClass().getName().toLowerCase(Locale.ROOT);
        if (!type.contains(backend)) {
            throw new IllegalStateException("asked for backend " + backend + ", got " + reactor.getClass().getName());
        }
        loop = new Thread(reactor::run, "spindle-mqtt-loop");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public MqttDriver.Conn connect(String clientId, int port, int mqttVersion) throws Exception {
        MqttClientConfig config = MqttClientConfig.builder("127.0.0.1").port(port)
                .version(mqttVersion == 5 ? MqttVersion.V5 : MqttVersion.V3_1_1)
                .clientId(clientId).cleanStart(true).maxQueuedRequests(MAX_QUEUED).build();
        MqttClient client = MqttClient.create(reactor, config);
        Conn conn = new Conn(client);
        client.addListener(conn);
        client.start();
        conn.up.get(WAIT_SECONDS, TimeUnit.SECONDS);
        return conn;
    }

    @Override
    public void close() throws Exception {
        reactor.stop();
        loop.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        System.err.println("SpindleMqttDriver: publishes refused with MqttQueueFullException: " + REFUSED.get());
    }

    private static final class Conn implements MqttDriver.Conn, MqttListener {
        private final MqttClient client;
        private final CompletableFuture<Void> up = new CompletableFuture<>();
        private final CompletableFuture<Void> down = new CompletableFuture<>();
        private final Semaphore drained = new Semaphore(0);
        private volatile Runnable onMessage;

        Conn(MqttClient client) {
            this.client = client;
        }

        @Override
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            onMessage = handler;
            client.subscribe(topic, Qos.of(qos)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            MqttMessage m = MqttMessage.builder(topic).payload(payload).qos(Qos.AT_MOST_ONCE).build();
            submit(m);
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed)
                throws Exception {
            MqttMessage m = MqttMessage.builder(topic).payload(payload).qos(Qos.AT_LEAST_ONCE).build();
            submit(m).whenComplete((ack, e) -> {
                if (e != null) {
                    failed.compareAndSet(null, e);
                } else if (!ack.isSuccess()) {
                    failed.compareAndSet(null, new IllegalStateException("PUBACK reason " + ack.reasonCode()));
                }
                onAck.run();
            });
        }

        /** Publishes, waiting for {@code queueDrained} each time the queue is full. */
        private CompletableFuture<MqttAck> submit(MqttMessage m) throws Exception {
            while (true) {
                CompletableFuture<MqttAck> f = client.publish(m).toCompletableFuture();
                if (f.isCompletedExceptionally() && f.exceptionNow() instanceof MqttQueueFullException) {
                    REFUSED.incrementAndGet();
                    if (!drained.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("queue full and no queueDrained for " + WAIT_SECONDS + " s");
                    }
                    continue;
                }
                return f;
            }
        }

        @Override
        public void close() throws Exception {
            client.stop();
            down.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void connected(MqttClient c, MqttConnack connack) {
            up.complete(null);
        }

        @Override
        public void connectFailed(MqttClient c, MqttException cause) {
            up.completeExceptionally(cause != null ? cause : new IllegalStateException("connect ended"));
            down.complete(null);
        }

        @Override
        public void disconnected(MqttClient c, MqttException cause) {
            down.complete(null);
        }

        @Override
        public void messageReceived(MqttClient c, MqttMessage message) {
            Runnable handler = onMessage;
            if (handler != null && message.payloadLength() >= 0) {
                handler.run();
            }
        }

        @Override
        public void queueDrained(MqttClient c) {
            drained.release();
        }
    }
}
