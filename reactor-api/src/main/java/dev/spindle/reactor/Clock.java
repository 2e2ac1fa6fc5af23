package dev.spindle.reactor;

/**
 * The reactor's source of monotonic time. Injected through {@link ReactorConfig}; tests use
 * {@link dev.spindle.reactor.testing.ManualClock}.
 *
 * <p>Implementations must be thread-safe and monotonic (never decreasing).
 */
@FunctionalInterface
public interface Clock {
    /**
     * The current time in nanoseconds from an arbitrary origin, like {@link System#nanoTime()}.
     *
     * @return monotonic nanoseconds
     */
    long nanoTime();

    /**
     * The system's monotonic clock.
     *
     * @return a clock backed by {@link System#nanoTime()}
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}

enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
