package dev.spindle.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.spindle.reactor.testing.DeterministicReactor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The timer heap against a reference ordering (deadline, then sequence): SPEC TIME-4 decision. */
class TimerHeapTest {
    private static final Runnable NOOP = () -> { };
    /** Same order as the heap: wrap-around-safe deadline difference, then sequence. */
    private static final Comparator<TimerCall> ORDER = (a, b) -> {
        long d = a.deadline - b.deadline;
        return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(a.seq, b.seq);
    };

    private final AbstractReactor reactor = DeterministicReactor.create();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void randomOperationsMatchReference(long seed) {
        Random rnd = new Random(seed);
        // Half of the runs place deadlines across the long overflow boundary, as nanoTime may.
        long base = seed % 2 == 0 ? Long.MAX_VALUE - 500 : 0;
        TimerHeap heap = new TimerHeap();
        TreeSet<TimerCall> ref = new TreeSet<>(ORDER);
        List<TimerCall> live = new ArrayList<>();
        List<TimerCall> dead = new ArrayList<>();
        long seq = 0;

        for (int op = 0; op < 20_000; op++) {
            int kind = rnd.nextInt(10);
            if (kind < 4 || live.isEmpty()) {
                // Few distinct deadlines, so that ties are frequent.
                TimerCall t = new TimerCall(reactor, NOOP, base + rnd.nextInt(1000), seq++);
                heap.add(t);
                ref.add(t);
                live.add(t);
            } else if (kind < 6) {
                TimerCall t = live.remove(rnd.nextInt(live.size()));
                heap.remove(t);
                ref.remove(t);
                dead.add(t);
            } else if (kind < 8) {
                TimerCall t = live.get(rnd.nextInt(live.size()));
                ref.remove(t);
                t.deadline = base + rnd.nextInt(1000);
                t.seq = seq++;
                heap.update(t);
                ref.add(t);
            } else if (kind < 9) {
                TimerCall expected = ref.pollFirst();
                assertSame(expected, heap.poll(), "op " + op);
                live.remove(expected);
                dead.add(expected);
            } else if (!dead.isEmpty()) {
                // Removing or updating a timer that is no longer in the heap changes nothing.
                TimerCall gone = dead.get(rnd.nextInt(dead.size()));
                heap.remove(gone);
                heap.update(gone);
            }
            assertEquals(ref.size(), heap.size(), "op " + op);
            assertSame(ref.isEmpty() ? null : ref.first(), heap.peek(), "op " + op);
            if (op % 1000 == 0) {
                assertEquals(new ArrayList<>(ref), Arrays.asList(heap.snapshot()), "op " + op);
            }
        }

        List<TimerCall> drained = new ArrayList<>();
        while (heap.peek() != null) {
            drained.add(heap.poll());
        }
        assertEquals(new ArrayList<>(ref), drained);
    }

    /**
     * Removal-heavy mixes, so that dead timers pile up, surface at the top and force compaction
     * (dead outnumbering live); the heap must match the reference after every operation.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 99, 123456})
    void removalHeavyOperationsMatchReference(long seed) {
        Random rnd = new Random(seed);
        TimerHeap heap = new TimerHeap();
        TreeSet<TimerCall> ref = new TreeSet<>(ORDER);
        List<TimerCall> live = new ArrayList<>();
        long seq = 0;
        for (int round = 0; round < 40; round++) {
            int grow = 1 + rnd.nextInt(3000);
            for (int i = 0; i < grow; i++) {
                TimerCall t = new TimerCall(reactor, NOOP, rnd.nextInt(500), seq++);
                heap.add(t);
                ref.add(t);
                live.add(t);
            }
            // Remove most of them: oldest first, newest first or at random, with polls and
            // reschedules in between.
            int order = rnd.nextInt(3);
            int shrink = rnd.nextInt(live.size() + 1);
            for (int i = 0; i < shrink && !live.isEmpty(); i++) {
                int kind = rnd.nextInt(20);
                if (kind == 0) {
                    TimerCall expected = ref.pollFirst();
                    assertSame(expected, heap.poll());
                    live.remove(expected);
                } else if (kind == 1) {
                    TimerCall t = live.get(rnd.nextInt(live.size()));
                    ref.remove(t);
                    t.deadline = rnd.nextInt(500);
                    t.seq = seq++;
                    heap.update(t);
                    ref.add(t);
                } else {
                    int at = order == 0 ? 0 : order == 1 ? live.size() - 1 : rnd.nextInt(live.size());
                    TimerCall t = live.remove(at);
                    heap.remove(t);
                    heap.remove(t); // a second removal changes nothing
                    heap.update(t); // nor does an update of a removed timer
                    ref.remove(t);
                }
                assertEquals(ref.size(), heap.size(), "round " + round);
                if (rnd.nextInt(8) == 0) {
                    assertSame(ref.isEmpty() ? null : ref.first(), heap.peek(), "round " + round);
                }
            }
            assertEquals(new ArrayList<>(ref), Arrays.asList(heap.snapshot()), "round " + round);
        }
        List<TimerCall> drained = new ArrayList<>();
        while (heap.peek() != null) {
            drained.add(heap.poll());
        }
        assertEquals(new ArrayList<>(ref), drained);
        assertEquals(0, heap.size());
    }

    /** Removing every timer oldest first, the benchmark's pattern, leaves an empty heap. */
    @ParameterizedTest(name = "{0} timers")
    @ValueSource(ints = {1, 2, 3, 100, 100_000})
    void removingAllOldestFirstEmptiesTheHeap(int n) {
        TimerHeap heap = new TimerHeap();
        List<TimerCall> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TimerCall t = new TimerCall(reactor, NOOP, i, i);
            heap.add(t);
            all.add(t);
        }
        for (int i = 0; i < n; i++) {
            if (i % 1000 == 0) {
                // Rarely, so that dead timers pile up and compaction runs between the peeks.
                assertSame(all.get(i), heap.peek(), "timer " + i);
            }
            heap.remove(all.get(i));
            assertEquals(n - i - 1, heap.size());
        }
        assertNull(heap.peek());
        assertEquals(0, heap.snapshot().length);
        TimerCall after = new TimerCall(reactor, NOOP, 1, n);
        heap.add(after);
        assertSame(after, heap.poll());
        assertNull(heap.peek());
    }

    @ParameterizedTest(name = "{0} timers")
    @ValueSource(ints = {0, 1, 5000})
    void clearCancelsEveryTimer(int n) {
        TimerHeap heap = new TimerHeap();
        List<TimerCall> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TimerCall t = new TimerCall(reactor, NOOP, i % 7, i);
            heap.add(t);
            all.add(t);
        }

        heap.clear();

        assertEquals(0, heap.size());
        assertNull(heap.peek());
        for (TimerCall t : all) {
            assertFalse(t.isActive());
        }
        TimerCall after = new TimerCall(reactor, NOOP, 3, n);
        heap.add(after);
        assertSame(after, heap.peek());
    }
}
