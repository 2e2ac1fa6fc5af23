package dev.spindle.reactor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with jitter, bounded: the default {@link RetryPolicy}. Immutable and
 * thread-safe (if its random source is).
 *
 * <h2>Formula</h2>
 * For the n-th consecutive failure (n ≥ 1), with {@code initialDelay} = d, {@code factor} = f,
 * {@code maxDelay} = M and u a random number in [0, 1] drawn once per call:
 * <pre>
 *   cap(n)   = min(M, d × f^(n−1))
 *   delay(n) = u × cap(n)                  (Jitter.FULL, the default)
 *            = cap(n) / 2 + u × cap(n) / 2 (Jitter.EQUAL)
 *            = cap(n)                      (Jitter.NONE)
 * </pre>
 * computed in double-precision nanoseconds and rounded to the nearest nanosecond. So:
 * <ul>
 *   <li><b>The first retry</b> (n = 1) waits u × {@code initialDelay}: a uniformly random time in
 *       [0, {@code initialDelay}] with full jitter (the defaults: [0 s, 1 s]); exactly
 *       {@code initialDelay} without jitter; in [{@code initialDelay}/2, {@code initialDelay}]
 *       with equal jitter.</li>
 *   <li>Every delay lies in [0, {@code maxDelay}]: jitter is applied <em>under</em> the cap,
 *       never added on top of it.</li>
 *   <li>Nothing overflows: f<sup>n−1</sup> saturates to infinity for huge n or f, and the cap
 *       then is M.</li>
 * </ul>
 * Defaults: {@code initialDelay} 1 s, {@code factor} 2.0, {@code maxDelay} 60 s, full jitter,
 * u from {@link ThreadLocalRandom}. Without jitter the defaults give 1, 2, 4, 8, 16, 32, then
 * 60 s from the 7th failure on; with full jitter each delay is uniform below those.
 *
 * <h2>Compared with Twisted's {@code backoffPolicy} (SPEC CS-BP-1..3)</h2>
 * Twisted computes min(d × f<sup>min(n, 100)</sup>, M) + jitter with jitter in [0, 1 s) added
 * after the cap, so its first retry is d × f (1.5 s plus jitter, although its documentation says
 * d) and its delays can exceed M. Here the exponent is n − 1, so the first retry is governed by
 * d itself, and jitter never exceeds the cap. Full jitter (a uniform draw over the whole range)
 * spreads many clients that lost the same server best.
 */
public final class ExponentialBackoff implements RetryPolicy {
    /** Default {@code initialDelay}: 1 s. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    /** Default {@code factor}: 2.0. */
    public static final double DEFAULT_FACTOR = 2.0;
    /** Default {@code maxDelay}: 60 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(60);

    private static final ExponentialBackoff DEFAULTS = builder().build();

    /** How the random draw u spreads a delay under its cap. */
    public enum Jitter {
        /** No randomness: the delay is the cap. */
        NONE,
        /** Uniform in [0, cap]: u × cap. */
        FULL,
        /** Uniform in [cap/2, cap]: a floor of half the cap. */
        EQUAL
    }

    private final Duration initialDelay;
    private final double factor;
    private final Duration maxDelay;
    private final Jitter jitter;
    private final DoubleSupplier random;
    private final double initialNanos;
    private final double maxNanos;

    private ExponentialBackoff(Builder b) {
        this.initialDelay = b.initialDelay;
        this.factor = b.factor;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.random = b.random;
        this.initialNanos = saturatedNanos(initialDelay);
        this.maxNanos = saturatedNanos(maxDelay);
    }

    /**
     * The defaults: 1 s, ×2.0, at most 60 s, full jitter.
     *
     * @return the shared default policy
     */
    public static ExponentialBackoff defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The delay before the next attempt after {@code failedAttempts} consecutive failures: see the
     * class documentation for the formula.
     *
     * @param failedAttempts at least 1
     * @return a duration in [0, {@link #maxDelay()}]
     * @throws IllegalArgumentException if {@code failedAttempts} is below 1
     * @throws IllegalStateException if the random source returns a value outside [0, 1]
     */
    @Override
    public Duration delay(int failedAttempts) {
        double cap = capNanos(failedAttempts);
        double d;
        switch (jitter) {
            case NONE:
                d = cap;
                break;
            case EQUAL:
                d = cap / 2 + draw() * (cap / 2);
                break;
            default:
                d = draw() * cap;
                break;
        }
        return Duration.ofNanos(Math.min(Math.round(d), (long) maxNanos));
    }

    /**
     * The bound of the delay after {@code failedAttempts} consecutive failures, before jitter:
     * min({@code maxDelay}, {@code initialDelay} × {@code factor}<sup>failedAttempts−1</sup>).
     *
     * @param failedAttempts at least 1
     * @return the cap
     * @throws IllegalArgumentException if {@code failedAttempts} is below 1
     */
    public Duration cap(int failedAttempts) {
        return Duration.ofNanos(Math.round(capNanos(failedAttempts)));
    }

    private double capNanos(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, found: " + failedAttempts);
        }
        // factor >= 1 and initialNanos > 0, so this is never NaN; pow saturates to +Infinity.
        double c = initialNanos * Math.pow(factor, failedAttempts - 1.0);
        return c < maxNanos ? c : maxNanos;
    }

    private double draw() {
        double u = random.getAsDouble();
        if (!(u >= 0.0 && u <= 1.0)) {
            throw new IllegalStateException("the random source must return a value in [0, 1], found: " + u);
        }
        return u;
    }

    private static double saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The delay bound of the first retry without jitter.
     *
     * @return the initial delay
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * The growth factor per failure.
     *
     * @return at least 1.0
     */
    public double factor() {
        return factor;
    }

    /**
     * The bound of every delay.
     *
     * @return the maximum delay
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * How delays are spread under the cap.
     *
     * @return the jitter
     */
    public Jitter jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        return "ExponentialBackoff[initialDelay=" + initialDelay + ", factor=" + factor + ", maxDelay=" + maxDelay
                + ", jitter=" + jitter + "]";
    }

    /** Builds an {@link ExponentialBackoff}; starts from the defaults. */
    public static final class Builder {
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private double factor = DEFAULT_FACTOR;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private Jitter jitter = Jitter.FULL;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {
        }

        /**
         * Sets the cap of the first retry's delay.
         *
         * @param initialDelay positive
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder initialDelay(Duration initialDelay) {
            Objects.requireNonNull(initialDelay, "initialDelay must not be null");
            if (initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException("initialDelay must be positive, found: " + initialDelay);
            }
            this.initialDelay = initialDelay;
            return this;
        }

        /**
         * Sets the growth factor per consecutive failure.
         *
         * @param factor finite, at least 1.0 (1.0: the cap stays {@code initialDelay})
         * @return this builder
         * @throws IllegalArgumentException if below 1.0, infinite or NaN
         */
        public Builder factor(double factor) {
            if (!(factor >= 1.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("factor must be finite and at least 1.0, found: " + factor);
            }
            this.factor = factor;
            return this;
        }

        /**
         * Sets the bound of every delay.
         *
         * @param maxDelay positive; must not be below {@code initialDelay} when built
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder maxDelay(Duration maxDelay) {
            Objects.requireNonNull(maxDelay, "maxDelay must not be null");
            if (maxDelay.isNegative() || maxDelay.isZero()) {
                throw new IllegalArgumentException("maxDelay must be positive, found: " + maxDelay);
            }
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * Sets how delays are spread under the cap.
         *
         * @param jitter the jitter; {@link Jitter#FULL} by default
         * @return this builder
         */
        public Builder jitter(Jitter jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter must not be null");
            return this;
        }

        /**
         * Sets the source of u, for deterministic tests. Called once per delay (never with
         * {@link Jitter#NONE}) on the thread asking for the delay.
         *
         * @param random returns values in [0, 1]
         * @return this builder
         */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random must not be null");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException if {@code maxDelay} is below {@code initialDelay}
         */
        public ExponentialBackoff build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must not be below initialDelay (" + initialDelay
                        + "), found: " + maxDelay);
            }
            return new ExponentialBackoff(this);
        }
    }
}
