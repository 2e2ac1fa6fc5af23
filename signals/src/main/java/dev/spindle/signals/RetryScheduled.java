package dev.spindle.signals;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The event of {@link ReactorSignals#RETRY_SCHEDULED}: a {@link dev.spindle.reactor.ClientService}
 * (the signal's source) scheduled its next attempt; the values of
 * {@link dev.spindle.reactor.ClientService.Listener#retryScheduled}.
 *
 * @param failedAttempts how many attempts in a row have failed (a lost connection counts), at
 *     least 1
 * @param delay how long until the next attempt
 * @param lastFailure why the last attempt failed or the connection was lost; null when the peer
 *     closed the connection cleanly
 */
public record RetryScheduled(int failedAttempts, Duration delay, @Nullable Throwable lastFailure) {
    /**
     * A scheduled retry.
     *
     * @param failedAttempts how many attempts in a row have failed, at least 1
     * @param delay how long until the next attempt, not negative
     * @param lastFailure why the last attempt failed, if known
     */
    public RetryScheduled {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, found: " + failedAttempts);
        }
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, found: " + delay);
        }
    }
}
