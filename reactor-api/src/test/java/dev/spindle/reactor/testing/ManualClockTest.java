package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    @Test
    void newClockReadsZero() { // SPEC CLK-1
        assertEquals(0, ManualClock.create().nanoTime());
    }

    @Test
    void advanceMovesForwardOnly() { // SPEC CLK-8 (deliberately not followed)
        ManualClock c = ManualClock.create();
        c.advance(Duration.ofMillis(3));
        assertEquals(3_000_000L, c.nanoTime());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.advance(Duration.ofNanos(-1)));
        assertEquals(true, e.getMessage().contains("PT-0.000000001S"), e.getMessage());
        assertEquals(3_000_000L, c.nanoTime());
    }
}
