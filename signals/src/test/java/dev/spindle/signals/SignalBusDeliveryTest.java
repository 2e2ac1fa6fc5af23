package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Listen, fire and close on the loop thread of a deterministic reactor (the test thread). */
class SignalBusDeliveryTest extends BusOnDeterministicReactor {
    @Test
    @DisplayName("SIG-2: listeners run synchronously on the loop thread, in registration order, per-source and all-source merged")
    void listenersRunInRegistrationOrder() {
        Thread loop = Thread.currentThread();
        List<Object> sources = new ArrayList<>();
        bus.listen(source, TEXT, recording("a"));
        bus.listenAll(TEXT, (src, event) -> {
            sources.add(src);
            assertSame(loop, Thread.currentThread());
            log.add("all:" + event);
        });
        bus.listen(source, TEXT, (src, event) -> {
            sources.add(src);
            log.add("c:" + event);
        });
        bus.fire(source, TEXT, "hello");
        assertEquals(List.of("a:hello", "all:hello", "c:hello"), log, "delivered before fire returned, in order");
        assertEquals(List.of(source, source), sources);
    }

    @Test
    @DisplayName("SIG-2: firing a signal with no listeners does nothing")
    void noListenersNothingHappens() {
        bus.listen(source, NUMBER, (src, n) -> log.add("number"));
        bus.fire(source, TEXT, "nobody listens");
        bus.fire(new Object(), NUMBER, 1);
        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("SIG-6: sources are told apart by identity, not equals; all-source listeners hear every source")
    void sourcesByIdentity() {
        String first = new String("same");
        String second = new String("same");
        bus.listen(first, TEXT, recording("first"));
        bus.listenAll(TEXT, (src, event) -> log.add("all-from-" + (src == first ? "first" : "second")));
        bus.fire(second, TEXT, "x");
        bus.fire(first, TEXT, "y");
        assertEquals(List.of("all-from-second", "first:y", "all-from-first"), log);
    }

    @Test
    @DisplayName("SIG-1: the same listener registered twice is called twice; closing one registration leaves the other")
    void sameListenerTwice() {
        SignalListener<String> l = recording("l");
        Subscription one = bus.listen(source, TEXT, l);
        Subscription two = bus.listen(source, TEXT, l);
        bus.fire(source, TEXT, "1");
        one.close();
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("l:1", "l:1", "l:2"), log);
        assertFalse(one.isActive());
        assertTrue(two.isActive());
        assertEquals(1, bus.subscriptionCount());
    }

    @Test
    @DisplayName("SIG-3: closing a subscription twice, or after the bus closed, does nothing and never throws")
    void closeIsIdempotent() {
        Subscription s = bus.listen(source, TEXT, recording("s"));
        Subscription all = bus.listenAll(TEXT, recording("all"));
        assertTrue(s.isActive());
        s.close();
        s.close();
        assertFalse(s.isActive());
        bus.fire(source, TEXT, "x");
        assertEquals(List.of("all:x"), log);
        bus.close();
        assertFalse(all.isActive(), "closing the bus ends every subscription");
        all.close();
        assertEquals(0, bus.subscriptionCount());
    }

    @Test
    @DisplayName("SIG-5: a listener that closes its own subscription during dispatch does not make the next one be skipped")
    void closingSelfSkipsNobody() {
        AtomicReference<Subscription> self = new AtomicReference<>();
        bus.listen(source, TEXT, recording("a"));
        self.set(bus.listen(source, TEXT, (src, e) -> {
            log.add("once:" + e);
            self.get().close();
        }));
        bus.listen(source, TEXT, recording("c"));
        bus.listenAll(TEXT, recording("d"));
        bus.fire(source, TEXT, "1");
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("a:1", "once:1", "c:1", "d:1", "a:2", "c:2", "d:2"), log);
    }

    @Test
    @DisplayName("SIG-5: a listener that closes an earlier listener's subscription during dispatch skips nobody")
    void closingEarlierSkipsNobody() {
        Subscription first = bus.listen(source, TEXT, recording("a"));
        bus.listen(source, TEXT, (src, e) -> {
            log.add("closer:" + e);
            first.close();
        });
        bus.listen(source, TEXT, recording("c"));
        bus.listen(source, TEXT, recording("d"));
        bus.fire(source, TEXT, "1");
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("a:1", "closer:1", "c:1", "d:1", "closer:2", "c:2", "d:2"), log);
    }

    @Test
    @DisplayName("SIG-5: a listener closed during dispatch by an earlier one is not called for the event in flight")
    void closingLaterStopsIt() {
        AtomicReference<Subscription> later = new AtomicReference<>();
        bus.listen(source, TEXT, (src, e) -> {
            log.add("closer:" + e);
            later.get().close();
        });
        bus.listen(source, TEXT, recording("b"));
        later.set(bus.listenAll(TEXT, recording("closed")));
        bus.listen(source, TEXT, recording("d"));
        bus.fire(source, TEXT, "1");
        assertEquals(List.of("closer:1", "b:1", "d:1"), log);
    }

    @Test
    @DisplayName("SIG-5: a listener added during dispatch does not get the event in flight, and gets the next one")
    void addedDuringDispatchWaitsForNext() {
        bus.listen(source, TEXT, (src, e) -> {
            log.add("adder:" + e);
            if (e.equals("1")) {
                bus.listen(source, TEXT, recording("new"));
                bus.listenAll(TEXT, recording("newAll"));
            }
        });
        bus.listen(source, TEXT, recording("b"));
        bus.fire(source, TEXT, "1");
        assertEquals(List.of("adder:1", "b:1"), log);
        log.clear();
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("adder:2", "b:2", "new:2", "newAll:2"), log);
    }

    @Test
    @DisplayName("Re-entrancy: a fire from inside a listener is delivered after the current event reached every listener")
    void nestedFireIsBreadthFirst() {
        bus.listen(source, TEXT, (src, e) -> {
            log.add("a1:" + e);
            bus.fire(source, NUMBER, 42);
            log.add("a1-after-fire");
        });
        bus.listen(source, TEXT, recording("a2"));
        bus.listen(source, NUMBER, (src, n) -> log.add("n:" + n));
        bus.fire(source, TEXT, "x");
        assertEquals(List.of("a1:x", "a1-after-fire", "a2:x", "n:42"), log,
                "the nested event waits for the current one; the outer fire returns after both");
    }

    @Test
    @DisplayName("Re-entrancy: listeners firing their own signal again are handled as a queue, not a recursion")
    void nestedFireOfSameSignal() {
        bus.listen(source, NUMBER, (src, n) -> {
            log.add("first:" + n);
            if (n < 3) {
                bus.fire(source, NUMBER, n + 1);
            }
        });
        bus.listen(source, NUMBER, (src, n) -> log.add("second:" + n));
        bus.fire(source, NUMBER, 1);
        assertEquals(List.of("first:1", "second:1", "first:2", "second:2", "first:3", "second:3"), log);
    }

    @Test
    @DisplayName("Types: an event that is not an instance of the signal's event type is rejected with IllegalArgumentException")
    @SuppressWarnings("unchecked")
    void wrongEventTypeRejected() {
        bus.listenAll(TEXT, recording("never"));
        Signal<Object> erased = (Signal<Object>) (Signal<?>) TEXT;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.fire(source, erased, 42));
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("found: java.lang.Integer"),
                e.getMessage());
        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("Types: a signal name already used on the bus with another event type is rejected")
    void nameWithOtherTypeRejected() {
        bus.listenAll(TEXT, recording("text"));
        Signal<Integer> clash = Signal.of(TEXT.name(), Integer.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.listen(source, clash, (s, n) -> { }));
        assertTrue(e.getMessage().contains("found: java.lang.Integer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.fire(source, clash, 1));
        assertEquals(List.of(), log);
    }

    @Test
    @DisplayName("Types: an equal signal declared elsewhere (same name and type) reaches the same listeners")
    void equalSignalsMeet() {
        bus.listen(source, TEXT, recording("a"));
        bus.fire(source, Signal.of("test.text", String.class), "x");
        assertEquals(List.of("a:x"), log);
    }

    @Test
    @DisplayName("Null source, signal, event or listener are rejected with a message")
    void nullsRejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> bus.fire(null, TEXT, "x"));
        assertEquals("source must not be null", e.getMessage());
        assertThrows(NullPointerException.class, () -> bus.fire(source, TEXT, null));
        assertThrows(NullPointerException.class, () -> bus.fire(source, null, "x"));
        assertThrows(NullPointerException.class, () -> bus.listen(source, TEXT, null));
        assertThrows(NullPointerException.class, () -> bus.listen(null, TEXT, recording("x")));
    }

    @Test
    @DisplayName("A closed bus refuses listen, ignores fire, and a listener closing the bus stops the dispatch")
    void closedBus() {
        bus.listen(source, TEXT, (src, e) -> {
            log.add("closer:" + e);
            bus.close();
        });
        bus.listen(source, TEXT, recording("after"));
        bus.fire(source, TEXT, "1");
        assertEquals(List.of("closer:1"), log);
        bus.fire(source, TEXT, "2");
        assertEquals(List.of("closer:1"), log);
        assertThrows(IllegalStateException.class, () -> bus.listenAll(TEXT, recording("x")));
        bus.close();
    }

    @Test
    @DisplayName("subscriptionCount counts active per-source and all-source subscriptions")
    void subscriptionCount() {
        assertEquals(0, bus.subscriptionCount());
        Subscription a = bus.listen(source, TEXT, recording("a"));
        Subscription b = bus.listenAll(NUMBER, (s, n) -> { });
        Subscription c = bus.listen(source, NUMBER, (s, n) -> { });
        assertEquals(3, bus.subscriptionCount());
        a.close();
        b.close();
        assertEquals(1, bus.subscriptionCount());
        c.close();
        assertEquals(0, bus.subscriptionCount());
    }
}
