package dev.spindle.reactor.contract;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Drives a real reactor from a test thread: starts it, runs code on its loop thread and waits for
 * the result, and waits for conditions with a bound. Every wait is bounded by {@link #WAIT}; none
 * is a fixed sleep.
 *
 * <p>Assertions belong in code passed to {@link #call} or {@link #run} (an {@link AssertionError}
 * there is carried back to the test thread) or on the test thread, never in protocol, handler or
 * timer callbacks: an {@link Error} escaping a callback fails the loop by contract.
 */
public final class ReactorHarness {
    /** Bound on every wait. Generous: it only matters when a test fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final Reactor reactor;

    /**
     * Wraps a reactor; does not start it.
     *
     * @param reactor the reactor under test
     */
    public ReactorHarness(Reactor reactor) {
        this.reactor = reactor;
    }

    /**
     * The reactor under test.
     *
     * @return the reactor
     */
    public Reactor reactor() {
        return reactor;
    }

    /**
     * Starts the reactor on its own thread with {@code start()} and waits until it is
     * {@code STARTED}.
     *
     * @return this harness
     */
    public ReactorHarness start() {
        reactor.start();
        awaitState(ReactorState.STARTED);
        return this;
    }

    /**
     * Waits until the reactor is in {@code state}.
     *
     * @param state the state to wait for
     */
    public void awaitState(ReactorState state) {
        await("reactor state " + state, () -> reactor.state() == state);
    }

    /**
     * Runs {@code task} on the loop thread with {@code execute} and returns its result. An
     * exception or error thrown by the task is rethrown here (checked ones wrapped in an
     * {@link AssertionError}).
     *
     * @param <T> the result type
     * @param task the task
     * @return its result
     */
    public <T> T call(Callable<T> task) {
        if (reactor.inLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("loop task threw " + e, e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        reactor.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the reactor did not run a task within " + WAIT + " (state "
                    + reactor.state() + ", error " + reactor.error() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Runs {@code action} on the loop thread and waits for it.
     *
     * @param action the action
     */
    public void run(LoopAction action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Waits, polling, until {@code condition} holds on the test thread.
     *
     * @param what names the condition in the failure message
     * @param condition the condition
     */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            pause();
        }
    }

    /**
     * Waits, polling, until {@code condition} holds when evaluated on the loop thread.
     *
     * @param what names the condition in the failure message
     * @param condition the condition, run on the loop
     */
    public void awaitOnLoop(String what, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!call(condition)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT + " waiting on the loop for " + what);
            }
            pause();
        }
    }

    /**
     * Waits for a stage to complete successfully and returns its value.
     *
     * @param <T> the value type
     * @param stage the stage
     * @return its value
     */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("stage not complete after " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits for a stage to fail and returns the failure, unwrapped from
     * {@link CompletionException}.
     *
     * @param stage the stage
     * @return the failure
     */
    public static Throwable awaitFailure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("stage completed normally with " + value + " but was expected to fail");
        } catch (ExecutionException e) {
            return unwrap(e.getCause());
        } catch (CancellationException e) {
            // get() throws a stage's CancellationException as is, not wrapped.
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError("stage not complete after " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Strips {@link CompletionException} wrappers.
     *
     * @param t a failure
     * @return the innermost non-wrapper failure
     */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Terminates the reactor (waits for its loop thread to let go). */
    public void terminate() {
        reactor.terminate();
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new AssertionError("loop task threw " + t, t);
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Code to run on the loop thread. */
    @FunctionalInterface
    public interface LoopAction {
        /**
         * Runs.
         *
         * @throws Exception rethrown on the test thread
         */
        void run() throws Exception;
    }
}
