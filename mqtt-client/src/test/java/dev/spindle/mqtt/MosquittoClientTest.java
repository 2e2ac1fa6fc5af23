package dev.spindle.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.testing.MosquittoBroker;
import dev.spindle.mqtt.testing.MosquittoExtension;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against a real Mosquitto 2 broker (Debian's package, started by the test) over real
 * loopback sockets, on the select backend, in both protocol versions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MosquittoClientTest {
    private static final long WAIT_SECONDS = 30;

    @RegisterExtension
    static final MosquittoExtension BROKER = new MosquittoExtension();

    private Reactor reactor;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void startReactor() {
        reactor = new SelectReactorProvider().create(ReactorConfig.builder().threadName("mqtt-it").daemon(true).build());
        reactor.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (MqttClient c : clients) {
            c.terminate();
        }
        reactor.stop();
        waitFor(() -> !reactor.state().isActive(), "the reactor to stop");
    }

    /** A client with a recorder attached; not started. */
    private Recorder client(MosquittoBroker broker, MqttVersion version, UnaryOperator<MqttClientConfig.Builder> configure) {
        MqttClientConfig config = configure.apply(MqttClientConfig.builder(broker.host()).port(broker.port())
                .version(version).clientId("it-" + version + "-" + clients.size() + "-" + System.nanoTime())
                .keepAlive(Duration.ofSeconds(30))).build();
        MqttClient c = MqttClient.create(reactor, config);
        clients.add(c);
        Recorder r = new Recorder(c);
        c.addListener(r);
        return r;
    }

    private Recorder connected(MosquittoBroker broker, MqttVersion version, UnaryOperator<MqttClientConfig.Builder> configure)
            throws Exception {
        Recorder r = client(broker, version, configure);
        r.client.start();
        r.awaitConnected();
        return r;
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void roundTripAtEveryQos(MqttVersion version) throws Exception {
        Recorder r = connected(BROKER.broker(), version, b -> b);
        String topic = "it/round/" + version;
        MqttAck sub = await(r.client.subscribe(topic + "/#", Qos.EXACTLY_ONCE));
        assertEquals(List.of(2), sub.reasonCodes());
        for (Qos q : Qos.values()) {
            MqttAck ack = await(r.client.publish(MqttMessage.builder(topic + "/" + q.value()).payload("m" + q.value()).qos(q)
                    .build()));
            assertTrue(ack.isSuccess(), () -> "ack " + ack);
        }
        List<MqttMessage> got = r.take(3);
        List<String> payloads = got.stream().map(MqttMessage::payloadText).sorted().toList();
        assertEquals(List.of("m0", "m1", "m2"), payloads);
        for (MqttMessage m : got) {
            assertEquals(topic + "/" + m.payloadText().substring(1), m.topic());
            assertEquals(Integer.parseInt(m.payloadText().substring(1)), m.qos().value());
        }
        await(r.client.unsubscribe(List.of(topic + "/#")));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void manyQos1MessagesArriveInOrder(MqttVersion version) throws Exception {
        Recorder sub = connected(BROKER.broker(), version, b -> b);
        Recorder pub = connected(BROKER.broker(), version, b -> b.maxInFlight(20));
        String topic = "it/order/" + version;
        await(sub.client.subscribe(topic, Qos.AT_LEAST_ONCE));
        int n = 2000;
        List<CompletionStage<MqttAck>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acks.add(pub.client.publish(MqttMessage.builder(topic).payload(Integer.toString(i)).qos(Qos.AT_LEAST_ONCE)
                    .build()));
        }
        for (CompletionStage<MqttAck> a : acks) {
            assertTrue(await(a).isSuccess());
        }
        List<MqttMessage> got = sub.take(n);
        for (int i = 0; i < n; i++) {
            assertEquals(Integer.toString(i), got.get(i).payloadText(), "message " + i + " out of order");
        }
        assertEquals(0, pub.client.queuedRequests());
        assertEquals(0, pub.client.inFlight());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aLargeMessageCrossesManyReads(MqttVersion version) throws Exception {
        Recorder r = connected(BROKER.broker(), version, b -> b.maximumPacketSize(2 << 20));
        String topic = "it/large/" + version;
        await(r.client.subscribe(topic, Qos.AT_LEAST_ONCE));
        byte[] big = new byte[768 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        await(r.client.publish(MqttMessage.builder(topic).payload(big).qos(Qos.AT_LEAST_ONCE).build()));
        MqttMessage m = r.take(1).get(0);
        assertTrue(java.util.Arrays.equals(big, m.payloadBytes()), "payload changed on the way");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void stopIsCleanAndTheWillIsNotPublished(MqttVersion version) throws Exception {
        String willTopic = "it/will/clean/" + version;
        Recorder watcher = connected(BROKER.broker(), version, b -> b);
        await(watcher.client.subscribe(willTopic, Qos.AT_LEAST_ONCE));
        Recorder r = connected(BROKER.broker(), version,
                b -> b.will(MqttMessage.builder(willTopic).payload("gone").qos(Qos.AT_LEAST_ONCE).build()));
        r.client.stop();
        waitFor(() -> r.client.state() == MqttClientState.STOPPED, "a clean stop");
        assertEquals(List.of(), r.ends.stream().filter(e -> e != null).toList());
        // A marker published after the stop arrives; the will, if wrongly sent, would come before it.
        await(watcher.client.publish(MqttMessage.builder(willTopic).payload("marker").qos(Qos.AT_LEAST_ONCE).build()));
        assertEquals("marker", watcher.take(1).get(0).payloadText());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aConnectionThatDiesPublishesTheWill(MqttVersion version) throws Exception {
        String willTopic = "it/will/dead/" + version;
        Recorder watcher = connected(BROKER.broker(), version, b -> b);
        await(watcher.client.subscribe(willTopic, Qos.AT_LEAST_ONCE));
        Recorder r = connected(BROKER.broker(), version,
                b -> b.will(MqttMessage.builder(willTopic).payload("gone").qos(Qos.AT_LEAST_ONCE).build()));
        r.client.terminate(); // closes without DISCONNECT
        assertEquals("gone", watcher.take(1).get(0).payloadText());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aPersistentSessionKeepsMessagesWhileOffline(MqttVersion version) throws Exception {
        String topic = "it/session/" + version;
        String id = "it-session-" + version + "-" + System.nanoTime();
        UnaryOperator<MqttClientConfig.Builder> persistent = b -> b.clientId(id).cleanStart(false)
                .sessionExpirySeconds(300);
        Recorder r = connected(BROKER.broker(), version, persistent);
        await(r.client.subscribe(topic, Qos.AT_LEAST_ONCE));
        r.client.stop();
        waitFor(() -> r.client.state() == MqttClientState.STOPPED, "a clean stop");

        Recorder pub = connected(BROKER.broker(), version, b -> b);
        await(pub.client.publish(MqttMessage.builder(topic).payload("while away").qos(Qos.AT_LEAST_ONCE).build()));

        r.client.start();
        r.awaitConnected();
        assertTrue(r.connacks.get(r.connacks.size() - 1).sessionPresent(), "the broker kept no session");
        assertEquals("while away", r.take(1).get(0).payloadText());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void badCredentialsAreRefused(MqttVersion version) throws Exception {
        try (MosquittoBroker secured = MosquittoBroker.builder().allowAnonymous(false).user("alice", "secret").start()) {
            Recorder wrong = client(secured, version, b -> b.username("alice").password("nope"));
            wrong.client.start();
            MqttException cause = wrong.awaitEnd();
            MqttConnectRefusedException e = assertInstanceOf(MqttConnectRefusedException.class, cause);
            assertEquals(MqttClientState.ERROR, wrong.client.state());
            if (version == MqttVersion.V3_1_1) {
                assertTrue(e.reasonCode() == 4 || e.reasonCode() == 5, () -> "return code " + e.reasonCode());
            } else {
                assertTrue(e.reasonCode() == ReasonCodes.BAD_USER_NAME_OR_PASSWORD
                        || e.reasonCode() == ReasonCodes.NOT_AUTHORIZED, () -> "reason code " + e.reasonCode());
            }
            Recorder right = connected(secured, version, b -> b.username("alice").password("secret"));
            assertEquals(MqttClientState.STARTED, right.client.state());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void overTls(MqttVersion version) throws Exception {
        try (MosquittoBroker tls = MosquittoBroker.builder().tls(true).start()) {
            Recorder r = connected(tls, version, b -> b.port(tls.tlsPort()).tls(tls.tlsClientOptions()));
            await(r.client.subscribe("it/tls", Qos.AT_LEAST_ONCE));
            await(r.client.publish(MqttMessage.builder("it/tls").payload("secret").qos(Qos.AT_LEAST_ONCE).build()));
            assertEquals("secret", r.take(1).get(0).payloadText());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsAfterTheBrokerRestartsAndDeliversWhatWasQueued(MqttVersion version) throws Exception {
        try (MosquittoBroker own = MosquittoBroker.builder().persistence(true).start()) {
            Recorder r = connected(own, version,
                    b -> b.reconnect(RetryPolicy.fixed(Duration.ofMillis(200))).cleanStart(false).sessionExpirySeconds(300));
            await(r.client.subscribe("it/restart", Qos.AT_LEAST_ONCE));
            own.stop();
            waitFor(() -> r.client.state() != MqttClientState.STARTED, "the client to notice the broker left");
            CompletionStage<MqttAck> queued = r.client.publish(
                    MqttMessage.builder("it/restart").payload("queued while down").qos(Qos.AT_LEAST_ONCE).build());
            own.start();
            r.awaitConnected();
            assertTrue(await(queued).isSuccess());
            assertEquals("queued while down", r.take(1).get(0).payloadText());
            assertTrue(r.reconnects.size() >= 1, "no reconnect was scheduled");
        }
    }

    @Test
    void v5NoLocalKeepsOwnMessagesAway() throws Exception {
        Recorder self = connected(BROKER.broker(), MqttVersion.V5, b -> b);
        Recorder other = connected(BROKER.broker(), MqttVersion.V5, b -> b);
        await(self.client.subscribe(List.of(new TopicSubscription("it/nolocal", Qos.AT_LEAST_ONCE, true, false, 0))));
        await(self.client.publish(MqttMessage.builder("it/nolocal").payload("own").qos(Qos.AT_LEAST_ONCE).build()));
        await(other.client.publish(MqttMessage.builder("it/nolocal").payload("other").qos(Qos.AT_LEAST_ONCE).build()));
        assertEquals("other", self.take(1).get(0).payloadText(), "its own message came back despite no local");
    }

    @Test
    void v5SharedSubscriptionSpreadsMessages() throws Exception {
        Recorder a = connected(BROKER.broker(), MqttVersion.V5, b -> b);
        Recorder b2 = connected(BROKER.broker(), MqttVersion.V5, b -> b);
        Recorder pub = connected(BROKER.broker(), MqttVersion.V5, b -> b);
        await(a.client.subscribe("$share/workers/it/jobs", Qos.AT_LEAST_ONCE));
        await(b2.client.subscribe("$share/workers/it/jobs", Qos.AT_LEAST_ONCE));
        int n = 20;
        for (int i = 0; i < n; i++) {
            await(pub.client.publish(MqttMessage.builder("it/jobs").payload("job" + i).qos(Qos.AT_LEAST_ONCE).build()));
        }
        java.util.Set<String> all = new java.util.TreeSet<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int total = 0;
        while (total < n && System.nanoTime() < end) {
            for (Recorder r : List.of(a, b2)) {
                MqttMessage m = r.messages.poll(10, TimeUnit.MILLISECONDS);
                if (m != null) {
                    total++;
                    all.add(m.payloadText());
                }
            }
        }
        assertEquals(n, total, "each job once");
        assertEquals(n, all.size(), "a job delivered twice: " + all);
    }

    @Test
    void v5BrokerLimitsAreRespected() throws Exception {
        try (MosquittoBroker small = MosquittoBroker.builder().maxPacketSize(2000).start()) {
            Recorder r = connected(small, MqttVersion.V5, b -> b);
            MqttConnack connack = r.connacks.get(0);
            assertEquals(2000, connack.maximumPacketSize());
            CompletionStage<MqttAck> big = r.client.publish(
                    MqttMessage.builder("it/limit").payload(new byte[4000]).qos(Qos.AT_LEAST_ONCE).build());
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> big.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("maximum packet size"), e.getCause().getMessage());
            assertTrue(await(r.client.publish(MqttMessage.builder("it/limit").payload("ok").qos(Qos.AT_LEAST_ONCE)
                    .build())).isSuccess());
            assertEquals(MqttClientState.STARTED, r.client.state());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + WAIT_SECONDS + " s", e);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Records what a client reports; every callback arrives on the reactor thread. */
    private static final class Recorder implements MqttListener {
        final MqttClient client;
        final BlockingQueue<MqttMessage> messages = new LinkedBlockingQueue<>();
        final List<MqttConnack> connacks = new CopyOnWriteArrayList<>();
        final List<@Nullable MqttException> ends = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> reconnects = new CopyOnWriteArrayList<>();
        private volatile CompletableFuture<@Nullable MqttException> ended = new CompletableFuture<>();

        Recorder(MqttClient client) {
            this.client = client;
        }

        @Override
        public void connected(MqttClient c, MqttConnack connack) {
            connacks.add(connack);
        }

        @Override
        public void messageReceived(MqttClient c, MqttMessage message) {
            messages.add(message);
        }

        @Override
        public void connectFailed(MqttClient c, @Nullable MqttException cause) {
            end(cause);
        }

        @Override
        public void disconnected(MqttClient c, @Nullable MqttException cause) {
            end(cause);
        }

        @Override
        public void reconnectScheduled(MqttClient c, int failedAttempts, Duration delay, MqttException cause) {
            reconnects.add(delay);
        }

        private void end(@Nullable MqttException cause) {
            ends.add(cause);
            ended.complete(cause);
        }

        void awaitConnected() throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (client.state() != MqttClientState.STARTED) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("not connected within " + WAIT_SECONDS + " s: " + client.state()
                            + ", error " + client.error());
                }
                Thread.sleep(5);
            }
        }

        @Nullable MqttException awaitEnd() throws Exception {
            return await(ended);
        }

        List<MqttMessage> take(int n) throws InterruptedException {
            List<MqttMessage> out = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (out.size() < n) {
                MqttMessage m = messages.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("received " + out.size() + " of " + n + " messages within " + WAIT_SECONDS + " s");
                }
                out.add(m);
            }
            return out;
        }
    }
}
