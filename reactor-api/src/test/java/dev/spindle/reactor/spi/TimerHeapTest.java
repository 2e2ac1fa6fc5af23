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
