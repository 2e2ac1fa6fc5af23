package dev.spindle.signals;

import dev.spindle.reactor.CoreReactor;
import dev.spindle.signals.internal.ReactorSignalBus;

/**
 * A typed signal bus bound to one reactor: listeners subscribe to a {@link Signal} of one source
 * object, or of every source, and {@link #fire fire} delivers each event to them on the reactor
 * thread. Mitogen's {@code listen}/{@code fire} (SPEC §4) made typed and safe.
 *
 * <pre>{@code
 * SignalBus bus = SignalBus.create(reactor);
 * Subscription s = bus.listen(reactor, ReactorSignals.REACTOR_STATE_CHANGED,
 *         (source, change) -> log.info("reactor {} -> {}", change.from(), change.to()));
 * bus.fire(reactor, ReactorSignals.REACTOR_STATE_CHANGED, change);   // from any thread
 * s.close();
 * }</pre>
 *
 * <h2>Delivery</h2>
 * <ul>
 *   <li><b>Order.</b> The listeners of an event run one after the other, in the order they were
 *       registered, whether they listen to that source or to every source (SIG-2). Registering the
 *       same listener twice gives two subscriptions, and it is called twice (SIG-1). Events are
 *       delivered one at a time, never concurrently, in the order they were fired (for fires
 *       that are ordered, e.g. made by one thread, or by the reactor thread).</li>
 *   <li><b>Thread.</b> On the reactor thread {@code fire} delivers synchronously, before it
 *       returns. On another thread, while the reactor is active, the event is queued and the
 *       reactor thread delivers it ({@link CoreReactor#execute} wakes it); {@code fire} returns at
 *       once. While the reactor is inactive ({@code INIT}, {@code STOPPED}, {@code ERROR}), there
 *       is no reactor thread to wait for: the event is delivered synchronously on the calling
 *       thread, still one event at a time. Events queued from other threads that are still
 *       waiting when the reactor becomes inactive are delivered at that transition, on the reactor
 *       thread, not kept until the next start.</li>
 *   <li><b>Re-entrancy.</b> A {@code fire} made by a listener (on the thread that is delivering)
 *       is queued and delivered right after the current event has reached all its listeners, so
 *       every listener sees events in the same order (breadth first, no recursion). The outermost
 *       {@code fire} returns once the queue is empty.</li>
 *   <li><b>Snapshot</b> (SIG-5 fixed). An event goes to the listeners registered when its
 *       delivery begins. A listener that closes its own or another subscription during delivery
 *       never makes another listener be skipped; a closed listener is not called any more, even
 *       for the event being delivered; a listener added during delivery gets the next event, not
 *       this one.</li>
 *   <li><b>Isolation</b> (SIG-4 fixed). An exception (or an {@link Error} other than a
 *       {@link VirtualMachineError}, e.g. a {@link LinkageError} from a stopped bundle) thrown by a
 *       listener is logged through SLF4J and reported on {@link #LISTENER_FAILED}; the remaining
 *       listeners still run and {@code fire} does not throw. An exception thrown by a listener of
 *       {@code LISTENER_FAILED} is only logged (no report about a report). A
 *       {@link VirtualMachineError} propagates out of the delivery.</li>
 *   <li><b>Sources</b> (SIG-6 fixed). Any object can be a source; sources are told apart by
 *       identity, not {@code equals}. The bus holds sources weakly: a source that nobody else
 *       references can be garbage-collected, and its subscriptions disappear with it
 *       ({@link Subscription#isActive()} becomes false, {@link #subscriptionCount()} drops). The
 *       bus does hold its listeners strongly, so a listener that captures its source (a lambda
 *       calling a method of it) keeps that source alive until the subscription is closed: that is
 *       the caller's choice.</li>
 *   <li><b>Types.</b> {@code fire} checks {@code signal.eventType().isInstance(event)} and throws
 *       {@link IllegalArgumentException} otherwise (the compiler already rejects it unless raw or
 *       unchecked types are involved). A signal name used on this bus with one event type cannot
 *       be used with another.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Every method is thread-safe. {@code listen} and {@link Subscription#close()} use copy-on-write
 * snapshots, so delivery never takes a lock. Events handed over from other threads wait in a
 * queue bounded by {@link #DEFAULT_PENDING_CAPACITY} (or the capacity given to
 * {@link #create(CoreReactor, int)}); a {@code fire} that finds it full throws
 * {@link java.util.concurrent.RejectedExecutionException}, as {@link CoreReactor#execute} does.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} removes every subscription and drops queued events; afterwards {@code listen}
 * throws {@link IllegalStateException} and {@code fire} does nothing, so code that fires never
 * fails because the bus went away.
 */
public interface SignalBus extends AutoCloseable {
    /**
     * Reported by the bus, with the bus as the source, when a listener throws.
     */
    Signal<ListenerFailure> LISTENER_FAILED = Signal.of("dev.spindle.signals.listenerFailed", ListenerFailure.class);

    /** How many events handed over from other threads may wait for the reactor thread, by default. */
    int DEFAULT_PENDING_CAPACITY = 65_536;

    /**
     * A bus that delivers on {@code reactor}'s thread, with {@link #DEFAULT_PENDING_CAPACITY}.
     *
     * @param reactor the reactor; it may be in any state
     * @return an open bus
     */
    static SignalBus create(CoreReactor reactor) {
        return new ReactorSignalBus(reactor, DEFAULT_PENDING_CAPACITY);
    }

    /**
     * A bus that delivers on {@code reactor}'s thread.
     *
     * @param reactor the reactor; it may be in any state
     * @param pendingCapacity how many events handed over from other threads (or fired by
     *     listeners during a delivery) may wait; at least 1
     * @return an open bus
     * @throws IllegalArgumentException if {@code pendingCapacity} is below 1
     */
    static SignalBus create(CoreReactor reactor, int pendingCapacity) {
        return new ReactorSignalBus(reactor, pendingCapacity);
    }

    /**
     * The reactor on whose thread events are delivered.
     *
     * @return the reactor
     */
    CoreReactor reactor();

    /**
     * Listens to {@code signal} fired from {@code source}. The bus holds {@code source} weakly (see
     * the class comment).
     *
     * @param <E> the event type
     * @param source the source, compared by identity
     * @param signal the signal
     * @param listener the listener
     * @return the subscription
     * @throws IllegalArgumentException if this bus already uses the signal's name with another
     *     event type
     * @throws IllegalStateException if the bus is closed
     */
    <E> Subscription listen(Object source, Signal<E> signal, SignalListener<? super E> listener);

    /**
     * Listens to {@code signal} fired from any source; the listener is told the source.
     *
     * @param <E> the event type
     * @param signal the signal
     * @param listener the listener
     * @return the subscription
     * @throws IllegalArgumentException if this bus already uses the signal's name with another
     *     event type
     * @throws IllegalStateException if the bus is closed
     */
    <E> Subscription listenAll(Signal<E> signal, SignalListener<? super E> listener);

    /**
     * Fires {@code signal} from {@code source}: every listener of that source and every listener
     * of all sources gets {@code event}, on the reactor thread (see the class comment for when
     * this happens before {@code fire} returns). Never throws because of a listener (only a
     * {@link VirtualMachineError} gets through). Firing a
     * signal nobody listens to does nothing and leaves nothing behind (SIG-7).
     *
     * @param <E> the event type
     * @param source the source
     * @param signal the signal
     * @param event the event, an instance of {@code signal.eventType()}
     * @throws IllegalArgumentException if {@code event} is not an instance of the signal's event
     *     type, or this bus uses the signal's name with another event type
     * @throws java.util.concurrent.RejectedExecutionException if the event must wait and the
     *     pending queue is full
     */
    <E> void fire(Object source, Signal<E> signal, E event);

    /**
     * How many subscriptions are active: per-source ones whose source is still alive, and
     * all-source ones. For monitoring and tests.
     *
     * @return the count
     */
    int subscriptionCount();

    /**
     * Closes the bus: every subscription becomes inactive, queued events are dropped, and the bus
     * stops observing its reactor. Idempotent.
     */
    @Override
    void close();
}
