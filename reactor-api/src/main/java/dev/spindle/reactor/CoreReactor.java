package dev.spindle.reactor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle facet of a reactor: start, run, stop and terminate the loop; reach it from other
 * threads; hand blocking work to a bounded worker pool.
 *
 * <h2>Transitions</h2>
 * <table>
 *   <caption>Effect of each call by state (adapted from SPEC §1.3 for a general reactor)</caption>
 *   <tr><th>state</th><th>start() / run()</th><th>stop()</th><th>terminate()</th></tr>
 *   <tr><td>INIT</td><td>→ STARTING</td><td>→ STOPPED, no triggers</td><td>no effect</td></tr>
 *   <tr><td>STARTING</td><td>no-op / throws</td><td>startup completes, then → STOPPING</td>
 *       <td>→ STOPPED before it returns</td></tr>
 *   <tr><td>STARTED</td><td>no-op / throws</td><td>→ STOPPING at the end of this loop pass</td>
 *       <td>→ STOPPED before it returns</td></tr>
 *   <tr><td>STOPPING</td><td>no-op / throws</td><td>no-op</td><td>→ STOPPED before it returns</td></tr>
 *   <tr><td>STOPPED</td><td>→ STARTING (restart)</td><td>no-op</td><td>no effect</td></tr>
 *   <tr><td>ERROR</td><td>→ STARTING, error cleared</td><td>no-op, error kept</td><td>no effect</td></tr>
 * </table>
 * ("no-op / throws": {@code start()} is a no-op on an active reactor; {@code run()} throws
 * {@link IllegalStateException}, since the loop is already being driven.)
 *
 * <p>A loop failure (an exception from the backend's polling, or an {@link Error} escaping a
 * callback) moves any active state to {@code ERROR}: every descriptor is closed, every call
 * cancelled, and {@link #error()} returns the cause.
 */
public interface CoreReactor {
    /**
     * The current state. Thread-safe.
     *
     * @return the state
     */
    ReactorState state();

    /**
     * The cause of the last loop failure while the state is {@code ERROR}, else null. Thread-safe.
     *
     * @return the cause or null
     */
    @Nullable Throwable error();

    /**
     * Starts the loop on a new thread named {@link ReactorConfig#threadName()} if the reactor is
     * inactive; a no-op if it is active. Returns at once. Thread-safe.
     *
     * <p>If the previous loop has just become inactive and is still releasing its poller, this
     * waits for it first. Called on that ending loop's own thread (from a lifecycle listener, or
     * a callback after {@code terminate()}), the restart happens as soon as that loop has ended.
     */
    void start();

    /**
     * Runs the loop on the calling thread until the reactor is stopped or terminated, or fails.
     * Starts it from {@code INIT}, {@code STOPPED} or {@code ERROR}.
     *
     * @throws IllegalStateException if the reactor is already active (a second {@code run()}, or
     *     {@code run()} after {@code start()}), naming the thread that drives it
     */
    void run();

    /**
     * Asks for a clean shutdown at the end of the current loop pass. Work queued before the call
     * (tasks from {@code execute}, writes, calls already due) is delivered first; then the
     * {@code SHUTDOWN} triggers run, transports are flushed and closed, the worker pool stops,
     * pending calls are cancelled, and the state becomes {@code STOPPED}. Idempotent
     * (SPEC TW-DEF-2: never throws). Thread-safe; returns at once.
     */
    void stop();

    /**
     * Stops at once: closes every descriptor (protocols get {@code connectionLost}), cancels
     * every call and look-up, runs no triggers, and is in {@code STOPPED} before it returns.
     * From another thread it waits for the loop thread to finish its current callback. Tasks
     * queued with {@code execute} and not yet run are kept for the next start. No effect on an
     * inactive reactor. Thread-safe.
     */
    void terminate();

    /**
     * Runs {@code task} once the reactor is {@code STARTED} (SPEC CORE-7): at once if it is
     * already started and this is the reactor thread; through {@link #execute} if started and
     * called from another thread; otherwise as an {@code AFTER STARTUP} trigger. Thread-safe.
     *
     * @param task the task
     * @return a registration that cancels the task if it has not run yet
     */
    Registration callWhenRunning(Runnable task);

    /**
     * Queues {@code task} to run on the reactor thread, in FIFO order with other tasks, waking the
     * loop if it sleeps (SPEC THR-1). Tasks queued while the loop runs a batch run in the next
     * pass (THR-3); tasks queued while the reactor is inactive run when it next runs (THR-2).
     * Thread-safe, allocation-free.
     *
     * @param task the task
     * @throws java.util.concurrent.RejectedExecutionException if the task queue is full
     */
    void execute(Runnable task);

    /**
     * Like {@link #execute(Runnable)} but reports a full queue by returning false.
     *
     * @param task the task
     * @return true if queued
     */
    boolean tryExecute(Runnable task);

    /**
     * Like {@link #execute(Runnable)}, but when the task queue is full the calling thread waits
     * until the loop has made room, instead of being refused: back-pressure for a producer thread
     * that must not drop work. The wait is a short spin, then a park from which the loop wakes
     * the producer as soon as it has run part of the queue, so a producer that outpaces the loop
     * neither burns its core nor needs a back-off loop of its own.
     *
     * <p>On the reactor thread itself this never waits (the loop could not drain the queue while
     * its own thread waits): it behaves as {@link #execute(Runnable)}.
     *
     * @param task the task
     * @throws InterruptedException if the thread is interrupted while waiting; the task was not
     *     queued
     * @throws java.util.concurrent.RejectedExecutionException if the queue is full and the
     *     reactor is not running (INIT, STOPPED or ERROR: nothing would drain it), or on the reactor
     *     thread
     */
    default void executeBlocking(Runnable task) throws InterruptedException {
        if (!tryExecute(task, Duration.ofNanos(Long.MAX_VALUE))) {
            throw new RejectedExecutionException("reactor task queue is full; task refused: " + task);
        }
    }

    /**
     * Like {@link #executeBlocking(Runnable)}, waiting at most {@code timeout} for room.
     *
     * <p>This default implementation polls {@link #tryExecute(Runnable)} with short parks; the
     * reactors of Spindle's backends ({@link dev.spindle.reactor.spi.AbstractReactor}) replace it
     * with one that the loop wakes.
     *
     * @param task the task
     * @param timeout the longest wait; zero or negative means do not wait
     * @return true if queued, false if the queue stayed full for {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws java.util.concurrent.RejectedExecutionException if the queue is full and the reactor
     *     is not running
     */
    default boolean tryExecute(Runnable task, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long start = System.nanoTime();
        long wait = saturatedNanos(timeout);
        while (!tryExecute(task)) {
            if (inLoop()) {
                throw new RejectedExecutionException("reactor task queue is full; task refused on the reactor thread: " + task);
            }
            ReactorState s = state();
            if (s == ReactorState.INIT || s == ReactorState.STOPPED || s == ReactorState.ERROR) {
                throw new RejectedExecutionException("reactor task queue is full and the reactor is " + s + "; task refused: " + task);
            }
            long left = wait - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, 50_000L));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for room in the reactor task queue");
            }
        }
        return true;
    }

    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Whether the calling thread is the reactor thread. Thread-safe.
     *
     * @return true on the loop thread while the loop runs
     */
    boolean inLoop();

    /**
     * Runs blocking work on the reactor's bounded worker pool; its outcome completes the returned
     * stage on the reactor thread. When the pool's queue is full, the stage fails with
     * {@link java.util.concurrent.RejectedExecutionException}. Work still queued when the pool
     * stops (during {@code SHUTDOWN}, or on {@code terminate}) fails with
     * {@link java.util.concurrent.CancellationException}. The reactor must be active.
     * Thread-safe.
     *
     * @param <T> the result type
     * @param task the blocking work
     * @return the result, completed on the reactor thread (or on the worker thread if the loop
     *     ended meanwhile)
     * @throws IllegalStateException if the reactor is inactive
     */
    <T> CompletionStage<T> callInThread(Callable<T> task);

    /**
     * Adds a trigger for a system event phase (SPEC CORE-8). Triggers are consumed: each runs at
     * most once (CORE-10), in the order added; one added to the phase that is running runs in the
     * same firing. Thread-safe.
     *
     * @param event the event
     * @param phase the phase
     * @param trigger the trigger
     * @return a registration that removes it
     */
    Registration addSystemEventTrigger(SystemEvent event, TriggerPhase phase, SystemEventTrigger trigger);

    /**
     * Adds an observer of state changes. Thread-safe. The listener hears the changes made after it
     * was added, never one that had already happened: a thread that saw {@code state()} return
     * {@code STARTED} and then adds a listener is not told {@code STARTING -> STARTED}, even while
     * the loop thread is still telling the listeners registered before.
     *
     * @param listener the listener
     * @return a registration that removes it
     */
    Registration addLifecycleListener(LifecycleListener listener);
}
