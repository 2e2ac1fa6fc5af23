package dev.spindle.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The time facet: the reactor's clock and calls scheduled on it.
 *
 * <p>Scheduling methods must be called on the reactor thread while the reactor is active (an
 * inactive reactor holds no scheduled call). Decisions on SPEC TW-DEF-1, identical for real
 * backends and for {@link dev.spindle.reactor.testing.DeterministicReactor}:
 * <ul>
 *   <li>a negative delay is rejected with {@link IllegalArgumentException};</li>
 *   <li>calls due at the same instant run first-scheduled first;</li>
 *   <li>a call scheduled from inside a scheduled call runs in a later pass, even with delay 0
 *       (TIME-5), so a chain of zero-delay calls cannot starve I/O; one scheduled by I/O or a
 *       task earlier in the same pass runs in that pass's timer step if it is due;</li>
 *   <li>an exception from a call is logged and the other calls still run.</li>
 * </ul>
 */
public interface TimeReactor {
    /**
     * The clock this reactor's timers run on. Thread-safe.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * Runs {@code task} once, on the reactor thread, not before {@code delay} has passed.
     *
     * @param delay zero or positive
     * @param task the task
     * @return the scheduled call
     * @throws IllegalArgumentException on a negative delay
     * @throws IllegalStateException off the reactor thread or when inactive
     */
    ScheduledCall schedule(Duration delay, Runnable task);

    /**
     * Like {@link #schedule(Duration, Runnable)} without a {@link Duration}.
     *
     * @param delay zero or positive
     * @param unit the unit of {@code delay}
     * @param task the task
     * @return the scheduled call
     */
    ScheduledCall schedule(long delay, TimeUnit unit, Runnable task);

    /**
     * The pending calls, ordered by deadline (SPEC TIME-3): a snapshot.
     *
     * @return pending, not cancelled, not run calls
     */
    List<ScheduledCall> pendingCalls();
}
