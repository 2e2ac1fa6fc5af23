package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ExponentialBackoff.Jitter;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryPolicy} and {@link ExponentialBackoff}: the documented formula, the exact first
 * delay, and Twisted's {@code BackoffPolicyTests} (SPEC CS-BP-4) ported to Spindle's formula.
 */
class RetryPolicyTest {
    private static final Duration SIXTY = Duration.ofSeconds(60);

    private static ExponentialBackoff noJitter(double factor) {
        return ExponentialBackoff.builder().factor(factor).jitter(Jitter.NONE).build();
    }

    private static ExponentialBackoff withU(double u) {
        return ExponentialBackoff.builder().random(() -> u).build();
    }

    @Test
    @DisplayName("defaults: 1 s, ×2, at most 60 s, full jitter; RetryPolicy.exponentialBackoff() is them")
    void defaults() {
        ExponentialBackoff d = RetryPolicy.exponentialBackoff();
        assertSame(ExponentialBackoff.defaults(), d);
        assertEquals(Duration.ofSeconds(1), d.initialDelay());
        assertEquals(2.0, d.factor());
        assertEquals(SIXTY, d.maxDelay());
        assertEquals(Jitter.FULL, d.jitter());
        assertEquals("ExponentialBackoff[initialDelay=PT1S, factor=2.0, maxDelay=PT1M, jitter=FULL]", d.toString());
    }

    @Test
    @DisplayName("the documented first retry: u × initialDelay, uniform in [0, initialDelay] (defaults: [0 s, 1 s]); exactly initialDelay without jitter")
    void firstRetryDelayIsExactlyAsDocumented() {
        assertEquals(Duration.ZERO, withU(0.0).delay(1));
        assertEquals(Duration.ofMillis(250), withU(0.25).delay(1));
        assertEquals(Duration.ofMillis(500), withU(0.5).delay(1));
        assertEquals(Duration.ofSeconds(1), withU(1.0).delay(1));
        assertEquals(Duration.ofNanos(999_999_999), withU(0.999_999_999).delay(1));
        assertEquals(Duration.ofSeconds(1), noJitter(2.0).delay(1));
        assertEquals(Duration.ofSeconds(1), noJitter(1.5).delay(1), "whatever the factor: the exponent is n − 1");
        ExponentialBackoff equal = ExponentialBackoff.builder().jitter(Jitter.EQUAL).random(() -> 0.0).build();
        assertEquals(Duration.ofMillis(500), equal.delay(1), "equal jitter: the floor is half the cap");
        ExponentialBackoff custom = ExponentialBackoff.builder().initialDelay(Duration.ofMillis(300)).random(() -> 0.5).build();
        assertEquals(Duration.ofMillis(150), custom.delay(1));
    }

    @Test
    @DisplayName("the default caps without jitter: 1, 2, 4, 8, 16, 32, then 60 s from the 7th failure on")
    void defaultSequence() {
        ExponentialBackoff p = noJitter(2.0);
        long[] seconds = {1, 2, 4, 8, 16, 32, 60, 60, 60};
        for (int n = 1; n <= seconds.length; n++) {
            assertEquals(Duration.ofSeconds(seconds[n - 1]), p.delay(n), "n=" + n);
            assertEquals(p.delay(n), ExponentialBackoff.defaults().cap(n));
        }
        assertEquals(Duration.ofSeconds(4), withU(1.0).delay(3), "u = 1 reaches the cap");
        assertEquals(Duration.ofSeconds(2), withU(0.5).delay(3));
    }

    @Test
    @DisplayName("CS-BP-4 port (test_calculates_correct_values) with factor 1.5 and no jitter: 1, 1.5, …, 57.665 s at n=11, then 60 s")
    void calculatesCorrectValues() {
        ExponentialBackoff p = noJitter(1.5);
        assertEquals(Duration.ofSeconds(1), p.delay(1));
        assertEquals(Duration.ofMillis(1500), p.delay(2));
        assertEquals(Duration.ofMillis(2250), p.delay(3));
        // 1.5^10 s = 57.6650390625 s, rounded to the nearest nanosecond.
        assertEquals(Duration.ofNanos(57_665_039_063L), p.delay(11));
        assertEquals(SIXTY, p.delay(12));
        assertEquals(SIXTY, p.delay(20));
        assertEquals(SIXTY, p.delay(100));
    }

    @Test
    @DisplayName("CS-BP-4 port (test_does_not_overflow_on_high_attempts, ..._with_large_factor_value): n = 1751, 10^6, MAX_VALUE and factor 1e10 give maxDelay")
    void doesNotOverflow() {
        ExponentialBackoff p = noJitter(1.5);
        assertEquals(SIXTY, p.delay(1751));
        assertEquals(SIXTY, p.delay(1_000_000));
        assertEquals(SIXTY, p.delay(Integer.MAX_VALUE));
        ExponentialBackoff huge = noJitter(1e10);
        assertEquals(SIXTY, huge.delay(1751));
        assertEquals(SIXTY, huge.delay(2));
        assertEquals(Duration.ofSeconds(1), huge.delay(1));
        assertEquals(SIXTY, withU(1.0).delay(1751), "full jitter with u = 1 is exactly the bound, never above");
        ExponentialBackoff longMax = ExponentialBackoff.builder().maxDelay(Duration.ofSeconds(Long.MAX_VALUE)).factor(1e10)
                .jitter(Jitter.NONE).build();
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), longMax.delay(Integer.MAX_VALUE), "a maxDelay beyond long nanoseconds saturates");
    }

    @Test
    @DisplayName("the bound holds: every delay lies in [0, cap(n)] and cap(n) ≤ maxDelay, for many n, factors and random draws")
    void boundHolds() {
        SplittableRandom rnd = new SplittableRandom(20_240_601);
        int[] ns = {1, 2, 3, 7, 10, 63, 64, 100, 1000, 1751, 1_000_000, Integer.MAX_VALUE};
        for (double factor : new double[] {1.0, 1.01, 1.5, 2.0, 3.0, 1e10}) {
            for (Jitter j : Jitter.values()) {
                ExponentialBackoff p = ExponentialBackoff.builder().factor(factor).jitter(j)
                        .initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(30)).random(rnd::nextDouble).build();
                for (int n : ns) {
                    Duration cap = p.cap(n);
                    assertTrue(cap.compareTo(p.maxDelay()) <= 0, "cap ≤ max at n=" + n);
                    for (int k = 0; k < 50; k++) {
                        Duration d = p.delay(n);
                        assertTrue(!d.isNegative() && d.compareTo(cap) <= 0, d + " in [0, " + cap + "] at n=" + n + ", " + p);
                        if (j == Jitter.EQUAL) {
                            assertTrue(d.multipliedBy(2).compareTo(cap.minusNanos(1)) >= 0, d + " ≥ cap/2");
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("full jitter with the default random source spreads delays over the whole range")
    void defaultRandomSpreads() {
        ExponentialBackoff p = ExponentialBackoff.defaults();
        Duration half = Duration.ofMillis(500);
        int below = 0;
        int above = 0;
        for (int i = 0; i < 1000; i++) {
            Duration d = p.delay(1);
            assertTrue(!d.isNegative() && d.compareTo(Duration.ofSeconds(1)) <= 0, d.toString());
            if (d.compareTo(half) < 0) {
                below++;
            } else {
                above++;
            }
        }
        // Each side has probability 1/2 per draw; both empty after 1000 draws has odds 2^-999.
        assertTrue(below > 0 && above > 0, "below " + below + ", above " + above);
    }

    @Test
    @DisplayName("bad input: n < 1, a random source outside [0, 1], bad builder values")
    void badInput() {
        ExponentialBackoff p = ExponentialBackoff.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.delay(0));
        assertTrue(e.getMessage().contains("found: 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.cap(-1));
        IllegalStateException r = assertThrows(IllegalStateException.class, () -> withU(1.5).delay(1));
        assertTrue(r.getMessage().contains("1.5"), r.getMessage());
        assertThrows(IllegalStateException.class, () -> withU(Double.NaN).delay(1));
        assertThrows(IllegalStateException.class, () -> withU(-0.1).delay(1));
        ExponentialBackoff.Builder b = ExponentialBackoff.builder();
        assertThrows(IllegalArgumentException.class, () -> b.initialDelay(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.maxDelay(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.factor(0.99));
        assertThrows(IllegalArgumentException.class, () -> b.factor(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.factor(Double.POSITIVE_INFINITY));
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> ExponentialBackoff.builder().initialDelay(Duration.ofSeconds(5)).maxDelay(Duration.ofSeconds(4)).build());
        assertTrue(order.getMessage().contains("PT4S"), order.getMessage());
    }

    @Test
    @DisplayName("RetryPolicy.fixed: the same delay for every n; zero allowed, negative and n < 1 refused")
    void fixed() {
        RetryPolicy p = RetryPolicy.fixed(Duration.ofMillis(1500));
        assertEquals(Duration.ofMillis(1500), p.delay(1));
        assertEquals(Duration.ofMillis(1500), p.delay(Integer.MAX_VALUE));
        assertEquals(Duration.ZERO, RetryPolicy.fixed(Duration.ZERO).delay(3));
        assertEquals("RetryPolicy.fixed(PT1.5S)", p.toString());
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.fixed(Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class, () -> p.delay(0));
    }
}
