package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one started {@link MqttClient} published on the bound reactor for one configuration; the
 * logic of {@link MqttClientComponent}, free of OSGi so that it can be tested on its own.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Publishing.</b> While the component is active, its settings are valid and a reactor is
 *       bound: a client is created on that reactor, published (as the shared view
 *       {@link SharedMqttClient}) and {@code start()}ed. It is published while it connects; requests made
 *       before the CONNACK are queued by the client.</li>
 *   <li><b>A new reactor</b> (the {@code Reactor} service was replaced): the client is withdrawn,
 *       {@code terminate()}d on its old reactor (this waits until the termination has run, so its
 *       connection is closed), and only then is a new client created, published and started on the
 *       new reactor. Break before make, unlike the reactor itself, because two clients with one
 *       client identifier would take the session from each other at the broker. Consumers with a
 *       dynamic reference are handed the new client; it is a new client, so their listeners and
 *       subscriptions are theirs to add again (a session the broker keeps, {@code cleanStart=false},
 *       keeps its subscriptions at the broker).</li>
 *   <li><b>No reactor</b>: the client is withdrawn and terminated; nothing is published until a
 *       reactor is bound.</li>
 *   <li><b>Deactivation</b>: withdrawn, then terminated.</li>
 *   <li><b>Bad settings</b>: one error naming every bad key with its value is logged, and nothing is
 *       ever published for them. A client that cannot be created or started, or a publication
 *       that fails, is logged; what was made is terminated, nothing stays half-published.</li>
 * </ul>
 *
 * <p>Thread-safe: every method takes one lock and does its work (publishing calls out to the
 * framework; terminating waits for the old reactor's thread, bounded) before returning, so when
 * {@link #unbindReactor} or {@link #deactivate} returns, the client it withdrew is terminated.
 */
public final class MqttClientManager {
    /** Publishes a client, e.g. as an OSGi service. */
    @FunctionalInterface
    public interface Publisher {
        /**
         * Publishes {@code client}.
         *
         * @param client the client to hand out (the shared view)
         * @param properties its service properties
         * @return withdraws the publication; called once
         */
        Runnable publish(MqttClient client, Map<String, Object> properties);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MqttClientManager.class);

    private final Object lock = new Object();
    private final BiFunction<Reactor, MqttClientConfig, MqttClient> factory;
    private final Duration terminateTimeout;
    // All guarded by lock.
    private @Nullable Publisher publisher;
    private @Nullable MqttClientSettings settings;
    private @Nullable Reactor reactor;
    private @Nullable String backend;
    private @Nullable Current current;

    /** A manager that makes clients with {@link MqttClient#create} and waits up to 10 s for a termination. */
    public MqttClientManager() {
        this(MqttClient::create, Duration.ofSeconds(10));
    }

    /**
     * A manager.
     *
     * @param factory makes a client (in {@code INIT}) on a reactor
     * @param terminateTimeout how long to wait for the old reactor's thread to terminate a client
     */
    public MqttClientManager(BiFunction<Reactor, MqttClientConfig, MqttClient> factory, Duration terminateTimeout) {
        this.factory = Objects.requireNonNull(factory, "factory must not be null");
        this.terminateTimeout = Objects.requireNonNull(terminateTimeout, "terminateTimeout must not be null");
    }

    /**
     * Starts publishing with {@code initial} settings: a client on the bound reactor, if any, now
     * and on every reactor bound later. Invalid settings are logged as one error, and nothing is
     * published.
     *
     * @param pub where to publish
     * @param initial the settings
     */
    public void activate(Publisher pub, MqttClientSettings initial) {
        Objects.requireNonNull(pub, "publisher must not be null");
        Objects.requireNonNull(initial, "settings must not be null");
        for (String w : initial.warnings()) {
            LOG.warn("MQTT client configuration {}: {}", initial.pid(), w);
        }
        synchronized (lock) {
            publisher = pub;
            settings = initial;
            if (initial.config() == null) {
                LOG.error("invalid MQTT client configuration {}: {}; no MqttClient service until it is fixed",
                        initial.pid(), String.join("; ", initial.problems()));
                return;
            }
            Reactor r = reactor;
            if (r != null) {
                attach(r, backend);
            } else {
                LOG.info("MQTT client configuration {}: waiting for a Reactor service", initial.pid());
            }
        }
    }

    /** Withdraws and terminates the client; publishes nothing until {@link #activate} again. */
    public void deactivate() {
        synchronized (lock) {
            publisher = null;
            retireCurrent("its configuration is deactivated");
        }
    }

    /**
     * A reactor was bound: the first one, or the replacement of one that leaves.
     *
     * @param r the reactor
     * @param backendName its backend, or null when unknown
     */
    public void bindReactor(Reactor r, @Nullable String backendName) {
        Objects.requireNonNull(r, "reactor must not be null");
        synchronized (lock) {
            reactor = r;
            backend = backendName;
            Current c = current;
            if (c != null && c.reactor == r) {
                return;
            }
            if (publisher != null && settings != null && settings.config() != null) {
                retireCurrent("its reactor is replaced by the reactor of backend '" + backendName + "'");
                attach(r, backendName);
            }
        }
    }

    /**
     * A reactor was unbound. If the client runs on it, the client is withdrawn and terminated
     * before this returns.
     *
     * @param r the reactor
     */
    public void unbindReactor(Reactor r) {
        synchronized (lock) {
            if (reactor == r) {
                reactor = null;
                backend = null;
            }
            Current c = current;
            if (c != null && c.reactor == r) {
                retireCurrent("its reactor went away; a new client is made when a Reactor service appears");
            }
        }
    }

    /**
     * The published client (not the shared view), or null.
     *
     * @return the client or null
     */
    public @Nullable MqttClient client() {
        synchronized (lock) {
            Current c = current;
            return c == null ? null : c.client;
        }
    }

    /** Creates, publishes and starts a client on {@code r}. Caller holds lock; settings are valid. */
    private void attach(Reactor r, @Nullable String backendName) {
        Publisher pub = Objects.requireNonNull(publisher);
        MqttClientSettings s = Objects.requireNonNull(settings);
        MqttClientConfig config = Objects.requireNonNull(s.config());
        MqttClient client;
        try {
            client = factory.apply(r, config);
            if (client == null) {
                throw new IllegalStateException("the client factory returned null");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.error("MQTT client configuration {}: could not create the client {} on the reactor of backend '{}';"
                    + " no MqttClient service", s.pid(), config.name(), backendName, e);
            return;
        }
        // Published before it starts, so that whoever watches the service (the SignalBus bridge)
        // sees the client from its first state change on.
        Runnable withdraw;
        try {
            withdraw = pub.publish(new SharedMqttClient(client, s.pid()), s.serviceProperties(backendName));
        } catch (RuntimeException e) {
            LOG.error("MQTT client configuration {}: could not register the MqttClient service of {}", s.pid(),
                    config.name(), e);
            terminate(client, r);
            return;
        }
        try {
            client.start();
        } catch (RuntimeException e) {
            LOG.error("MQTT client configuration {}: could not start the client {} on the reactor of backend '{}';"
                    + " no MqttClient service", s.pid(), config.name(), backendName, e);
            try {
                withdraw.run();
            } catch (RuntimeException w) {
                LOG.warn("withdrawing the MqttClient service {} failed", config.name(), w);
            }
            terminate(client, r);
            return;
        }
        current = new Current(r, client, withdraw);
        LOG.info("MqttClient service {} registered on the reactor of backend '{}' ({})", config.name(), backendName,
                s.pid());
    }

    /** Withdraws the published client, then terminates it. Caller holds lock. */
    private void retireCurrent(String why) {
        Current c = current;
        current = null;
        if (c == null) {
            return;
        }
        try {
            c.withdraw.run();
        } catch (RuntimeException e) {
            LOG.warn("withdrawing the MqttClient service {} failed", c.client, e);
        }
        terminate(c.client, c.reactor);
        LOG.info("MqttClient service {} withdrawn and terminated: {}", c.client.config().name(), why);
    }

    /**
     * Terminates {@code client} and, off its reactor's thread, waits (bounded) until the
     * termination ran there or the reactor stopped, so that its connection is closed when this
     * returns. An inactive reactor closed every connection when it stopped and runs no task: the
     * request is left in its queue.
     */
    private void terminate(MqttClient client, Reactor r) {
        if (r.inLoop()) {
            terminateQuietly(client);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        Registration watch = r.addLifecycleListener((x, from, to) -> {
            if (!to.isActive()) {
                done.countDown();
            }
        });
        try {
            if (!r.state().isActive()) {
                return;
            }
            r.execute(() -> {
                try {
                    terminateQuietly(client);
                } finally {
                    done.countDown();
                }
            });
            if (!done.await(terminateTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the reactor of {} did not run its termination within {}; going on without waiting", client,
                        terminateTimeout);
            }
        } catch (RejectedExecutionException e) {
            LOG.warn("the reactor of {} refused its termination ({}); its connection closes when the reactor stops",
                    client, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.remove();
        }
    }

    private static void terminateQuietly(MqttClient client) {
        try {
            client.terminate();
        } catch (RuntimeException e) {
            LOG.warn("terminating {} failed", client, e);
        }
    }

    /** The published client. */
    private static final class Current {
        final Reactor reactor;
        final MqttClient client;
        final Runnable withdraw;

        Current(Reactor reactor, MqttClient client, Runnable withdraw) {
            this.reactor = reactor;
            this.client = client;
            this.withdraw = withdraw;
        }
    }
}
