package dev.spindle.reactor;

import java.time.Duration;

/**
 * A call scheduled with {@link TimeReactor#schedule(Duration, Runnable)}: it runs once, on the
 * reactor thread, not before its {@link #deadline()}.
 *
 * <p>All methods must be called on the reactor thread. Decisions on Twisted's
 * {@code IDelayedCall} (SPEC DC-1..DC-5):
 * <ul>
 *   <li>{@link #cancel()} is idempotent and returns whether it cancelled; cancelling after the
 *       call ran, or from inside it, returns false instead of raising (Twisted raises
 *       {@code AlreadyCalled}/{@code AlreadyCancelled}).</li>
 *   <li>{@link #isActive()} is false from the moment the call starts running (DC-4).</li>
 *   <li>{@link #delay(Duration)} and {@link #reset(Duration)} on an inactive call throw
 *       {@link IllegalStateException} naming the state, as Twisted does (DC-3).</li>
 *   <li>Calls due at the same instant run in the order they were scheduled (or last reset).</li>
 * </ul>
 */
public interface ScheduledCall {
    /**
     * Cancels the call if it has not run yet.
     *
     * @return true if this call cancelled it; false if it already ran, is running, or was
     *     cancelled before
     */
    boolean cancel();

    /**
     * Moves the call later by {@code delta} (earlier if negative), relative to its current
     * deadline (SPEC DC-3).
     *
     * @param delta the shift
     * @throws IllegalStateException if the call is not active
     */
    void delay(Duration delta);

    /**
     * Moves the call to now + {@code delay}, earlier or later (SPEC DC-3).
     *
     * @param delay the new delay from now; must not be negative
     * @throws IllegalStateException if the call is not active
     * @throws IllegalArgumentException if the delay is negative
     */
    void reset(Duration delay);

    /**
     * Whether the call is still pending: not run, not running, not cancelled (SPEC DC-4).
     *
     * @return true while pending
     */
    boolean isActive();

    /**
     * The time it is due, on the reactor's {@link Clock}, in nanoseconds, pending delays
     * included (SPEC DC-1).
     *
     * @return the deadline in clock nanoseconds
     */
    long deadline();
}
