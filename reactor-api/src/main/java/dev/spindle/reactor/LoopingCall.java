package dev.spindle.reactor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Calls a function repeatedly at a fixed rate on a {@link Reactor}, with the semantics of
 * Twisted's {@code LoopingCall} (SPEC §5.7). Reactor thread only.
 *
 * <ul>
 *   <li>Calls fall on the boundaries {@code start + k·interval}. After each call the next one is
 *       scheduled at the first boundary strictly after the present: beats missed because the
 *       loop or the function was slow are skipped, not replayed (LC-2).</li>
 *   <li>{@link #withCount} functions receive how many whole intervals passed since their
 *       previous call, never 0, so the counts add up to the elapsed intervals (LC-6). With
 *       interval 0 the count is always 1 and the function runs once per loop pass.</li>
 *   <li>An {@link #async} function may return a stage; the next call is scheduled only after
 *       it completes (LC-3). Beats skipped meanwhile are counted.</li>
 *   <li>If the function throws, or its stage fails, the loop stops and the stage returned by
 *       {@link #start} fails with that exception (LC-3).</li>
 *   <li>{@link #stop()} completes that stage with this {@code LoopingCall}, at once or, when a
 *       returned stage is pending, once it completes (LC-4); called from inside the function,
 *       once the function returns (so stop-then-throw fails the stage). A stopped loop may be
 *       started again, though not from inside its own function; a stage still pending from
 *       the previous run then completes that run's stage only.</li>
 * </ul>
 */
public final class LoopingCall {
    private final Reactor reactor;
    private final LongFunction<? extends @Nullable CompletionStage<?>> body;

    private boolean running;
    private long intervalNanos;
    private long startNanos;
    private long lastTick;
    private @Nullable ScheduledCall call;
    private @Nullable CompletionStage<?> pendingStage;
    private @Nullable CompletableFuture<LoopingCall> completion;
    private boolean inCall;
    private final Runnable fire = this::fire;

    private LoopingCall(Reactor reactor, LongFunction<? extends @Nullable CompletionStage<?>> body) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.body = body;
    }

    /**
     * A looping call of a plain task.
     *
     * @param reactor the reactor whose clock and timers it uses
     * @param task the task
     * @return a stopped looping call
     */
    public static LoopingCall of(Reactor reactor, Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        return new LoopingCall(reactor, count -> {
            task.run();
            return null;
        });
    }

    /**
     * A looping call whose task receives the number of intervals elapsed since its previous call.
     *
     * @param reactor the reactor
     * @param task receives the count (≥ 1)
     * @return a stopped looping call
     */
    public static LoopingCall withCount(Reactor reactor, LongConsumer task) {
        Objects.requireNonNull(task, "task must not be null");
        return new LoopingCall(reactor, count -> {
            task.accept(count);
            return null;
        });
    }

    /**
     * A looping call whose task may return a stage to wait for before the next beat.
     *
     * @param reactor the reactor
     * @param task receives the count and returns a stage or null
     * @return a stopped looping call
     */
    public static LoopingCall async(Reactor reactor, LongFunction<? extends @Nullable CompletionStage<?>> task) {
        return new LoopingCall(reactor, Objects.requireNonNull(task, "task must not be null"));
    }

    /**
     * Starts the loop (LC-1).
     *
     * @param interval zero or positive
     * @param now whether the first call happens inside this method (else after one interval)
     * @return completes with this call when stopped, or fails with the task's exception
     * @throws IllegalStateException if already running
     * @throws IllegalArgumentException if the interval is negative
     */
    public CompletionStage<LoopingCall> start(Duration interval, boolean now) {
        Objects.requireNonNull(interval, "interval must not be null");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, found: " + interval);
        }
        if (running) {
            throw new IllegalStateException("LoopingCall is already running");
        }
        if (inCall) {
            throw new IllegalStateException("LoopingCall cannot be started again from inside its own call");
        }
        long nanos;
        try {
            nanos = interval.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("interval is too long, found: " + interval, e);
        }
        CompletableFuture<LoopingCall> done = new CompletableFuture<>();
        this.completion = done;
        this.intervalNanos = nanos;
        this.running = true;
        // A stage of the previous run that is still pending ends that run only (see invoke).
        this.pendingStage = null;
        this.startNanos = reactor.clock().nanoTime();
        this.lastTick = 0;
        try {
            if (now) {
                invoke(1);
            } else {
                scheduleAt(nanos == 0 ? 0 : 1);
            }
        } catch (RuntimeException e) {
            // The reactor refused the call (inactive, or not its thread): stay stopped.
            running = false;
            completion = null;
            throw e;
        }
        return done;
    }

    /**
     * Stops the loop (LC-4).
     *
     * @throws IllegalStateException if not running
     */
    public void stop() {
        if (!running) {
            throw new IllegalStateException("LoopingCall is not running");
        }
        running = false;
        ScheduledCall c = call;
        if (c != null) {
            call = null;
            c.cancel();
        }
        // LC-4: from inside the function, or while its stage is pending, the outcome of that
        // call completes the stage (so stop() then throw gives a failed stage).
        if (pendingStage == null && !inCall) {
            complete(null);
        }
    }

    /**
     * Restarts timing from now: the next call comes a full interval later (LC-5).
     *
     * @throws IllegalStateException if not running
     */
    public void reset() {
        if (!running) {
            throw new IllegalStateException("LoopingCall is not running");
        }
        ScheduledCall c = call;
        if (c != null) {
            c.cancel();
            call = null;
            startNanos = reactor.clock().nanoTime();
            lastTick = 0;
            scheduleAt(intervalNanos == 0 ? 0 : 1);
        }
    }

    /**
     * Whether the loop is running.
     *
     * @return true between start and stop or failure
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * The interval of the current or last run.
     *
     * @return the interval
     */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    private void fire() {
        call = null;
        if (!running) {
            return;
        }
        long count;
        if (intervalNanos == 0) {
            count = 1;
        } else {
            long tick = (reactor.clock().nanoTime() - startNanos) / intervalNanos;
            count = Math.max(1, tick - lastTick);
            lastTick = Math.max(tick, lastTick + 1);
        }
        invoke(count);
    }

    private void invoke(long count) {
        CompletionStage<?> stage;
        inCall = true;
        try {
            stage = body.apply(count);
        } catch (RuntimeException | Error e) {
            running = false;
            complete(e);
            return;
        } finally {
            inCall = false;
        }
        if (stage == null) {
            afterCall();
            return;
        }
        CompletableFuture<LoopingCall> run = completion;
        pendingStage = stage;
        stage.whenCompleteAsync((ignored, failure) -> {
            if (completion != run) {
                // Stopped and started again while this stage was pending: it ends its own run.
                if (run != null) {
                    finish(run, failure);
                }
                return;
            }
            pendingStage = null;
            if (failure != null) {
                running = false;
                complete(failure);
            } else if (!running) {
                complete(null);
            } else {
                afterCall();
            }
        }, reactor::execute);
    }

    private void afterCall() {
        if (!running) {
            complete(null);
            return;
        }
        if (intervalNanos == 0) {
            scheduleAt(0);
            return;
        }
        long elapsed = reactor.clock().nanoTime() - startNanos;
        scheduleAt(elapsed / intervalNanos + 1);
    }

    private void scheduleAt(long tick) {
        long target = startNanos + tick * intervalNanos;
        long delay = Math.max(0, target - reactor.clock().nanoTime());
        call = reactor.schedule(delay, TimeUnit.NANOSECONDS, fire);
    }

    private void complete(@Nullable Throwable failure) {
        CompletableFuture<LoopingCall> done = completion;
        if (done == null) {
            return;
        }
        completion = null;
        finish(done, failure);
    }

    private void finish(CompletableFuture<LoopingCall> done, @Nullable Throwable failure) {
        if (failure == null) {
            done.complete(this);
        } else {
            done.completeExceptionally(failure);
        }
    }

    @Override
    public String toString() {
        return "LoopingCall[interval=" + Duration.ofNanos(intervalNanos) + ", running=" + running + ", body=" + body + "]";
    }
}
