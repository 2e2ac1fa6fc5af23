package dev.spindle.reactor.spi;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A 4-ary min-heap of timers ordered by deadline, then by sequence number, so calls due at the
 * same instant run in the order they were scheduled. Reactor thread only.
 *
 * <p>The deadlines are kept in a {@code long[]} beside the timer array, so sifting compares
 * array slots next to each other instead of reaching into each timer object (a timer's own
 * fields are read only to break a tie). Each timer knows its index, so reschedule is
 * O(log n) with no search.
 *
 * <p>Removal is lazy: {@link #remove} marks the timer dead and leaves it in place (O(1)),
 * except when it is the last slot, which is simply dropped. Dead timers at the top are dropped
 * when {@link #peek} or {@link #poll} reach them, and the whole array is compacted and
 * re-heapified in O(n) once dead timers outnumber live ones, so a cancelled timer costs O(1)
 * amortized and the dead never outnumber the live. The arrays keep the size they grew to (as
 * a reactor that once held a million timers is likely to again), until {@link #clear}. {@link #size},
 * {@link #peek}, {@link #poll} and {@link #snapshot} see live timers only.
 */
final class TimerHeap {
    private static final int INITIAL = 64;

    private TimerCall[] calls = new TimerCall[INITIAL];
    private long[] keys = new long[INITIAL];
    /** Slots in use, live and dead. */
    private int size;
    /** Dead timers still in the array. */
    private int dead;

    /** Live timers. */
    int size() {
        return size - dead;
    }

    /** The live timer due first, or null; drops dead timers found at the top. */
    @Nullable TimerCall peek() {
        while (size > 0) {
            TimerCall top = calls[0];
            if (!top.removed) {
                return top;
            }
            dead--;
            removeAt(0);
        }
        return null;
    }

    void add(TimerCall t) {
        int i = size;
        if (i == calls.length) {
            int n = i * 2;
            calls = Arrays.copyOf(calls, n);
            keys = Arrays.copyOf(keys, n);
        }
        t.removed = false;
        size = i + 1;
        siftUp(i, t, t.deadline);
    }

    /** Removes and returns the live timer due first; the heap must have one. */
    TimerCall poll() {
        TimerCall top = peek();
        if (top == null) {
            throw new IllegalStateException("no timer");
        }
        removeAt(0);
        return top;
    }

    /** Removes {@code t} if it is a live timer of this heap; otherwise does nothing. */
    void remove(TimerCall t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || calls[i] != t || t.removed) {
            return;
        }
        if (i == size - 1) {
            removeAt(i);
            return;
        }
        t.removed = true;
        dead++;
        if (dead > size - dead) {
            compact();
        }
    }

    /** The timer's key changed; restore heap order. Does nothing for a timer not live here. */
    void update(TimerCall t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || calls[i] != t || t.removed) {
            return;
        }
        long key = t.deadline;
        keys[i] = key;
        if (i > 0 && less(key, t, keys[(i - 1) >>> 2], calls[(i - 1) >>> 2])) {
            siftUp(i, t, key);
        } else {
            siftDown(i, t, key);
        }
    }

    /** The live timers in the order they would run. */
    TimerCall[] snapshot() {
        TimerCall[] copy = new TimerCall[size - dead];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!calls[i].removed) {
                copy[n++] = calls[i];
            }
        }
        Arrays.sort(copy, (a, b) -> a == b ? 0 : less(a.deadline, a, b.deadline, b) ? -1 : 1);
        return copy;
    }

    /** Removes every timer, marking each live one cancelled. */
    void clear() {
        for (int i = 0; i < size; i++) {
            TimerCall t = calls[i];
            calls[i] = null;
            t.heapIndex = -1;
            t.markCancelled();
        }
        size = 0;
        dead = 0;
        if (calls.length > 1024) {
            calls = new TimerCall[INITIAL];
            keys = new long[INITIAL];
        }
    }

    /** Drops the dead timers, keeping the live ones in array order, and restores heap order. */
    private void compact() {
        TimerCall[] c = calls;
        long[] k = keys;
        int n = 0;
        for (int i = 0; i < size; i++) {
            TimerCall t = c[i];
            if (t.removed) {
                t.heapIndex = -1;
            } else {
                c[n] = t;
                k[n] = k[i];
                t.heapIndex = n;
                n++;
            }
        }
        Arrays.fill(c, n, size, null);
        size = n;
        dead = 0;
        // Floyd's bottom-up heapify; an array already in order (the usual case: timers
        // scheduled with one delay) costs one comparison per parent.
        for (int i = n <= 1 ? -1 : (n - 2) >>> 2; i >= 0; i--) {
            siftDown(i, c[i], k[i]);
        }
    }

    private void removeAt(int i) {
        TimerCall removed = calls[i];
        removed.heapIndex = -1;
        int last = --size;
        if (i == last) {
            calls[last] = null;
            return;
        }
        TimerCall t = calls[last];
        long key = keys[last];
        calls[last] = null;
        if (i > 0 && less(key, t, keys[(i - 1) >>> 2], calls[(i - 1) >>> 2])) {
            siftUp(i, t, key);
        } else {
            siftDown(i, t, key);
        }
    }

    /** Places {@code t} (key {@code key}) at slot {@code i} or above. */
    private void siftUp(int i, TimerCall t, long key) {
        TimerCall[] c = calls;
        long[] k = keys;
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            TimerCall p = c[parent];
            long pk = k[parent];
            if (!less(key, t, pk, p)) {
                break;
            }
            place(c, k, i, p, pk);
            i = parent;
        }
        place(c, k, i, t, key);
    }

    /** Places {@code t} (key {@code key}) at slot {@code i} or below. */
    private void siftDown(int i, TimerCall t, long key) {
        TimerCall[] c = calls;
        long[] k = keys;
        int n = size;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            int end = Math.min(first + 4, n);
            int best = first;
            long bestKey = k[first];
            for (int j = first + 1; j < end; j++) {
                long kj = k[j];
                if (less(kj, c[j], bestKey, c[best])) {
                    best = j;
                    bestKey = kj;
                }
            }
            TimerCall b = c[best];
            if (!less(bestKey, b, key, t)) {
                break;
            }
            place(c, k, i, b, bestKey);
            i = best;
        }
        place(c, k, i, t, key);
    }

    private static void place(TimerCall[] c, long[] k, int i, TimerCall t, long key) {
        c[i] = t;
        k[i] = key;
        t.heapIndex = i;
    }

    /** Whether timer {@code a} (deadline {@code ak}) runs before {@code b}; wrap-around safe. */
    private static boolean less(long ak, TimerCall a, long bk, TimerCall b) {
        long d = ak - bk;
        return d < 0 || (d == 0 && a.seq < b.seq);
    }
}
