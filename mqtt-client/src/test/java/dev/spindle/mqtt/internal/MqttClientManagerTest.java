package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MqttClient service's rules without a framework, on real select reactors (each with its own
 * loop thread, as the Reactor service's): one client per configuration on the bound reactor,
 * replaced break-before-make when the reactor changes, terminated on its own loop before the
 * unbind returns, nothing published for bad settings or a failing factory or publisher.
 */
@Timeout(60)
class MqttClientManagerTest {
    /** Long enough that a test waiting for it fails by its class timeout instead. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final List<String> events = new ArrayList<>();
    private final List<MqttClient> published = new ArrayList<>();
    private final List<Map<String, Object>> publishedProperties = new ArrayList<>();
    private final List<FakeClient> made = new ArrayList<>();
    private final List<Reactor> reactors = new ArrayList<>();
    private @Nullable RuntimeException factoryFailure;
    private @Nullable RuntimeException publishFailure;

    private final BiFunction<Reactor, MqttClientConfig, MqttClient> factory = (reactor, config) -> {
        RuntimeException f = factoryFailure;
        if (f != null) {
            throw f;
        }
        synchronized (events) {
            FakeClient c = new FakeClient(reactor, config, made.size(), events);
            made.add(c);
            events.add("create#" + c.id + "@" + reactor.config().threadName());
            return c;
        }
    };

    private final MqttClientManager manager = new MqttClientManager(factory, NEVER);

    private final MqttClientManager.Publisher publisher = (client, properties) -> {
        RuntimeException f = publishFailure;
        if (f != null) {
            throw f;
        }
        synchronized (events) {
            MqttClient delegate = ((SharedMqttClient) client).delegate();
            int n = delegate instanceof FakeClient fake ? fake.id : published.size();
            published.add(client);
            publishedProperties.add(properties);
            events.add("+" + n + "@" + properties.get("spindle.reactor.backend"));
            return () -> {
                synchronized (events) {
                    events.add("-" + n);
                }
            };
        }
    };

    @AfterEach
    void tearDown() {
        manager.deactivate();
        for (Reactor r : reactors) {
            r.terminate();
        }
    }

    private List<String> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    private static MqttClientSettings settings(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", "dev.spindle.mqtt.client~t");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return MqttClientSettings.of(m);
    }

    private static MqttClientSettings good() {
        return settings("host", "127.0.0.1", "port", 1883, "clientId", "c1", "site", "north");
    }

    /** A started select reactor whose loop thread is {@code name}. */
    private Reactor started(String name) throws InterruptedException {
        Reactor r = new SelectReactorProvider().create(ReactorConfig.builder().threadName(name).build());
        reactors.add(r);
        CountDownLatch running = new CountDownLatch(1);
        r.callWhenRunning(running::countDown);
        r.start();
        assertTrue(running.await(30, TimeUnit.SECONDS));
        return r;
    }

    @Test
    void aClientIsCreatedStartedAndPublishedOnTheBoundReactor() throws Exception {
        Reactor r = started("loop-a");
        manager.bindReactor(r, "epoll");
        assertEquals(List.of(), events(), "nothing before activation");
        manager.activate(publisher, good());

        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0"), events());
        SharedMqttClient shared = assertInstanceOf(SharedMqttClient.class, published.get(0));
        assertSame(made.get(0), shared.delegate());
        assertSame(made.get(0), manager.client());
        assertSame(r, shared.reactor());
        assertEquals("c1", shared.config().clientId());
        Map<String, Object> p = publishedProperties.get(0);
        assertEquals("c1", p.get("mqtt.clientId"));
        assertEquals("127.0.0.1", p.get("mqtt.host"));
        assertEquals(1883, p.get("mqtt.port"));
        assertEquals("3.1.1", p.get("mqtt.version"));
        assertEquals("north", p.get("site"));
    }

    @Test
    void withoutAReactorNothingIsPublishedUntilOneIsBound() throws Exception {
        manager.activate(publisher, good());
        assertEquals(List.of(), events());
        assertNull(manager.client());
        manager.bindReactor(started("loop-a"), "select");
        assertEquals(List.of("create#0@loop-a", "+0@select", "start#0"), events());
    }

    @Test
    void aReplacedReactorGetsANewClientAfterTheOldOneIsWithdrawnAndTerminatedOnItsOwnLoop() throws Exception {
        Reactor a = started("loop-a");
        Reactor b = started("loop-b");
        manager.bindReactor(a, "epoll");
        manager.activate(publisher, good());
        // Declarative Services binds the replacement before it unbinds the old one.
        manager.bindReactor(b, "select");
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0", "-0", "terminate#0@loop-a", "create#1@loop-b",
                "+1@select", "start#1"), events());
        assertEquals(MqttClientState.STOPPED, made.get(0).state());
        manager.unbindReactor(a);
        assertEquals(8, events().size(), "unbinding the old reactor changes nothing: " + events());
        assertSame(made.get(1), manager.client());
        assertSame(b, manager.client().reactor());
    }

    @Test
    void unbindingTheReactorInUseWithdrawsAndTerminatesBeforeItReturns() throws Exception {
        Reactor a = started("loop-a");
        manager.bindReactor(a, "epoll");
        manager.activate(publisher, good());
        manager.unbindReactor(a);
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0", "-0", "terminate#0@loop-a"), events());
        assertNull(manager.client());

        manager.bindReactor(started("loop-b"), "select");
        assertEquals(List.of("+1@select", "start#1"), events().subList(events().size() - 2, events().size()));
    }

    @Test
    void unbindingAnotherReactorChangesNothing() throws Exception {
        Reactor a = started("loop-a");
        manager.bindReactor(a, "epoll");
        manager.activate(publisher, good());
        manager.unbindReactor(started("loop-b"));
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0"), events());
    }

    @Test
    void bindingTheSameReactorAgainChangesNothing() throws Exception {
        Reactor a = started("loop-a");
        manager.bindReactor(a, "epoll");
        manager.activate(publisher, good());
        manager.bindReactor(a, "epoll");
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0"), events());
    }

    @Test
    void deactivationWithdrawsThenTerminates() throws Exception {
        manager.bindReactor(started("loop-a"), "epoll");
        manager.activate(publisher, good());
        manager.deactivate();
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0", "-0", "terminate#0@loop-a"), events());
        manager.bindReactor(started("loop-b"), "select");
        assertEquals(5, events().size(), "nothing after deactivation: " + events());
    }

    @Test
    void badSettingsPublishNothingOnAnyReactor() throws Exception {
        MqttClientSettings bad = settings("host", "h", "version", "7", "port", -1);
        manager.bindReactor(started("loop-a"), "epoll");
        manager.activate(publisher, bad);
        manager.bindReactor(started("loop-b"), "select");
        assertEquals(List.of(), events());
        assertNull(manager.client());
    }

    @Test
    void aFactoryThatThrowsLeavesNothingPublishedAndTheNextReactorIsTriedAgain() throws Exception {
        factoryFailure = new IllegalStateException("no codec");
        manager.bindReactor(started("loop-a"), "epoll");
        manager.activate(publisher, good());
        assertEquals(List.of(), events());
        factoryFailure = null;
        manager.bindReactor(started("loop-b"), "select");
        assertEquals(List.of("create#0@loop-b", "+0@select", "start#0"), events());
    }

    @Test
    void aPublisherThatThrowsGetsTheClientTerminated() throws Exception {
        publishFailure = new IllegalStateException("framework says no");
        manager.bindReactor(started("loop-a"), "epoll");
        manager.activate(publisher, good());
        assertEquals(List.of("create#0@loop-a", "terminate#0@loop-a"), events());
        assertNull(manager.client());
    }

    @Test
    void aClientThatCannotStartIsWithdrawnAndTerminated() throws Exception {
        manager.bindReactor(started("loop-a"), "epoll");
        FakeClient.failStart = true;
        try {
            manager.activate(publisher, good());
        } finally {
            FakeClient.failStart = false;
        }
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "-0", "terminate#0@loop-a"), events());
        assertNull(manager.client());
    }

    @Test
    void aStoppedReactorIsNotWaitedFor() throws Exception {
        Reactor a = started("loop-a");
        manager.bindReactor(a, "epoll");
        manager.activate(publisher, good());
        CountDownLatch stopped = new CountDownLatch(1);
        a.addLifecycleListener((r, from, to) -> {
            if (to == ReactorState.STOPPED) {
                stopped.countDown();
            }
        });
        a.stop();
        assertTrue(stopped.await(30, TimeUnit.SECONDS));
        // Its loop runs no task any more: with a wait of an hour, only not waiting ends within the class timeout.
        manager.unbindReactor(a);
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0", "-0"), events());
    }

    @Test
    void theSharedClientIgnoresLifecycleCallsAndDelegatesTheRest() throws Exception {
        manager.bindReactor(started("loop-a"), "epoll");
        manager.activate(publisher, good());
        MqttClient service = published.get(0);
        service.stop();
        service.terminate();
        service.start();
        assertEquals(List.of("create#0@loop-a", "+0@epoll", "start#0"), events());
        assertEquals(MqttClientState.STARTING, service.state());
        MqttMessage m = MqttMessage.builder("t").payload("x").build();
        service.publish(m);
        assertEquals(List.of(m), made.get(0).publishes);
    }

    @Test
    void theRealClientConnectsAndItsConnectionIsClosedWhenItsReactorGoes() {
        // The default factory (MqttClient.create) on a deterministic reactor, whose loop is this
        // thread: the client's termination runs at once, inside unbindReactor.
        MqttClientManager real = new MqttClientManager();
        DeterministicReactor reactor = DeterministicReactor.create();
        reactor.start();
        try {
            real.bindReactor(reactor, "deterministic");
            real.activate(publisher, good());
            reactor.runUntilIdle();
            MqttClient client = real.client();
            assertInstanceOf(ReactorMqttClient.class, client);
            assertEquals(MqttClientState.STARTING, client.state());
            assertEquals(1, reactor.tcpConnects().size());
            assertEquals(1883, reactor.tcpConnects().get(0).target().getPort());
            MemoryTransport connection = reactor.tcpConnects().get(0).succeed();
            reactor.runUntilIdle();
            assertTrue(connection.takeWritten().length > 0, "CONNECT was written");

            real.unbindReactor(reactor);
            assertEquals(MqttClientState.STOPPED, client.state());
            assertTrue(connection.isSocketClosed(), "the connection is closed when unbindReactor returns");
            assertEquals("-0", events().get(events().size() - 1));
            assertNull(real.client());
        } finally {
            real.deactivate();
            reactor.terminate();
        }
    }

    /** Records its lifecycle calls, with the thread that terminated it. */
    static final class FakeClient implements MqttClient {
        static volatile boolean failStart;

        final Reactor reactor;
        final MqttClientConfig config;
        final int id;
        final List<String> events;
        final List<MqttMessage> publishes = new ArrayList<>();
        volatile MqttClientState state = MqttClientState.INIT;

        FakeClient(Reactor reactor, MqttClientConfig config, int id, List<String> events) {
            this.reactor = reactor;
            this.config = config;
            this.id = id;
            this.events = events;
        }

        private void event(String e) {
            synchronized (events) {
                events.add(e);
            }
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
            return state;
        }

        @Override
        public @Nullable MqttException error() {
            return null;
        }

        @Override
        public void start() {
            if (failStart) {
                throw new IllegalStateException("cannot start");
            }
            event("start#" + id);
            state = MqttClientState.STARTING;
        }

        @Override
        public void stop() {
            event("stop#" + id);
        }

        @Override
        public void terminate() {
            event("terminate#" + id + "@" + Thread.currentThread().getName());
            state = MqttClientState.STOPPED;
        }

        @Override
        public CompletionStage<MqttAck> publish(MqttMessage message) {
            publishes.add(message);
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<MqttAck> subscribe(List<TopicSubscription> subscriptions) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<MqttAck> unsubscribe(List<String> filters) {
            return new CompletableFuture<>();
        }

        @Override
        public Registration addListener(MqttListener listener) {
            return () -> false;
        }

        @Override
        public int queuedRequests() {
            return 0;
        }

        @Override
        public int inFlight() {
            return 0;
        }

        @Override
        public String toString() {
            return "fake#" + id;
        }
    }
}
