package dev.spindle.reactor;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a {@link ClientService} waits before its next connection attempt, given how many
 * attempts in a row have failed.
 *
 * <p>The service calls {@link #delay(int)} on its reactor thread with {@code failedAttempts}
 * = the number of consecutive failures so far, starting at <b>1</b> for the first failure. A
 * connection that is established and later lost counts as one failure (the count was reset to
 * 0 when it was established), so the first retry after a lost connection waits
 * {@code delay(1)}. The count is reset only by a successful connection (SPEC CS-BP-5).
 *
 * <p>An implementation should return quickly and never fail. If it throws or returns null, the
 * service logs the error and waits {@link ExponentialBackoff#defaults()}'s delay instead; a
 * negative duration is taken as zero.
 */
@FunctionalInterface
public interface RetryPolicy {
    /**
     * The wait before the next attempt.
     *
     * @param failedAttempts consecutive failed attempts, at least 1
     * @return zero or positive
     * @throws IllegalArgumentException if {@code failedAttempts} is below 1 (built-in policies)
     */
    Duration delay(int failedAttempts);

    /**
     * Spindle's default: exponential back-off with full jitter, bounded. The first retry waits a
     * uniformly random time in [0 s, 1 s], the n-th one a uniformly random time in
     * [0, min(60 s, 1 s × 2<sup>n−1</sup>)]; see {@link ExponentialBackoff} for the exact formula
     * and {@link ExponentialBackoff#builder()} to change it.
     *
     * @return the default policy
     */
    static ExponentialBackoff exponentialBackoff() {
        return ExponentialBackoff.defaults();
    }

    /**
     * Always waits {@code delay}, whatever the count.
     *
     * @param delay zero or positive
     * @return the policy
     * @throws IllegalArgumentException if negative
     */
    static RetryPolicy fixed(Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, found: " + delay);
        }
        return new RetryPolicy() {
            @Override
            public Duration delay(int failedAttempts) {
                if (failedAttempts < 1) {
                    throw new IllegalArgumentException("failedAttempts must be at least 1, found: " + failedAttempts);
                }
                return delay;
            }

            @Override
            public String toString() {
                return "RetryPolicy.fixed(" + delay + ")";
            }
        };
    }
}
