package dev.spindle.reactor.spi;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A binary min-heap of timers ordered by deadline, then by sequence number, so calls due at the
 * same instant run in the order they were scheduled. Each timer knows its index, so cancel and
 * reschedule are O(log n) with no search. Reactor thread only.
 */
final class TimerHeap {
    private TimerCall[] heap = new TimerCall[64];
    private int size;

    int size() {
        return size;
    }

    @Nullable TimerCall peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerCall t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heapIndex = size;
        heap[size] = t;
        size++;
        siftUp(t.heapIndex);
    }

    TimerCall poll() {
        TimerCall top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(TimerCall t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    /** The timer's key changed; restore heap order. */
    void update(TimerCall t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || heap[i] != t) {
            return;
        }
        if (i > 0 && less(t, heap[(i - 1) >>> 1])) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    TimerCall[] snapshot() {
        TimerCall[] copy = Arrays.copyOf(heap, size);
        Arrays.sort(copy, (a, b) -> less(a, b) ? -1 : (a == b ? 0 : 1));
        return copy;
    }

    /** Removes every timer, marking each cancelled. */
    void clear() {
        for (int i = 0; i < size; i++) {
            TimerCall t = heap[i];
            heap[i] = null;
            t.heapIndex = -1;
            t.markCancelled();
        }
        size = 0;
        if (heap.length > 1024) {
            heap = new TimerCall[64];
        }
    }

    private void removeAt(int i) {
        TimerCall removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerCall last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        if (i > 0 && less(last, heap[(i - 1) >>> 1])) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    private void siftUp(int i) {
        TimerCall t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerCall p = heap[parent];
            if (!less(t, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerCall t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerCall c = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, t)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private static boolean less(TimerCall a, TimerCall b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.seq < b.seq);
    }
}
