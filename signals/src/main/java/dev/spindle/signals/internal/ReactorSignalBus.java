package dev.spindle.signals.internal;

import dev.spindle.reactor.CoreReactor;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.signals.ListenerFailure;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import dev.spindle.signals.Subscription;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SignalBus} on a {@link CoreReactor}; {@link SignalBus#create(CoreReactor)} returns
 * one. A plain object with a public constructor and {@link #close()}, so that a Declarative
 * Services component can own one.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>Registry: one {@link SignalEntry} per signal name, holding the all-source subscriptions
 *       in a copy-on-write array and the per-source ones in a map keyed by a weak, identity-based
 *       {@link SourceKey}. Writers hold {@code lock}; delivery reads snapshots without it.
 *       Collected sources are expunged through a {@link ReferenceQueue} on every call.</li>
 *   <li>Delivery: one thread at a time <em>owns</em> delivery ({@code owner}). A thread that may
 *       deliver here (the reactor thread, or any thread while the reactor is inactive) takes
 *       ownership and delivers; any other event goes into the bounded {@code pending} queue, and
 *       the reactor thread is asked to drain it with one {@code execute} per batch. A fire by the
 *       owner itself (a listener firing) is queued, which gives breadth-first order. Whoever
 *       releases ownership re-checks the queue, so no event is stranded.</li>
 * </ul>
 */
public final class ReactorSignalBus implements SignalBus {
    private static final Logger LOG = LoggerFactory.getLogger(ReactorSignalBus.class);
    private static final Sub[] NONE = new Sub[0];

    private final CoreReactor reactor;
    private final int pendingCapacity;
    private final Registration lifecycle;

    // Registry. Mutated under lock; read without it.
    private final Object lock = new Object();
    private final ConcurrentHashMap<String, SignalEntry> entries = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private long nextSeq;
    private volatile boolean closed;

    // Delivery.
    private final AtomicReference<@Nullable Thread> owner = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::runDrainTask;

    /**
     * A bus on {@code reactor}. It observes the reactor's lifecycle (to deliver events still
     * queued when the reactor becomes inactive) until {@link #close()}.
     *
     * @param reactor the reactor whose thread delivers
     * @param pendingCapacity bound of the queue of events waiting for delivery; at least 1
     * @throws IllegalArgumentException if {@code pendingCapacity} is below 1
     */
    public ReactorSignalBus(CoreReactor reactor, int pendingCapacity) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        if (pendingCapacity < 1) {
            throw new IllegalArgumentException("pendingCapacity must be at least 1, found: " + pendingCapacity);
        }
        this.pendingCapacity = pendingCapacity;
        this.lifecycle = reactor.addLifecycleListener(this::reactorStateChanged);
    }

    @Override
    public CoreReactor reactor() {
        return reactor;
    }

    // ------------------------------------------------------------------ registry

    @Override
    public <E> Subscription listen(Object source, Signal<E> signal, SignalListener<? super E> listener) {
        Objects.requireNonNull(source, "source must not be null");
        return add(source, signal, listener);
    }

    @Override
    public <E> Subscription listenAll(Signal<E> signal, SignalListener<? super E> listener) {
        return add(null, signal, listener);
    }

    @SuppressWarnings("unchecked")
    private Subscription add(@Nullable Object source, Signal<?> signal, SignalListener<?> listener) {
        Objects.requireNonNull(signal, "signal must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        expunge();
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the signal bus is closed; cannot listen to " + signal);
            }
            SignalEntry entry = entries.get(signal.name());
            if (entry == null) {
                entry = new SignalEntry(signal);
                entries.put(signal.name(), entry);
            } else {
                checkSameType(entry, signal);
            }
            SignalListener<Object> l = (SignalListener<Object>) listener;
            if (source == null) {
                Sub sub = new Sub(this, entry, null, l, nextSeq++);
                entry.any = append(entry.any, sub);
                return sub;
            }
            SourceSubs current = entry.bySource.get(new Lookup(source));
            SourceKey key = current != null ? current.key : new SourceKey(source, entry, collected);
            Sub sub = new Sub(this, entry, key, l, nextSeq++);
            entry.bySource.put(key, new SourceSubs(key, append(current != null ? current.subs : NONE, sub)));
            return sub;
        }
    }

    private static void checkSameType(SignalEntry entry, Signal<?> signal) {
        if (entry.signal.eventType() != signal.eventType()) {
            throw new IllegalArgumentException("signal name \"" + signal.name() + "\" is used on this bus with event type "
                    + entry.signal.eventType().getName() + "; found: " + signal.eventType().getName());
        }
    }

    private void remove(Sub sub) {
        synchronized (lock) {
            if (!sub.active) {
                return;
            }
            sub.deactivate();
            SignalEntry entry = sub.entry;
            SourceKey key = sub.key;
            if (key == null) {
                entry.any = without(entry.any, sub);
            } else {
                SourceSubs current = entry.bySource.get(key);
                if (current != null && current.key == key) {
                    Sub[] rest = without(current.subs, sub);
                    if (rest.length == 0) {
                        entry.bySource.remove(key);
                    } else {
                        entry.bySource.put(key, new SourceSubs(key, rest));
                    }
                }
            }
            removeIfEmpty(entry);
        }
    }

    private void removeIfEmpty(SignalEntry entry) {
        // Caller holds lock.
        if (entry.any.length == 0 && entry.bySource.isEmpty()) {
            entries.remove(entry.signal.name(), entry);
        }
    }

    /** Drops the subscriptions of sources that were garbage-collected. */
    private void expunge() {
        SourceKey key;
        while ((key = (SourceKey) collected.poll()) != null) {
            synchronized (lock) {
                // A cleared key equals only itself, so this removes exactly its mapping.
                SourceSubs gone = key.entry.bySource.remove(key);
                if (gone != null) {
                    for (Sub s : gone.subs) {
                        s.deactivate();
                    }
                    removeIfEmpty(key.entry);
                }
            }
        }
    }

    @Override
    public int subscriptionCount() {
        expunge();
        int n = 0;
        synchronized (lock) {
            for (SignalEntry e : entries.values()) {
                n += e.any.length;
                for (SourceSubs ss : e.bySource.values()) {
                    if (ss.key.get() != null) {
                        n += ss.subs.length;
                    }
                }
            }
        }
        return n;
    }

    /**
     * How many signals have an entry in the registry (signals with at least one subscription).
     * For tests: firing a signal nobody listens to must not create one (SIG-7).
     *
     * @return the number of entries
     */
    public int signalCount() {
        expunge();
        return entries.size();
    }

    // ------------------------------------------------------------------ firing

    @Override
    public <E> void fire(Object source, Signal<E> signal, E event) {
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(signal, "signal must not be null");
        Objects.requireNonNull(event, "event must not be null");
        if (!signal.eventType().isInstance(event)) {
            throw new IllegalArgumentException("an event of " + signal + " must be an instance of "
                    + signal.eventType().getName() + ", found: " + event.getClass().getName());
        }
        SignalEntry entry = entries.get(signal.name());
        if (entry != null) {
            checkSameType(entry, signal);
        }
        if (closed) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("the signal bus is closed; dropped {} from {}", signal, source);
            }
            return;
        }
        expunge();
        if (!mayDeliverHere()) {
            enqueue(source, signal, event);
            scheduleDrain();
            if (mayDeliverHere()) {
                // The reactor became inactive meanwhile, and its last drain at that transition
                // may have run before the event was queued: deliver it here.
                afterRelease();
            }
            return;
        }
        Thread me = Thread.currentThread();
        if (owner.compareAndSet(null, me)) {
            try {
                if (pending.isEmpty()) {
                    deliver(source, signal, event);
                } else {
                    // Events handed over earlier go first.
                    enqueue(source, signal, event);
                }
                drainOwned();
            } finally {
                owner.set(null);
            }
            afterRelease();
            return;
        }
        enqueue(source, signal, event);
        if (owner.get() != me) {
            // Another thread delivers (the reactor is changing state): it re-checks the queue
            // when it lets go, and so do we, in case it just did.
            afterRelease();
        }
        // Else a listener fired: the delivery running below us takes the event next.
    }

    /** The reactor thread, or any thread while there is no reactor thread to hand over to. */
    private boolean mayDeliverHere() {
        return reactor.inLoop() || !reactor.state().isActive();
    }

    private void enqueue(Object source, Signal<?> signal, Object event) {
        if (pendingCount.incrementAndGet() > pendingCapacity) {
            pendingCount.decrementAndGet();
            throw new RejectedExecutionException("the signal bus queue is full (capacity " + pendingCapacity
                    + "); refused " + signal + " from " + source);
        }
        pending.offer(new Pending(source, signal, event));
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            boolean queued;
            try {
                queued = reactor.tryExecute(drainTask);
            } catch (RuntimeException e) {
                LOG.warn("handing signal delivery to the reactor failed", e);
                queued = false;
            }
            if (!queued) {
                drainScheduled.set(false);
                LOG.warn("the reactor's task queue is full: {} signal events wait for the next fire", pendingCount.get());
            }
        }
    }

    private void runDrainTask() {
        drainScheduled.set(false);
        afterRelease();
    }

    /** Delivers queued events while this thread owns delivery and may deliver here. */
    private void drainOwned() {
        Pending p;
        while (!closed && mayDeliverHere() && (p = pending.poll()) != null) {
            pendingCount.decrementAndGet();
            deliver(p.source, p.signal, p.event);
        }
    }

    /** After letting go of delivery: nobody may be left waiting for an event in the queue. */
    private void afterRelease() {
        while (!closed && !pending.isEmpty()) {
            if (!mayDeliverHere()) {
                scheduleDrain();
                return;
            }
            if (!owner.compareAndSet(null, Thread.currentThread())) {
                // The owner (another thread, or this one further down the stack) re-checks.
                return;
            }
            try {
                drainOwned();
            } finally {
                owner.set(null);
            }
        }
    }

    private void reactorStateChanged(Reactor r, ReactorState from, ReactorState to) {
        if (!to.isActive()) {
            // No reactor thread any more: deliver what was handed over to it, here and now,
            // rather than keeping it until the next start. A drain task still queued in the
            // reactor may never run (or only after a restart), so it no longer counts.
            drainScheduled.set(false);
            afterRelease();
        }
    }

    private void deliver(Object source, Signal<?> signal, Object event) {
        SignalEntry entry = entries.get(signal.name());
        if (entry == null || entry.signal.eventType() != signal.eventType()) {
            return;
        }
        // Snapshots: listeners added from here on wait for the next event (SIG-5).
        SourceSubs ss = entry.bySource.isEmpty() ? null : entry.bySource.get(new Lookup(source));
        Sub[] a = ss == null ? NONE : ss.subs;
        Sub[] b = entry.any;
        int i = 0;
        int j = 0;
        // Merge by registration order (SIG-2), whichever array each subscription is in.
        while (i < a.length || j < b.length) {
            Sub s = j >= b.length || (i < a.length && a[i].seq < b[j].seq) ? a[i++] : b[j++];
            SignalListener<Object> listener = s.listener;
            if (listener != null) {
                invoke(listener, source, signal, event);
            }
        }
    }

    private void invoke(SignalListener<Object> listener, Object source, Signal<?> signal, Object event) {
        try {
            listener.onSignal(source, event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            listenerFailed(listener, source, signal, event, t);
        }
    }

    private void listenerFailed(SignalListener<Object> listener, Object source, Signal<?> signal, Object event,
            Throwable t) {
        if (LISTENER_FAILED.equals(signal)) {
            LOG.error("listener {} of {} threw while handling {}; not reported again", listener, signal, event, t);
            return;
        }
        LOG.error("listener {} of {} threw on {} from {}; the other listeners still run", listener, signal, event,
                source, t);
        try {
            fire(this, LISTENER_FAILED, new ListenerFailure(source, signal, event, listener, t));
        } catch (RuntimeException e) {
            LOG.error("could not report the failure of listener {} on {}", listener, LISTENER_FAILED, e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (SignalEntry e : entries.values()) {
                for (Sub s : e.any) {
                    s.deactivate();
                }
                for (SourceSubs ss : e.bySource.values()) {
                    for (Sub s : ss.subs) {
                        s.deactivate();
                    }
                }
            }
            entries.clear();
        }
        lifecycle.remove();
        int dropped = 0;
        while (pending.poll() != null) {
            pendingCount.decrementAndGet();
            dropped++;
        }
        if (dropped > 0) {
            LOG.debug("signal bus closed; dropped {} queued events", dropped);
        }
    }

    @Override
    public String toString() {
        return "SignalBus[" + (closed ? "closed" : "open") + ", " + entries.size() + " signals, reactor " + reactor + "]";
    }

    // ------------------------------------------------------------------ helpers

    private static Sub[] append(Sub[] subs, Sub s) {
        Sub[] n = Arrays.copyOf(subs, subs.length + 1);
        n[subs.length] = s;
        return n;
    }

    private static Sub[] without(Sub[] subs, Sub s) {
        for (int i = 0; i < subs.length; i++) {
            if (subs[i] == s) {
                Sub[] n = new Sub[subs.length - 1];
                System.arraycopy(subs, 0, n, 0, i);
                System.arraycopy(subs, i + 1, n, i, subs.length - i - 1);
                return n;
            }
        }
        return subs;
    }

    /** The subscriptions of one signal. */
    private static final class SignalEntry {
        final Signal<?> signal;
        /** All-source subscriptions, in registration order; replaced, never mutated. */
        volatile Sub[] any = NONE;
        /** Per-source subscriptions: {@link SourceKey} to {@link SourceSubs}. */
        final ConcurrentHashMap<Object, SourceSubs> bySource = new ConcurrentHashMap<>();

        SignalEntry(Signal<?> signal) {
            this.signal = signal;
        }
    }

    /** The subscriptions of one source to one signal, in registration order; immutable. */
    private static final class SourceSubs {
        final SourceKey key;
        final Sub[] subs;

        SourceSubs(SourceKey key, Sub[] subs) {
            this.key = key;
            this.subs = subs;
        }
    }

    /**
     * A weak reference to a source, equal to another key or a {@link Lookup} of the same object
     * (identity). Once cleared it equals only itself; its hash never changes.
     */
    private static final class SourceKey extends WeakReference<Object> {
        final int hash;
        final SignalEntry entry;

        SourceKey(Object source, SignalEntry entry, ReferenceQueue<Object> queue) {
            super(source, queue);
            this.hash = System.identityHashCode(source);
            this.entry = entry;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (o == this) {
                return true;
            }
            Object mine = get();
            if (mine == null) {
                return false;
            }
            if (o instanceof SourceKey) {
                return ((SourceKey) o).get() == mine;
            }
            return o instanceof Lookup && ((Lookup) o).source == mine;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A short-lived strong key for looking a source up. */
    private static final class Lookup {
        final Object source;

        Lookup(Object source) {
            this.source = source;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (o instanceof SourceKey) {
                return ((SourceKey) o).get() == source;
            }
            return o instanceof Lookup && ((Lookup) o).source == source;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(source);
        }
    }

    /** An event waiting for delivery. */
    private static final class Pending {
        final Object source;
        final Signal<?> signal;
        final Object event;

        Pending(Object source, Signal<?> signal, Object event) {
            this.source = source;
            this.signal = signal;
            this.event = event;
        }
    }

    /** A registration. */
    private static final class Sub implements Subscription {
        final ReactorSignalBus bus;
        final SignalEntry entry;
        final @Nullable SourceKey key;
        /** Null once inactive, so a closed subscription the caller keeps does not keep the listener (and what it captures). */
        volatile @Nullable SignalListener<Object> listener;
        /** Registration order across all subscriptions of the bus. */
        final long seq;
        volatile boolean active = true;

        Sub(ReactorSignalBus bus, SignalEntry entry, @Nullable SourceKey key, SignalListener<Object> listener,
                long seq) {
            this.bus = bus;
            this.entry = entry;
            this.key = key;
            this.listener = listener;
            this.seq = seq;
        }

        void deactivate() {
            active = false;
            listener = null;
        }

        @Override
        public void close() {
            bus.remove(this);
        }

        @Override
        public boolean isActive() {
            SourceKey k = key;
            return active && (k == null || k.get() != null);
        }

        @Override
        public String toString() {
            SourceKey k = key;
            Object source = k == null ? null : k.get();
            String from = k == null ? "any source"
                    : source == null ? "a collected source"
                    : source.getClass().getName() + "@" + Integer.toHexString(k.hash);
            return "Subscription[" + entry.signal.name() + " from " + from + ", " + (isActive() ? "active" : "closed")
                    + "]";
        }
    }
}
