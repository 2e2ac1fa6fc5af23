package dev.spindle.signals.internal;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import dev.spindle.signals.Subscription;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link SignalBus} published on the bound reactor, with the reactor bridged onto it
 * ({@link ReactorSignals#REACTOR_STATE_CHANGED}, {@link ReactorSignals#CONNECTION_MADE},
 * {@link ReactorSignals#CONNECTION_LOST}) and every whiteboard listener subscribed to it; the
 * logic of {@link SignalBusComponent}, free of OSGi.
 *
 * <h2>When the reactor changes</h2>
 * A bus is bound to one reactor for life, so a new reactor gets a new bus: it is created, the
 * lifecycle bridge and the whiteboard listeners are attached, and it is published <em>before</em>
 * the old one is withdrawn (make before break). The old bus is not closed at once: it stays open,
 * still bridged and still delivering to the whiteboard listeners, until its reactor becomes
 * inactive, so that whiteboard listeners see the old reactor stop ({@code STARTED→STOPPING},
 * {@code STOPPING→STOPPED}). Subscriptions that consumers made on the old bus end with it;
 * consumers re-subscribe on the new bus, which their dynamic reference hands them.
 *
 * <p>Thread-safe. Publishing happens under the manager's lock; closing a retired bus happens on
 * the old reactor's thread without it.
 */
public final class SignalBusManager {
    /** Publishes a bus, e.g. as an OSGi service. */
    @FunctionalInterface
    public interface Publisher {
        /**
         * Publishes {@code bus}.
         *
         * @param bus the bus to hand out
         * @param backend the backend of its reactor, or null when unknown
         * @return withdraws the publication; called once
         */
        Runnable publish(SignalBus bus, @Nullable String backend);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SignalBusManager.class);

    private final Object lock = new Object();
    // Guarded by lock.
    private @Nullable Publisher publisher;
    private @Nullable Reactor reactor;
    private @Nullable String backend;
    private @Nullable Attached current;
    private final Map<SignalListener<?>, List<Signal<?>>> listeners = new IdentityHashMap<>();
    // Buses withdrawn and waiting for their reactor to stop; closed without the lock.
    private final Set<Attached> retiring = ConcurrentHashMap.newKeySet();

    /** A manager with nothing bound. */
    public SignalBusManager() {
    }

    /**
     * Starts publishing: a bus on the bound reactor, if any, now and on every reactor bound later.
     *
     * @param pub where to publish
     */
    public void activate(Publisher pub) {
        synchronized (lock) {
            publisher = Objects.requireNonNull(pub, "publisher must not be null");
            Reactor r = reactor;
            if (r != null) {
                attach(r, backend);
            }
        }
    }

    /** Withdraws and closes every bus at once; whiteboard listeners are no longer called. */
    public void deactivate() {
        synchronized (lock) {
            publisher = null;
            Attached old = current;
            current = null;
            if (old != null) {
                old.withdraw();
                old.close();
            }
            for (Attached a : new ArrayList<>(retiring)) {
                a.close();
            }
            retiring.clear();
        }
    }

    /**
     * A reactor was bound (the first one, a better one, or the replacement of one that leaves).
     *
     * @param r the reactor
     * @param backendName its backend, or null when unknown
     */
    public void bindReactor(Reactor r, @Nullable String backendName) {
        Objects.requireNonNull(r, "reactor must not be null");
        synchronized (lock) {
            reactor = r;
            backend = backendName;
            if (publisher != null) {
                attach(r, backendName);
            }
        }
    }

    /**
     * A reactor was unbound. If its bus is the published one, it is withdrawn and retired.
     *
     * @param r the reactor
     */
    public void unbindReactor(Reactor r) {
        synchronized (lock) {
            if (reactor == r) {
                reactor = null;
                backend = null;
            }
            Attached c = current;
            if (c != null && c.reactor == r) {
                current = null;
                retire(c);
            }
        }
    }

    /**
     * A whiteboard listener arrived: it listens to {@code signals} from every source on the
     * current bus and every later one.
     *
     * @param listener the listener
     * @param signals the signals it listens to
     */
    public void addListener(SignalListener<?> listener, List<Signal<?>> signals) {
        Objects.requireNonNull(listener, "listener must not be null");
        List<Signal<?>> copy = List.copyOf(signals);
        synchronized (lock) {
            listeners.put(listener, copy);
            Attached c = current;
            if (c != null) {
                c.subscribe(listener, copy);
            }
        }
    }

    /**
     * A whiteboard listener left: it is not called any more, on any bus.
     *
     * @param listener the listener
     */
    public void removeListener(SignalListener<?> listener) {
        synchronized (lock) {
            listeners.remove(listener);
            Attached c = current;
            if (c != null) {
                c.unsubscribe(listener);
            }
            for (Attached a : retiring) {
                a.unsubscribe(listener);
            }
        }
    }

    /**
     * The published bus (the component's own, not the shared view), or null.
     *
     * @return the bus or null
     */
    public @Nullable SignalBus bus() {
        synchronized (lock) {
            Attached c = current;
            return c == null ? null : c.bus;
        }
    }

    /**
     * How many retired buses still wait for their reactor to stop. For tests.
     *
     * @return the count
     */
    public int retiringCount() {
        return retiring.size();
    }

    /** Caller holds lock and publisher is set. */
    private void attach(Reactor r, @Nullable String backendName) {
        Attached old = current;
        if (old != null && old.reactor == r) {
            return;
        }
        Publisher pub = Objects.requireNonNull(publisher);
        Attached a = new Attached(r, SignalBus.create(r));
        for (Map.Entry<SignalListener<?>, List<Signal<?>>> e : listeners.entrySet()) {
            a.subscribe(e.getKey(), e.getValue());
        }
        try {
            a.publication = pub.publish(new SharedSignalBus(a.bus), backendName);
        } catch (RuntimeException ex) {
            LOG.error("could not publish the signal bus of reactor {}", r, ex);
            a.close();
            return;
        }
        current = a;
        LOG.info("SignalBus service registered on the reactor of backend '{}'", backendName);
        if (old != null) {
            retire(old);
        }
    }

    /** Withdraws {@code a}; closes it once its reactor is inactive. Caller holds lock. */
    private void retire(Attached a) {
        a.withdraw();
        retiring.add(a);
        Registration watch = a.reactor.addLifecycleListener((x, from, to) -> {
            if (!to.isActive()) {
                closeRetired(a);
            }
        });
        a.stopWatch = watch;
        if (a.closed.get()) {
            // It stopped while the watch was being added.
            watch.remove();
        } else if (!a.reactor.state().isActive()) {
            closeRetired(a);
        }
    }

    private void closeRetired(Attached a) {
        if (retiring.remove(a)) {
            a.close();
        }
    }

    /** A bus on one reactor, its lifecycle bridge and its whiteboard subscriptions. */
    private static final class Attached {
        final Reactor reactor;
        final SignalBus bus;
        final Subscription bridge;
        final Map<SignalListener<?>, List<Subscription>> subscriptions = new IdentityHashMap<>();
        final AtomicBoolean closed = new AtomicBoolean();
        @Nullable Runnable publication;
        volatile @Nullable Registration stopWatch;

        Attached(Reactor reactor, SignalBus bus) {
            this.reactor = reactor;
            this.bus = bus;
            this.bridge = ReactorSignals.bridge(reactor, bus);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void subscribe(SignalListener<?> listener, List<Signal<?>> signals) {
            List<Subscription> subs = new ArrayList<>(signals.size());
            for (Signal<?> s : signals) {
                try {
                    subs.add(bus.listenAll((Signal) s, (SignalListener) listener));
                } catch (RuntimeException ex) {
                    LOG.error("whiteboard listener {} cannot listen to {}: {}", listener, s, ex.getMessage(), ex);
                }
            }
            synchronized (subscriptions) {
                subscriptions.put(listener, subs);
            }
        }

        void unsubscribe(SignalListener<?> listener) {
            List<Subscription> subs;
            synchronized (subscriptions) {
                subs = subscriptions.remove(listener);
            }
            if (subs != null) {
                for (Subscription s : subs) {
                    s.close();
                }
            }
        }

        void withdraw() {
            Runnable p = publication;
            publication = null;
            if (p != null) {
                try {
                    p.run();
                } catch (RuntimeException ex) {
                    LOG.warn("withdrawing the signal bus of reactor {} failed", reactor, ex);
                }
            }
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                Registration w = stopWatch;
                if (w != null) {
                    w.remove();
                }
                bridge.close();
                bus.close();
                synchronized (subscriptions) {
                    subscriptions.clear();
                }
            }
        }
    }
}
