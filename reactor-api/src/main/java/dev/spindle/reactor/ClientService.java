package dev.spindle.reactor;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one outgoing connection to a {@link ClientEndpoint} alive: connects, and after a failed
 * attempt or a lost connection waits as its {@link RetryPolicy} says and connects again, until
 * stopped (Twisted's {@code ClientService}, SPEC §3).
 *
 * <pre>{@code
 * ClientService<MyProtocol> service = ClientService
 *         .builder(reactor, ClientEndpoint.tcp(reactor, "broker.example", 1883), remote -> new MyProtocol())
 *         .prepareConnection(p -> p.handshake())      // optional: connected only once this completes
 *         .build();
 * service.start();
 * service.whenConnected().thenAccept(p -> p.send("hello"));
 * ...
 * service.stop().thenRun(() -> System.out.println("closed"));
 * }</pre>
 *
 * <h2>States and transitions</h2>
 * Inputs are the public calls and internal events: an attempt succeeded (<i>made</i>: the endpoint
 * connected and {@code prepareConnection} completed), an attempt failed (<i>failed</i>: the
 * endpoint failed, the protocol factory refused, {@code prepareConnection} failed, or the
 * connection was lost before it completed), the retry timer fired (<i>retry</i>) and the
 * established connection was lost (<i>lost</i>). "·" means no transition: the input is ignored
 * and logged at debug (a stray event from an attempt or connection the service no longer owns).
 * <table>
 *   <caption>The transition table (SPEC §3.2, with the fixes listed below)</caption>
 *   <tr><th>state</th><th>start()</th><th>stop()</th><th>whenConnected(n)</th><th>made</th>
 *       <th>failed</th><th>retry</th><th>lost</th></tr>
 *   <tr><td>INIT</td><td>CONNECTING; attempt</td><td>STOPPED; done at once</td><td>pending</td>
 *       <td>·</td><td>·</td><td>·</td><td>·</td></tr>
 *   <tr><td>CONNECTING</td><td>no-op</td><td>DISCONNECTING; cancel the attempt</td><td>pending</td>
 *       <td>CONNECTED; count := 0; waiters get the protocol</td>
 *       <td>WAITING; count += 1; retry after policy(count); then threshold waiters count down</td>
 *       <td>·</td><td>·</td></tr>
 *   <tr><td>WAITING</td><td>no-op</td><td>STOPPED; cancel the timer; waiters cancelled; done at
 *       once</td><td>pending</td><td>·</td><td>·</td><td>CONNECTING; attempt</td><td>·</td></tr>
 *   <tr><td>CONNECTED</td><td>no-op</td><td>DISCONNECTING; {@code transport.close()}</td>
 *       <td>completed with the protocol</td><td>·</td><td>·</td><td>·</td>
 *       <td>WAITING; count += 1; retry after policy(count)</td></tr>
 *   <tr><td>DISCONNECTING</td><td>RESTARTING</td><td>one more pending stage</td><td>pending</td>
 *       <td>(close it)</td><td>STOPPED; waiters cancelled; stop stages done</td><td>·</td>
 *       <td>STOPPED; waiters cancelled; stop stages done</td></tr>
 *   <tr><td>RESTARTING</td><td>no-op</td><td>DISCONNECTING</td><td>pending</td><td>(close it)</td>
 *       <td>CONNECTING; stop stages done, then attempt</td><td>·</td>
 *       <td>CONNECTING; stop stages done, then attempt</td></tr>
 *   <tr><td>STOPPED</td><td>CONNECTING; attempt</td><td>done at once</td>
 *       <td>failed with {@link CancellationException}</td><td>·</td><td>·</td><td>·</td><td>·</td></tr>
 * </table>
 * "Waiters cancelled" means every pending {@code whenConnected} stage fails with
 * {@link CancellationException}. A waiter registered with {@code whenConnected(n)} fails with the
 * attempt's own exception (the same object, SPEC CS-4) on the n-th failed attempt after it was
 * registered; losing an established connection does not count (CS-5). The count of consecutive
 * failures is reset only by a successful connection, not by {@code stop()}/{@code start()}
 * (CS-22: Twisted's current behaviour).
 *
 * <h2>Decisions where Twisted differs or is silent</h2>
 * <ul>
 *   <li>A connection rejected by {@code prepareConnection} (it throws, or its stage fails) is
 *       <b>aborted</b> before the attempt counts as failed (Twisted leaks it, CS-9). Aborted, not
 *       closed: a rejected peer must not be able to hold the connection open by not reading.</li>
 *   <li>A connection lost while {@code prepareConnection} is pending is a failed attempt (with a
 *       {@link ConnectionLostException}); the stage's later outcome is ignored. (Twisted raises
 *       NoTransition, CS-9.)</li>
 *   <li>A protocol factory that returns null or throws refuses the connection: it is aborted and
 *       the attempt fails (CS-10) with a {@link ConnectionFailedException} (or what it threw).</li>
 *   <li>Each attempt ends with exactly one <i>made</i> or <i>failed</i>, and <i>failed</i> comes
 *       only after the attempt's connection, if it had one, is closed. So the stage of
 *       {@link #stop()} completes only when every connection is closed and every attempt halted.
 *       {@code stop()} while connecting cancels the attempt; with an endpoint that completes
 *       its stage on cancel (every built-in one) the service is {@code STOPPED} before
 *       {@code stop()} returns, as in Twisted (CS-12). A connection that arrives after the
 *       attempt was cancelled is aborted.</li>
 *   <li>Re-entrancy (CS-23): an input that arrives while a transition runs (from a
 *       {@code whenConnected} or stop-stage callback, {@code prepareConnection}, a protocol
 *       callback) is queued and handled right after that transition, in order, before the
 *       outer call returns. Nothing throws: {@code stop()} or {@code whenConnected()} called from
 *       a {@code whenConnected} callback returns a stage that completes once they are handled.
 *       The state is updated before callbacks run.</li>
 *   <li>{@code start()} while running logs a warning containing "Duplicate ClientService.start"
 *       and does nothing (CS-19); "running" means started and not stopped since.</li>
 *   <li>{@link CancellationException} stands for Twisted's {@code CancelledError}.</li>
 *   <li>{@code prepareConnection} receives the application's protocol, the object the factory
 *       built (in Twisted it receives the forwarding proxy, which looks the same in Python).</li>
 *   <li>The reactor's shutdown stops the service: while it is not stopped the service holds a
 *       {@code BEFORE SHUTDOWN} trigger that calls {@link #stop()}, so {@code reactor.stop()}
 *       closes the connection cleanly first (bounded by the reactor's shutdown timeout). If the
 *       reactor ends anyway ({@code terminate()}, a loop failure), the service moves to
 *       {@code STOPPED} at once: waiters are cancelled and stop stages complete. It is not
 *       restarted with the reactor; call {@link #start()} again.</li>
 * </ul>
 *
 * <h2>The protocol</h2>
 * The endpoint is given a forwarding protocol; once the connection is made it asks the
 * application's factory for the application protocol (with the peer's address) and forwards
 * every {@link Protocol} call to it: {@code connectionMade}, {@code dataReceived},
 * {@code eofReceived} (its return value too, so half-close works), {@code writabilityChanged}
 * and {@code connectionLost}; after {@code connectionLost} the service learns the connection is
 * gone. {@code whenConnected} yields the application's protocol, never the forwarder.
 *
 * <h2>Threading</h2>
 * {@link #start()}, {@link #stop()}, {@link #whenConnected()} and {@link #state()} may be called
 * from any thread. Called on the reactor thread they are handled at once; from another thread
 * they are handed to the loop with {@link CoreReactor#execute(Runnable)} (and wait there until
 * the reactor runs). The state machine, the endpoint, the factory, the retry policy,
 * {@code prepareConnection} and all protocol calls run on the reactor thread only, and every
 * returned stage completes on it.
 *
 * <h2>Observing</h2>
 * {@link #addListener} registers a {@link Listener} told of every state change (each arrow of
 * the table above, after {@link #state()} shows the new state) and of every retry scheduled
 * (with the failure count and the delay the policy gave). The {@code signals} module bridges
 * them onto a signal bus.
 *
 * @param <P> the application's protocol type
 */
public final class ClientService<P extends Protocol> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientService.class);

    /** The states of the service (SPEC §3.1). */
    public enum State {
        /** Built, never started. */
        INIT,
        /** An attempt is in progress (connecting, or {@code prepareConnection} pending). */
        CONNECTING,
        /** The last attempt failed or the connection was lost; a retry is scheduled. */
        WAITING,
        /** Connected: {@code whenConnected} completes at once. */
        CONNECTED,
        /** Stopping: the attempt is being cancelled or the connection closed. */
        DISCONNECTING,
        /** Started again while stopping: connects once the old connection is gone. */
        RESTARTING,
        /** Stopped: no attempt, no connection, no scheduled call. */
        STOPPED
    }

    /**
     * Observes a {@link ClientService}: registered with {@link ClientService#addListener}.
     *
     * <p>Called on the reactor thread, from inside the transition that caused the event (the
     * move to {@code STOPPED} because the reactor itself ended comes from the thread that ended
     * its loop, as for {@link LifecycleListener}). An exception thrown by a listener is logged and
     * ignored: the service and the other listeners go on. A listener may call the service's
     * methods; {@code start()}, {@code stop()} and {@code whenConnected()} are then handled right
     * after the current transition (CS-23), so the listener always sees the transitions in order.
     * Both methods do nothing by default.
     */
    public interface Listener {
        /**
         * The service moved from {@code from} to {@code to} (never equal); {@link #state()}
         * already returns {@code to}.
         *
         * @param service the service
         * @param from the previous state
         * @param to the new state
         */
        default void stateChanged(ClientService<?> service, State from, State to) {
        }

        /**
         * The service scheduled its next attempt, after a failed attempt or a lost connection;
         * called right after the move to {@code WAITING}. Not called when the retry cannot be
         * scheduled because the reactor is ending (the service then stops).
         *
         * @param service the service
         * @param failedAttempts consecutive failures so far, counting the lost connection; at
         *     least 1
         * @param delay the delay the retry policy gave (a negative one counts as zero), until the
         *     next attempt on the reactor's clock
         * @param lastFailure why the attempt failed, or the cause of the lost connection; null
         *     when the connection was closed cleanly by the peer
         */
        default void retryScheduled(ClientService<?> service, int failedAttempts, Duration delay,
                @Nullable Throwable lastFailure) {
        }
    }

    private final Reactor reactor;
    private final ClientEndpoint endpoint;
    private final Function<? super SocketAddress, ? extends @Nullable P> factory;
    private final RetryPolicy retryPolicy;
    private final @Nullable Function<? super P, ? extends @Nullable CompletionStage<?>> prepareConnection;
    private final String name;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile State state = State.INIT;
    private final CopyOnWriteArrayList<ListenerRegistration> listeners = new CopyOnWriteArrayList<>();

    // Loop-thread state.
    private final ArrayDeque<Runnable> inputs = new ArrayDeque<>();
    private boolean transitioning;
    private int failedAttempts;
    /** The attempt in progress or the connection it made: set from CONNECTING to the end of DISCONNECTING/RESTARTING. */
    private @Nullable Attempt current;
    private @Nullable ScheduledCall retryCall;
    private int retrySeq;
    private final List<Waiter<P>> waiters = new ArrayList<>();
    private final List<CompletableFuture<@Nullable Void>> stopStages = new ArrayList<>();
    private @Nullable Registration shutdownTrigger;
    private @Nullable Registration lifecycleListener;

    private ClientService(Builder<P> b) {
        this.reactor = b.reactor;
        this.endpoint = b.endpoint;
        this.factory = b.factory;
        this.retryPolicy = b.retryPolicy;
        this.prepareConnection = b.prepareConnection;
        this.name = b.name != null ? b.name : "ClientService[" + endpoint + "]";
    }

    /**
     * A builder for a service on {@code reactor} that connects to {@code endpoint}.
     *
     * @param <P> the application's protocol type
     * @param reactor the reactor everything runs on
     * @param endpoint where to connect
     * @param protocolFactory builds the application's protocol for each connection made, given the
     *     peer's address; returning null (or throwing) refuses the connection, which is then a
     *     failed attempt
     * @return the builder
     */
    public static <P extends Protocol> Builder<P> builder(Reactor reactor, ClientEndpoint endpoint,
            Function<? super SocketAddress, ? extends @Nullable P> protocolFactory) {
        return new Builder<>(reactor, endpoint, protocolFactory);
    }

    // ------------------------------------------------------------------ public inputs

    /**
     * Starts keeping the connection: the first attempt starts at once (on the reactor thread).
     * A no-op with a warning containing "Duplicate ClientService.start" while already running
     * (started and not stopped since). After {@link #stop()} it starts again, also while the
     * old connection is still closing (the service is then {@code RESTARTING} and connects once
     * it is closed). Any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException off the reactor thread when the
     *     reactor's task queue is full
     */
    public void start() {
        if (!running.compareAndSet(false, true)) {
            LOG.warn("Duplicate ClientService.start of {}: it is already running; no new attempt", name);
            return;
        }
        try {
            submit(this::onStart);
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /**
     * Stops: cancels the attempt in progress or the pending retry, or closes the connection
     * (after its pending output is flushed). Pending {@code whenConnected} stages fail with
     * {@link CancellationException}. Any thread.
     *
     * @return completes (on the reactor thread) when the service is {@code STOPPED}: every
     *     attempt halted, every connection closed, no retry scheduled. Already complete when
     *     the service was not started or is stopped; complete before this returns when it was
     *     waiting to retry or connecting through an endpoint that halts on cancel, and called on
     *     the reactor thread
     * @throws java.util.concurrent.RejectedExecutionException off the reactor thread when the
     *     reactor's task queue is full
     */
    public CompletionStage<@Nullable Void> stop() {
        running.set(false);
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        submit(() -> onStop(done));
        return done;
    }

    /**
     * The protocol of the current connection, or of the next one made. Any thread.
     *
     * @return completes on the reactor thread with the application's protocol once connected
     *     (at once if connected now); fails with {@link CancellationException} if the service is
     *     stopped (or stops before connecting)
     */
    public CompletionStage<P> whenConnected() {
        return register(0);
    }

    /**
     * Like {@link #whenConnected()}, but gives up after {@code failAfterFailures} failed attempts
     * made after this call: the stage then fails with that attempt's exception. Lost
     * connections do not count. Ignored when connected now. Any thread.
     *
     * @param failAfterFailures at least 1
     * @return completes on the reactor thread with the application's protocol, or fails
     * @throws IllegalArgumentException if {@code failAfterFailures} is below 1
     */
    public CompletionStage<P> whenConnected(int failAfterFailures) {
        if (failAfterFailures < 1) {
            throw new IllegalArgumentException("failAfterFailures must be at least 1, found: " + failAfterFailures);
        }
        return register(failAfterFailures);
    }

    /**
     * The current state. Any thread; from another thread it may lag behind inputs still queued
     * for the reactor thread.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * The name used in logs: the builder's, or {@code ClientService[<endpoint>]}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Registers a listener for the state changes and scheduled retries of this service from now
     * on. Thread-safe; the listener is called on the reactor thread (see {@link Listener}).
     *
     * @param listener the listener; registering it twice makes two registrations
     * @return removes the listener (idempotent); it is not called after that
     */
    public Registration addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        ListenerRegistration r = new ListenerRegistration(listener);
        listeners.add(r);
        return r;
    }

    @Override
    public String toString() {
        return name + "(" + state + ")";
    }

    private CompletionStage<P> register(int failAfterFailures) {
        Waiter<P> w = new Waiter<>(failAfterFailures);
        submit(() -> onWhenConnected(w));
        return w.stage;
    }

    private void submit(Runnable input) {
        if (reactor.inLoop()) {
            feed(input);
        } else {
            reactor.execute(() -> feed(input));
        }
    }

    /** Runs {@code input} now, or after the transition in progress (SPEC CS-23). Loop thread. */
    private void feed(Runnable input) {
        inputs.add(input);
        if (transitioning) {
            return;
        }
        transitioning = true;
        try {
            Runnable next;
            while ((next = inputs.poll()) != null) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: handling an input failed in state {}", name, state, e);
                }
            }
        } finally {
            transitioning = false;
        }
    }

    // ------------------------------------------------------------------ transitions

    private void onStart() {
        switch (state) {
            case INIT:
            case STOPPED:
                watchReactor();
                setState(State.CONNECTING);
                beginAttempt();
                break;
            case DISCONNECTING:
                // CS-16; CS-22: the failure count is kept (Twisted's current machine).
                setState(State.RESTARTING);
                break;
            default:
                break;
        }
    }

    private void onStop(CompletableFuture<@Nullable Void> done) {
        switch (state) {
            case INIT:
            case STOPPED:
                setState(State.STOPPED);
                done.complete(null);
                break;
            case CONNECTING:
                setState(State.DISCONNECTING);
                stopStages.add(done);
                Objects.requireNonNull(current, "an attempt while CONNECTING").cancel();
                break;
            case WAITING:
                cancelRetry();
                stopStages.add(done);
                becomeStopped();
                break;
            case CONNECTED:
                setState(State.DISCONNECTING);
                stopStages.add(done);
                Objects.requireNonNull(current, "a connection while CONNECTED").close();
                break;
            case DISCONNECTING:
                stopStages.add(done);
                break;
            case RESTARTING:
                setState(State.DISCONNECTING);
                stopStages.add(done);
                break;
            default:
                throw new AssertionError(state);
        }
    }

    private void onWhenConnected(Waiter<P> w) {
        switch (state) {
            case CONNECTED:
                w.stage.complete(Objects.requireNonNull(current, "a connection while CONNECTED").application());
                break;
            case STOPPED:
                w.stage.completeExceptionally(new CancellationException(name + " is stopped"));
                break;
            default:
                waiters.removeIf(x -> x.stage.isDone());
                waiters.add(w);
                break;
        }
    }

    private void onMade(Attempt a) {
        if (a != current) {
            stray("a connection made by an attempt it no longer owns (aborted)", a);
            a.abandon();
            return;
        }
        if (state == State.CONNECTING) {
            setState(State.CONNECTED);
            failedAttempts = 0;
            P p = a.application();
            List<Waiter<P>> ready = new ArrayList<>(waiters);
            waiters.clear();
            for (Waiter<P> w : ready) {
                w.stage.complete(p);
            }
        } else if (state == State.DISCONNECTING || state == State.RESTARTING) {
            // stop() was handled between the attempt's success and this report (called from
            // prepareConnection, say): the connection is closing; its loss ends the stop.
            a.close();
        } else {
            stray("connection made", a);
        }
    }

    /**
     * The attempt ended: it failed before being made ({@code wasMade} false, {@code cause} set),
     * or the connection it made was lost.
     */
    private void onEnded(Attempt a, boolean wasMade, @Nullable Throwable cause) {
        if (a != current) {
            stray(wasMade ? "connection lost" : "attempt failed (" + cause + ")", a);
            return;
        }
        if (state == (wasMade ? State.CONNECTED : State.CONNECTING)) {
            current = null;
            failedAttempts++;
            setState(State.WAITING);
            Duration delay = scheduleRetry(cause);
            if (LOG.isInfoEnabled()) {
                LOG.info("{}: {} {} ({}); attempt {} in {}", name, wasMade ? "connection lost to" : "attempt failed to",
                        endpoint, cause == null ? "closed" : cause.toString(), failedAttempts + 1, delay);
            }
            if (!wasMade) {
                // CS-4: after the retry is scheduled. CS-5: a lost connection does not count.
                countDownWaiters(Objects.requireNonNull(cause, "the failure of an attempt"));
            }
        } else if (state == State.DISCONNECTING) {
            current = null;
            becomeStopped();
        } else if (state == State.RESTARTING) {
            current = null;
            restartNow();
        } else {
            stray(wasMade ? "connection lost" : "attempt failed (" + cause + ")", a);
        }
    }

    private void onRetry(int seq) {
        if (state != State.WAITING || seq != retrySeq) {
            stray("retry timer " + seq, null);
            return;
        }
        retryCall = null;
        setState(State.CONNECTING);
        beginAttempt();
    }

    /** The reactor became inactive: everything the service had is gone with it. */
    private void onReactorHalted() {
        if (state == State.INIT || state == State.STOPPED) {
            unwatchReactor();
            return;
        }
        LOG.warn("{}: the reactor stopped while the service was {}; the service is stopped", name, state);
        running.set(false);
        retryCall = null;
        Attempt a = current;
        current = null;
        if (a != null) {
            a.abandon();
        }
        becomeStopped();
    }

    private void restartNow() {
        setState(State.CONNECTING);
        completeStopStages();
        if (state == State.CONNECTING && current == null) {
            beginAttempt();
        }
    }

    private void becomeStopped() {
        setState(State.STOPPED);
        unwatchReactor();
        List<Waiter<P>> cancelled = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter<P> w : cancelled) {
            w.stage.completeExceptionally(new CancellationException(name + " stopped"));
        }
        completeStopStages();
    }

    private void completeStopStages() {
        List<CompletableFuture<@Nullable Void>> done = new ArrayList<>(stopStages);
        stopStages.clear();
        for (CompletableFuture<@Nullable Void> f : done) {
            f.complete(null);
        }
    }

    private void countDownWaiters(Throwable cause) {
        List<Waiter<P>> failing = new ArrayList<>();
        waiters.removeIf(w -> {
            if (w.stage.isDone()) {
                return true;
            }
            if (w.remaining == 0) {
                return false;
            }
            if (w.remaining <= 1) {
                failing.add(w);
                return true;
            }
            w.remaining--;
            return false;
        });
        for (Waiter<P> w : failing) {
            w.stage.completeExceptionally(cause);
        }
    }

    private void stray(String what, @Nullable Attempt a) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: {} in state {} ignored (no transition){}", name, what, state, a == null ? "" : ": " + a);
        }
    }

    private void setState(State next) {
        State prev = state;
        state = next;
        if (prev != next && !listeners.isEmpty()) {
            for (ListenerRegistration r : listeners) {
                if (r.isActive()) {
                    try {
                        r.listener.stateChanged(this, prev, next);
                    } catch (RuntimeException e) {
                        LOG.error("{}: listener {} threw from stateChanged({} -> {}); ignored", name, r.listener, prev,
                                next, e);
                    }
                }
            }
        }
    }

    private void retryScheduled(Duration delay, @Nullable Throwable lastFailure) {
        for (ListenerRegistration r : listeners) {
            if (r.isActive()) {
                try {
                    r.listener.retryScheduled(this, failedAttempts, delay, lastFailure);
                } catch (RuntimeException e) {
                    LOG.error("{}: listener {} threw from retryScheduled; ignored", name, r.listener, e);
                }
            }
        }
    }

    /** One {@link #addListener} registration. */
    private final class ListenerRegistration implements Registration {
        final Listener listener;
        private final AtomicBoolean removed = new AtomicBoolean();

        ListenerRegistration(Listener listener) {
            this.listener = listener;
        }

        boolean isActive() {
            return !removed.get();
        }

        @Override
        public boolean remove() {
            if (!removed.compareAndSet(false, true)) {
                return false;
            }
            listeners.remove(this);
            return true;
        }
    }

    // ------------------------------------------------------------------ retry timer

    private Duration scheduleRetry(@Nullable Throwable lastFailure) {
        Duration delay = retryDelay(failedAttempts);
        int seq = ++retrySeq;
        try {
            retryCall = reactor.schedule(delay, () -> feed(() -> onRetry(seq)));
        } catch (IllegalStateException e) {
            // The reactor is ending: its lifecycle listener moves the service to STOPPED.
            LOG.warn("{}: cannot schedule the next attempt: {}", name, e.getMessage());
            return delay;
        }
        if (!listeners.isEmpty()) {
            retryScheduled(delay, lastFailure);
        }
        return delay;
    }

    private Duration retryDelay(int n) {
        Duration d;
        try {
            d = retryPolicy.delay(n);
        } catch (RuntimeException e) {
            LOG.error("{}: retry policy {} threw for {} failed attempts; using the default back-off", name, retryPolicy,
                    n, e);
            return ExponentialBackoff.defaults().delay(n);
        }
        if (d == null) {
            LOG.error("{}: retry policy {} returned null for {} failed attempts; using the default back-off", name,
                    retryPolicy, n);
            return ExponentialBackoff.defaults().delay(n);
        }
        return d.isNegative() ? Duration.ZERO : d;
    }

    private void cancelRetry() {
        ScheduledCall c = retryCall;
        retryCall = null;
        retrySeq++;
        if (c != null) {
            c.cancel();
        }
    }

    // ------------------------------------------------------------------ the reactor's lifecycle

    private void watchReactor() {
        if (shutdownTrigger == null) {
            shutdownTrigger = reactor.addSystemEventTrigger(SystemEvent.SHUTDOWN, TriggerPhase.BEFORE, this::stop);
        }
        if (lifecycleListener == null) {
            lifecycleListener = reactor.addLifecycleListener((r, from, to) -> {
                if (!to.isActive()) {
                    // Reported on the thread that ended the loop, which ran every input so far.
                    feed(this::onReactorHalted);
                }
            });
        }
    }

    private void unwatchReactor() {
        Registration t = shutdownTrigger;
        shutdownTrigger = null;
        if (t != null) {
            t.remove();
        }
        Registration l = lifecycleListener;
        lifecycleListener = null;
        if (l != null) {
            l.remove();
        }
    }

    // ------------------------------------------------------------------ attempts

    private void beginAttempt() {
        Attempt a = new Attempt();
        current = a;
        a.begin();
    }

    private void onLoop(Runnable r) {
        if (reactor.inLoop()) {
            r.run();
        } else {
            reactor.execute(r);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** A whenConnected stage and its remaining failure budget (0: none). */
    private static final class Waiter<P> {
        final CompletableFuture<P> stage = new CompletableFuture<>();
        int remaining;

        Waiter(int failAfterFailures) {
            this.remaining = failAfterFailures;
        }
    }

    private enum Phase {
        /** The endpoint's attempt is in flight. */
        CONNECTING,
        /** Connected; {@code prepareConnection} is pending. */
        PREPARING,
        /** Reported as made; the service owns the connection. */
        ESTABLISHED,
        /** Failing: the connection is being aborted; the failure is reported once it is lost. */
        CLOSING,
        /** Reported (or abandoned): later events are ignored. */
        ENDED
    }

    /**
     * One attempt, from {@code endpoint.connect} to its single report to the machine (made or
     * failed), and then the connection it made. Loop thread.
     */
    private final class Attempt {
        private final Forwarder forwarder = new Forwarder(this);
        private Phase phase = Phase.CONNECTING;
        private @Nullable ConnectAttempt connecting;
        private @Nullable Transport transport;
        private @Nullable Throwable pendingFailure;
        private boolean cancelled;

        void begin() {
            ConnectAttempt c;
            try {
                c = Objects.requireNonNull(endpoint.connect(forwarder), "the endpoint returned no attempt");
            } catch (RuntimeException e) {
                phase = Phase.ENDED;
                feed(() -> onEnded(this, false, e));
                return;
            }
            connecting = c;
            c.result().whenComplete((t, f) -> onLoop(() -> connectDone(t, f)));
        }

        P application() {
            return Objects.requireNonNull(forwarder.application, "an application protocol once made");
        }

        private void connectDone(@Nullable Transport t, @Nullable Throwable f) {
            if (phase != Phase.CONNECTING) {
                if (t != null && f == null && t.isOpen()) {
                    t.abort();
                }
                return;
            }
            connecting = null;
            if (f != null || t == null) {
                Throwable cause = f != null ? unwrap(f)
                        : new ConnectionFailedException("connect to " + endpoint + " completed without a transport", null);
                Transport made = forwarder.transport;
                if (made != null && made.isOpen()) {
                    // An endpoint that called connectionMade and then failed: not ours to keep.
                    transport = made;
                    failAndClose(cause);
                    return;
                }
                phase = Phase.ENDED;
                feed(() -> onEnded(this, false, cause));
                return;
            }
            transport = t;
            Throwable refused = forwarder.refusal;
            if (forwarder.transport == null) {
                // Against the ConnectAttempt contract: no connectionMade came, so no
                // connectionLost will either. Drop the connection and fail now.
                phase = Phase.ENDED;
                t.abort();
                Throwable cause = new ConnectionFailedException("endpoint " + endpoint
                        + " completed its attempt without calling connectionMade", null);
                feed(() -> onEnded(this, false, cause));
            } else if (refused != null) {
                failAndClose(refused);
            } else if (cancelled) {
                failAndClose(new CancellationException(name + " stopped while connecting to " + endpoint));
            } else if (forwarder.lost || !t.isOpen()) {
                failAndClose(new ConnectionLostException("connection to " + endpoint
                        + " closed before the attempt completed", forwarder.lostCause));
            } else {
                phase = Phase.PREPARING;
                prepare();
            }
        }

        private void prepare() {
            Function<? super P, ? extends @Nullable CompletionStage<?>> hook = prepareConnection;
            if (hook == null) {
                established();
                return;
            }
            CompletionStage<?> s;
            try {
                s = hook.apply(application());
            } catch (RuntimeException e) {
                LOG.debug("{}: prepareConnection threw", name, e);
                failAndClose(e);
                return;
            }
            if (phase != Phase.PREPARING) {
                // The hook stopped the service or closed the connection: that has been handled.
                return;
            }
            if (s == null) {
                established();
                return;
            }
            s.whenComplete((v, f) -> onLoop(() -> prepared(f)));
        }

        private void prepared(@Nullable Throwable f) {
            if (phase != Phase.PREPARING) {
                return;
            }
            if (f != null) {
                failAndClose(unwrap(f));
            } else {
                established();
            }
        }

        private void established() {
            phase = Phase.ESTABLISHED;
            feed(() -> onMade(this));
        }

        /** Aborts the connection; reports {@code cause} once it is lost (CS-9 fixed). */
        private void failAndClose(Throwable cause) {
            phase = Phase.CLOSING;
            pendingFailure = cause;
            Transport t = transport;
            if (forwarder.lost || t == null) {
                reportClosedFailure();
            } else {
                t.abort();
            }
        }

        private void reportClosedFailure() {
            phase = Phase.ENDED;
            Throwable cause = Objects.requireNonNull(pendingFailure, "the failure to report");
            feed(() -> onEnded(this, false, cause));
        }

        /** From the forwarder, after the application protocol was told. */
        void lost(@Nullable Throwable cause) {
            switch (phase) {
                case CONNECTING:
                    // Before the endpoint's stage completed (the application closed it in
                    // connectionMade, or the factory refused): connectDone reports it.
                    break;
                case PREPARING:
                    phase = Phase.ENDED;
                    Throwable failure = new ConnectionLostException("connection to " + endpoint
                            + " lost while prepareConnection was pending", cause);
                    feed(() -> onEnded(this, false, failure));
                    break;
                case CLOSING:
                    reportClosedFailure();
                    break;
                case ESTABLISHED:
                    phase = Phase.ENDED;
                    feed(() -> onEnded(this, true, cause));
                    break;
                default:
                    break;
            }
        }

        /** stop() while this attempt is in progress: halt it; it then reports a failure. */
        void cancel() {
            cancelled = true;
            if (phase == Phase.CONNECTING) {
                ConnectAttempt c = connecting;
                if (c != null) {
                    try {
                        c.cancel();
                    } catch (RuntimeException e) {
                        LOG.warn("{}: cancelling the attempt {} failed", name, c, e);
                    }
                }
            } else if (phase == Phase.PREPARING) {
                failAndClose(new CancellationException(name + " stopped while prepareConnection was pending"));
            } else if (phase == Phase.ESTABLISHED) {
                // Made, but stop() was handled before the report: close it like a connection.
                close();
            }
        }

        /** stop() while connected: a clean close; the loss is reported as usual. */
        void close() {
            Transport t = transport;
            if (t != null) {
                t.close();
            }
        }

        /** Nobody wants this attempt any more: ignore what it reports and drop its connection. */
        void abandon() {
            phase = Phase.ENDED;
            Transport t = transport != null ? transport : forwarder.transport;
            if (t != null && t.isOpen()) {
                try {
                    t.abort();
                } catch (RuntimeException e) {
                    LOG.debug("{}: aborting an abandoned connection failed", name, e);
                }
            }
        }

        @Override
        public String toString() {
            return "attempt[" + endpoint + ", " + phase.name().toLowerCase(java.util.Locale.ROOT) + "]";
        }
    }

    /**
     * The protocol handed to the endpoint: builds the application's protocol when the connection
     * is made and forwards every call to it (SPEC CS-21, CST-7).
     */
    private final class Forwarder implements Protocol {
        private final Attempt attempt;
        @Nullable P application;
        @Nullable Transport transport;
        @Nullable Throwable refusal;
        boolean lost;
        @Nullable Throwable lostCause;

        Forwarder(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            if (attempt.phase == Phase.ENDED || attempt.cancelled) {
                // The attempt was cancelled or has ended: an endpoint that connects anyway gets
                // the connection aborted, and the application never sees it.
                refusal = new CancellationException(name + ": connection made after its attempt ended");
                t.abort();
                return;
            }
            SocketAddress remote = t.remoteAddress();
            P p;
            try {
                p = factory.apply(remote);
            } catch (RuntimeException e) {
                LOG.warn("{}: the protocol factory threw for {}; connection refused", name, remote, e);
                refusal = e;
                t.abort();
                return;
            }
            if (p == null) {
                refusal = new ConnectionFailedException(name + ": the protocol factory refused the connection to "
                        + remote + " (returned null)", null);
                t.abort();
                return;
            }
            application = p;
            p.connectionMade(t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            P p = application;
            if (p != null) {
                p.dataReceived(data);
            }
        }

        @Override
        public boolean eofReceived() {
            P p = application;
            return p != null && p.eofReceived();
        }

        @Override
        public void writabilityChanged(boolean writable) {
            P p = application;
            if (p != null) {
                p.writabilityChanged(writable);
            }
        }

        @Override
        public void connectionLost(@Nullable Throwable cause) {
            lost = true;
            lostCause = cause;
            try {
                P p = application;
                if (p != null) {
                    p.connectionLost(cause);
                }
            } finally {
                attempt.lost(cause);
            }
        }

        @Override
        public String toString() {
            P p = application;
            return name + ".protocol(" + (p == null ? "not built yet" : p.toString()) + ")";
        }
    }

    /**
     * Builds a {@link ClientService}.
     *
     * @param <P> the application's protocol type
     */
    public static final class Builder<P extends Protocol> {
        private final Reactor reactor;
        private final ClientEndpoint endpoint;
        private final Function<? super SocketAddress, ? extends @Nullable P> factory;
        private RetryPolicy retryPolicy = ExponentialBackoff.defaults();
        private @Nullable Function<? super P, ? extends @Nullable CompletionStage<?>> prepareConnection;
        private @Nullable String name;

        private Builder(Reactor reactor, ClientEndpoint endpoint,
                Function<? super SocketAddress, ? extends @Nullable P> factory) {
            this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint must not be null");
            this.factory = Objects.requireNonNull(factory, "protocolFactory must not be null");
        }

        /**
         * Sets the retry policy.
         *
         * @param retryPolicy the policy; {@link RetryPolicy#exponentialBackoff()} by default
         * @return this builder
         */
        public Builder<P> retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
            return this;
        }

        /**
         * Sets a hook run on every connection made, after the protocol's {@code connectionMade},
         * before the service counts it as connected: for a handshake or log-in. The service is
         * {@code CONNECTED} (and {@code whenConnected} completes) only when the returned stage
         * completes normally; its value is ignored, and null means "done". If the hook throws or
         * its stage fails, the connection is aborted and the attempt counts as failed, with that
         * exception. Runs on the reactor thread; its stage may complete on any thread.
         *
         * @param prepareConnection receives the application's protocol
         * @return this builder
         */
        public Builder<P> prepareConnection(Function<? super P, ? extends @Nullable CompletionStage<?>> prepareConnection) {
            this.prepareConnection = Objects.requireNonNull(prepareConnection, "prepareConnection must not be null");
            return this;
        }

        /**
         * Sets the name used in logs.
         *
         * @param name the name; {@code ClientService[<endpoint>]} by default
         * @return this builder
         */
        public Builder<P> name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /**
         * Builds the service, in state {@code INIT}.
         *
         * @return the service
         */
        public ClientService<P> build() {
            return new ClientService<>(this);
        }
    }
}
