package dev.spindle.reactor.quick.internal;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.spi.ReactorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one started {@link Reactor} published on the best {@link ReactorProvider} that is
 * present, and moves it when providers come and go or the configuration changes. The logic of
 * {@link ReactorComponent}, free of OSGi so that it can be tested on its own.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Choice.</b> Without a backend name in the settings: the available provider with the
 *       highest {@link ReactorProvider#priority() priority}, the one that arrived first among
 *       equals. With a name: only a provider of that name (ignoring case); never another one.</li>
 *   <li><b>Always the best.</b> Whenever the best choice changes (a better provider arrives, the
 *       one in use leaves, the configuration changes), a new reactor is created, started and
 *       published <em>before</em> the old one is withdrawn and stopped (make before break), so a
 *       consumer with a dynamic reference is handed the new reactor without being deactivated.
 *       The old reactor is withdrawn first and stopped after, so its consumers can still close
 *       their connections on a running loop when they are told it goes.</li>
 *   <li><b>Failures.</b> A provider that throws from {@code create}, or whose reactor does not
 *       reach {@code STARTED}, is logged and skipped, and the next best is tried; it is not asked
 *       again until it is registered anew or the configuration changes. Nothing is ever
 *       published half-made: a reactor is published only once {@code STARTED}.</li>
 *   <li><b>Bad settings</b> (a negative pool size, a blank thread name) or a named backend that is
 *       absent, unavailable or failing: an error is logged (once per distinct problem), the
 *       reactor in use, if any, is withdrawn and stopped, and nothing is published until the
 *       settings are fixed or the backend appears.</li>
 * </ul>
 *
 * <p>Thread-safe: every method takes one lock and does its work (including publishing, which
 * calls out to the framework, and waiting for an old reactor to stop) before returning, so that
 * when {@link #removeProvider} returns, nothing made by that provider runs any more.
 */
public final class ReactorServiceManager {
    /** Publishes a started reactor, e.g. as an OSGi service. */
    @FunctionalInterface
    public interface Publisher {
        /**
         * Publishes {@code reactor}.
         *
         * @param reactor a started reactor
         * @param backend the name of the backend it runs on
         * @return withdraws the publication; called once
         */
        Runnable publish(Reactor reactor, String backend);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReactorServiceManager.class);

    private final Object lock = new Object();
    private final Duration startTimeout;
    // All guarded by lock.
    private final List<Entry> providers = new ArrayList<>();
    private final Set<ReactorProvider> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    private long nextSeq;
    private @Nullable Publisher publisher;
    private ReactorSettings settings = ReactorSettings.DEFAULTS;
    private @Nullable Current current;
    private @Nullable String lastProblem;

    /** A manager that waits up to 30 s for a new reactor to start. */
    public ReactorServiceManager() {
        this(Duration.ofSeconds(30));
    }

    /**
     * A manager.
     *
     * @param startTimeout how long to wait for a new reactor to reach {@code STARTED}
     */
    public ReactorServiceManager(Duration startTimeout) {
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout must not be null");
    }

    /**
     * Starts publishing with {@code initial} settings.
     *
     * @param pub where to publish
     * @param initial the settings
     */
    public void activate(Publisher pub, ReactorSettings initial) {
        synchronized (lock) {
            publisher = Objects.requireNonNull(pub, "publisher must not be null");
            settings = Objects.requireNonNull(initial, "settings must not be null");
            failed.clear();
            lastProblem = null;
            reconcile();
        }
    }

    /**
     * Applies new settings: a different configuration gives a new reactor (made before the old
     * one is stopped); an equal one changes nothing.
     *
     * @param next the settings
     */
    public void modified(ReactorSettings next) {
        Objects.requireNonNull(next, "settings must not be null");
        synchronized (lock) {
            if (next.equals(settings) && next.problem() == null) {
                return;
            }
            LOG.info("reactor configuration changed: {}", next);
            settings = next;
            failed.clear();
            lastProblem = null;
            reconcile();
        }
    }

    /** Withdraws and stops the reactor; publishes nothing until {@link #activate} again. */
    public void deactivate() {
        synchronized (lock) {
            publisher = null;
            Current old = current;
            current = null;
            if (old != null) {
                retire(old, "the component is deactivated");
            }
        }
    }

    /**
     * A provider arrived.
     *
     * @param provider the provider
     */
    public void addProvider(ReactorProvider provider) {
        Objects.requireNonNull(provider, "provider must not be null");
        synchronized (lock) {
            providers.add(new Entry(provider, nextSeq++));
            reconcile();
        }
    }

    /**
     * A provider left. When it is the one in use, the reactor moves to the next best before this
     * returns, and the reactor it made is stopped.
     *
     * @param provider the provider
     */
    public void removeProvider(ReactorProvider provider) {
        synchronized (lock) {
            providers.removeIf(e -> e.provider == provider);
            failed.remove(provider);
            reconcile();
        }
    }

    /**
     * The published reactor, or null.
     *
     * @return the reactor or null
     */
    public @Nullable Reactor reactor() {
        synchronized (lock) {
            Current c = current;
            return c == null ? null : c.reactor;
        }
    }

    /**
     * The backend of the published reactor, or null.
     *
     * @return the name or null
     */
    public @Nullable String backend() {
        synchronized (lock) {
            Current c = current;
            return c == null ? null : c.backend;
        }
    }

    // ------------------------------------------------------------------ the decision

    /** Brings the published reactor in line with the providers and settings. Caller holds lock. */
    private void reconcile() {
        Publisher pub = publisher;
        if (pub == null) {
            return;
        }
        ReactorSettings s = settings;
        ReactorConfig config = s.config();
        if (config == null) {
            retireCurrent("the configuration is invalid");
            problem("invalid configuration " + ReactorComponent.PID + ": " + s.problem()
                    + "; no Reactor service until it is fixed");
            return;
        }
        List<Entry> candidates = candidates(s);
        Current cur = current;
        for (Entry e : candidates) {
            if (cur != null && cur.provider == e.provider && cur.settings.equals(s)) {
                // Everything better failed (or nothing is better): keep what runs.
                return;
            }
            Reactor reactor = tryStart(e, config);
            if (reactor == null) {
                continue;
            }
            Runnable withdraw;
            try {
                withdraw = pub.publish(reactor, e.name);
            } catch (RuntimeException ex) {
                LOG.error("could not publish the reactor on backend '{}'", e.name, ex);
                shutDown(reactor, config);
                return;
            }
            current = new Current(e.provider, e.name, s, reactor, withdraw);
            lastProblem = null;
            if (cur == null) {
                LOG.info("Reactor service registered on backend '{}' (priority {}), thread {}", e.name, e.priority,
                        config.threadName());
            } else {
                LOG.info("Reactor service moved from backend '{}' to '{}' (priority {}), thread {}", cur.backend, e.name,
                        e.priority, config.threadName());
                retire(cur, "replaced by a reactor on backend '" + e.name + "'");
            }
            return;
        }
        retireCurrent("no backend can serve the configuration");
        problem(noBackend(s, candidates.isEmpty()));
    }

    /** Available providers that fit the settings and have not failed, best first. */
    private List<Entry> candidates(ReactorSettings s) {
        List<Entry> out = new ArrayList<>();
        String wanted = s.backend();
        for (Entry e : providers) {
            if ((wanted == null || e.name.equalsIgnoreCase(wanted)) && e.available() && !failed.contains(e.provider)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingInt((Entry e) -> e.priority).reversed().thenComparingLong(e -> e.seq));
        return out;
    }

    private String noBackend(ReactorSettings s, boolean noCandidate) {
        String wanted = s.backend();
        StringBuilder b = new StringBuilder();
        if (wanted == null) {
            b.append(providers.isEmpty() ? "no ReactorProvider service is registered"
                    : noCandidate ? "no registered reactor backend is available"
                    : "no reactor backend could create and start a reactor");
        } else {
            boolean present = false;
            for (Entry e : providers) {
                present |= e.name.equalsIgnoreCase(wanted);
            }
            b.append("configuration ").append(ReactorComponent.PID).append(" names backend '").append(wanted)
                    .append(present ? "', which cannot create a reactor here"
                            : "', an unknown reactor backend: no ReactorProvider service of that name is registered");
        }
        b.append("; no Reactor service until ").append(wanted == null ? "a usable backend" : "it").append(" appears");
        b.append(". Backends present: ");
        if (providers.isEmpty()) {
            b.append("none");
        }
        for (int i = 0; i < providers.size(); i++) {
            Entry e = providers.get(i);
            b.append(i == 0 ? "" : ", ").append(e.name).append(" (priority ").append(e.priority).append(", ")
                    .append(failed.contains(e.provider) ? "failed to create a reactor"
                            : e.available() ? "available" : "unavailable: " + e.reason())
                    .append(')');
        }
        return b.toString();
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            if (providers.isEmpty() && settings.backend() == null && settings.problem() == null) {
                // Only waiting for the first backend bundle to start: normal while a framework starts.
                LOG.info(message);
            } else {
                LOG.error(message);
            }
        }
    }

    // ------------------------------------------------------------------ reactors

    /** Creates and starts a reactor on {@code e}, or logs why not and marks it failed. */
    private @Nullable Reactor tryStart(Entry e, ReactorConfig config) {
        Reactor reactor;
        try {
            reactor = e.provider.create(config);
            if (reactor == null) {
                throw new IllegalStateException("create returned null");
            }
        } catch (RuntimeException | LinkageError ex) {
            failed.add(e.provider);
            LOG.error("reactor backend '{}' (priority {}) failed to create a reactor; trying the next best", e.name,
                    e.priority, ex);
            return null;
        }
        try {
            startAndAwait(reactor);
            return reactor;
        } catch (RuntimeException ex) {
            failed.add(e.provider);
            LOG.error("the reactor of backend '{}' did not start; trying the next best", e.name, ex);
            shutDown(reactor, config);
            return null;
        }
    }

    private void startAndAwait(Reactor reactor) {
        CountDownLatch settled = new CountDownLatch(1);
        Registration reg = reactor.addLifecycleListener((r, from, to) -> {
            if (to == ReactorState.STARTED || !to.isActive()) {
                settled.countDown();
            }
        });
        try {
            reactor.start();
            if (reactor.state() != ReactorState.STARTED
                    && !settled.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the reactor did not start within " + startTimeout);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the reactor started", ex);
        } finally {
            reg.remove();
        }
        ReactorState state = reactor.state();
        if (state != ReactorState.STARTED) {
            Throwable cause = reactor.error();
            throw new IllegalStateException("the reactor is " + state + " instead of STARTED", cause);
        }
    }

    private void retireCurrent(String why) {
        Current old = current;
        current = null;
        if (old != null) {
            LOG.info("Reactor service on backend '{}' withdrawn: {}", old.backend, why);
            retire(old, why);
        }
    }

    /** Withdraws the publication, then stops the reactor and waits for it. */
    private static void retire(Current old, String why) {
        try {
            old.withdraw.run();
        } catch (RuntimeException ex) {
            LOG.warn("withdrawing the reactor on backend '{}' failed ({})", old.backend, why, ex);
        }
        ReactorConfig config = old.settings.config();
        shutDown(old.reactor, config == null ? ReactorConfig.defaults() : config);
    }

    /**
     * Stops {@code reactor} cleanly and waits until it is inactive, bounded by three times its
     * shutdown timeout plus 5 s; then terminates it if it is still active. From the reactor's own
     * thread it can only ask for the stop.
     */
    private static void shutDown(Reactor reactor, ReactorConfig config) {
        if (reactor.inLoop()) {
            reactor.stop();
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Registration reg = reactor.addLifecycleListener((r, from, to) -> {
            if (!to.isActive()) {
                stopped.countDown();
            }
        });
        try {
            reactor.stop();
            Duration bound = config.shutdownTimeout().multipliedBy(3).plusSeconds(5);
            if (reactor.state().isActive() && !stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("reactor {} did not stop within {}; terminating it", reactor, bound);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            reg.remove();
            if (reactor.state().isActive()) {
                reactor.terminate();
            }
        }
    }

    // ------------------------------------------------------------------ records

    /** A provider with what it said about itself when it arrived. */
    private static final class Entry {
        final ReactorProvider provider;
        final long seq;
        final String name;
        final int priority;
        private final boolean available;
        private final @Nullable Throwable cause;

        Entry(ReactorProvider provider, long seq) {
            this.provider = provider;
            this.seq = seq;
            String n;
            int p;
            boolean a;
            Throwable c;
            try {
                n = provider.name();
                p = provider.priority();
                a = provider.isAvailable();
                c = a ? null : provider.unavailabilityCause();
                if (n == null || n.isBlank()) {
                    throw new IllegalStateException("the provider has no name");
                }
            } catch (RuntimeException | LinkageError ex) {
                LOG.error("reactor provider {} threw when asked about itself; it is ignored", provider.getClass().getName(),
                        ex);
                n = provider.getClass().getName();
                p = Integer.MIN_VALUE;
                a = false;
                c = ex;
            }
            this.name = n;
            this.priority = p;
            this.available = a;
            this.cause = c;
            if (!a) {
                LOG.info("reactor backend '{}' is registered but unavailable here: {}", n, reason());
            }
        }

        boolean available() {
            return available;
        }

        String reason() {
            Throwable c = cause;
            return c == null ? "no reason given" : String.valueOf(c.getMessage());
        }
    }

    /** The published reactor. */
    private static final class Current {
        final ReactorProvider provider;
        final String backend;
        final ReactorSettings settings;
        final Reactor reactor;
        final Runnable withdraw;

        Current(ReactorProvider provider, String backend, ReactorSettings settings, Reactor reactor,
                Runnable withdraw) {
            this.provider = provider;
            this.backend = backend;
            this.settings = settings;
            this.reactor = reactor;
            this.withdraw = withdraw;
        }
    }
}
