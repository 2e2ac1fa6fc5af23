package dev.spindle.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DescriptorTableTest {
    private final DescriptorTable<String> table = new DescriptorTable<>();

    @Test
    void aTokenNamesTheDescriptorAndItsIncarnation() {
        long token = table.install(7, "first");
        assertEquals(7, (int) token);
        assertNotEquals(0, token >>> 32, "generation 0 marks a free slot");
        assertEquals(token, table.token(7));
        assertEquals("first", table.lookup(token));
        assertTrue(table.isInstalled(7));
    }

    @Test
    void aReusedNumberGetsANewGenerationAndTheOldTokenReachesNobody() {
        long old = table.install(3, "old");
        table.remove(3);
        assertNull(table.lookup(old));
        long reused = table.install(3, "new");
        assertNotEquals(old, reused);
        assertNull(table.lookup(old), "an event fetched for the closed descriptor is stale");
        assertEquals("new", table.lookup(reused));
    }

    @Test
    void replacingKeepsTheToken() {
        long token = table.install(5, "connect");
        table.replace(5, "transport");
        assertEquals(token, table.token(5));
        assertEquals("transport", table.lookup(token));
        assertThrows(IllegalStateException.class, () -> table.replace(6, "x"));
        assertThrows(IllegalStateException.class, () -> table.token(6));
    }

    @Test
    void theTableGrowsWithTheHighestNumberAndClears() {
        long token = table.install(10_000, "far");
        assertTrue(table.capacity() > 10_000);
        assertEquals("far", table.lookup(token));
        assertNull(table.lookup(token + 1), "another descriptor number");
        assertNull(table.lookup(-1L), "a negative number");
        table.clear();
        assertFalse(table.isInstalled(10_000));
        assertNull(table.lookup(token));
        assertThrows(IllegalArgumentException.class, () -> table.install(-1, "x"));
        table.remove(-5); // out of range: nothing to do
    }
}
