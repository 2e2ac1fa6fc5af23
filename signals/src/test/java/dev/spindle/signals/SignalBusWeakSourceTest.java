package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIG-6 fixed: the bus holds sources weakly. */
class SignalBusWeakSourceTest extends BusOnDeterministicReactor {
    static final long GC_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** A source that only the returned weak reference points to, with one listener that does not capture it. */
    WeakReference<Object> listenedSourceNobodyHolds(List<Subscription> keep) {
        Object source = new byte[1024];
        keep.add(bus.listen(source, TEXT, (src, e) -> log.add(e)));
        keep.add(bus.listen(source, NUMBER, (src, n) -> { }));
        return new WeakReference<>(source);
    }

    /**
     * Runs the collector until {@code ref} is cleared, or gives up after {@value #GC_DEADLINE_NANOS} ns
     * (collection is requested, never forced, so the loop is bounded rather than counted).
     */
    static boolean collected(WeakReference<?> ref) throws InterruptedException {
        long start = System.nanoTime();
        while (ref.get() != null) {
            if (System.nanoTime() - start > GC_DEADLINE_NANOS) {
                return false;
            }
            System.gc();
            byte[][] pressure = new byte[64][];
            for (int i = 0; i < pressure.length; i++) {
                pressure[i] = new byte[16 * 1024];
            }
            Reference.reachabilityFence(pressure);
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    @DisplayName("SIG-6: a source nobody else holds is garbage-collected and its subscriptions disappear")
    void unheldSourceIsCollected() throws Exception {
        Object kept = new Object();
        Subscription keptSub = bus.listen(kept, TEXT, (src, e) -> log.add("kept:" + e));
        Subscription all = bus.listenAll(TEXT, (src, e) -> { });
        List<Subscription> subs = new ArrayList<>();
        WeakReference<Object> ref = listenedSourceNobodyHolds(subs);
        assertEquals(4, bus.subscriptionCount());

        assertTrue(collected(ref), "the bus (or a subscription the test holds) kept the source alive");

        assertEquals(2, bus.subscriptionCount(), "the collected source's two subscriptions are gone");
        for (Subscription s : subs) {
            assertFalse(s.isActive(), s.toString());
            s.close();
        }
        assertTrue(keptSub.isActive());
        assertTrue(all.isActive());
        bus.fire(kept, TEXT, "x");
        assertEquals(List.of("kept:x"), log);
        Reference.reachabilityFence(kept);
    }

    @Test
    @DisplayName("SIG-6: a listener that captures its source keeps it alive until the subscription is closed (documented)")
    void capturingListenerKeepsSourceAlive() throws Exception {
        Subscription[] sub = new Subscription[1];
        WeakReference<Object> ref = captureSource(sub);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertNotNull(ref.get(), "the bus holds the listener, and the listener holds the source");
        assertEquals(1, bus.subscriptionCount());
        sub[0].close();
        assertTrue(collected(ref), "once closed the bus lets go of the listener and so of the source");
        assertEquals(0, bus.subscriptionCount());
    }

    WeakReference<Object> captureSource(Subscription[] sub) {
        List<String> source = new ArrayList<>();
        sub[0] = bus.listen(source, TEXT, (src, e) -> source.add(e));
        return new WeakReference<>(source);
    }

    @Test
    @DisplayName("SIG-6: an event queued for the loop holds its source until it is delivered")
    void queuedEventKeepsSource() throws Exception {
        List<Object> delivered = new ArrayList<>();
        WeakReference<Object> ref = fireFromOtherThread(delivered);
        reactor.runUntilIdle();
        assertEquals(1, delivered.size(), "the listener got its event although nobody else held the source");
        delivered.clear();
        assertTrue(collected(ref));
        assertEquals(0, bus.subscriptionCount());
    }

    WeakReference<Object> fireFromOtherThread(List<Object> delivered) throws Exception {
        Object source = new Object();
        bus.listen(source, TEXT, (src, e) -> delivered.add(src));
        SignalBusThreadingTest.onOtherThread(() -> bus.fire(source, TEXT, "queued"));
        return new WeakReference<>(source);
    }
}
