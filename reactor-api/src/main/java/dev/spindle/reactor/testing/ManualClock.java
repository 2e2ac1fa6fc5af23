package dev.spindle.reactor.testing;

import dev.spindle.reactor.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when a test advances it. Starts at 0 (SPEC CLK-1).
 * Thread-safe.
 */
public final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong();

    private ManualClock() {
    }

    /**
     * A clock reading 0.
     *
     * @return a new clock
     */
    public static ManualClock create() {
        return new ManualClock();
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves the clock forward. Unlike Twisted's {@code Clock} (CLK-8) it never moves backwards.
     *
     * @param by zero or positive
     * @throws IllegalArgumentException if negative
     */
    public void advance(Duration by) {
        Objects.requireNonNull(by, "by must not be null");
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock must not move backwards, found: " + by);
        }
        nanos.addAndGet(by.toNanos());
    }

    @Override
    public String toString() {
        return "ManualClock[" + Duration.ofNanos(nanos.get()) + "]";
    }
}
