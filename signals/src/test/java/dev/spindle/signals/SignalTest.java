package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignalTest {
    @Test
    void signalsWithTheSameNameAndTypeAreEqual() {
        Signal<String> a = Signal.of("app.greeting", String.class);
        Signal<String> b = Signal.of("app.greeting", String.class);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("app.greeting", a.name());
        assertEquals(String.class, a.eventType());
    }

    @Test
    void signalsDifferingInNameOrTypeAreNotEqual() {
        assertNotEquals(Signal.of("app.a", String.class), Signal.of("app.b", String.class));
        assertNotEquals(Signal.of("app.a", String.class), Signal.of("app.a", Integer.class));
    }

    @Test
    void toStringShowsNameAndType() {
        assertEquals("Signal[app.count: java.lang.Integer]", Signal.of("app.count", Integer.class).toString());
    }

    @Test
    void badNamesAreRejectedWithTheValueFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.of("has space", String.class));
        assertTrue(e.getMessage().contains("\"has space\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signal.of("", String.class));
        assertThrows(IllegalArgumentException.class, () -> Signal.of("a(b)*", String.class));
        assertThrows(NullPointerException.class, () -> Signal.of("app.x", null));
    }

    @Test
    void primitiveEventTypesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.of("app.n", int.class));
        assertTrue(e.getMessage().contains("found: int"), e.getMessage());
    }
}
