package dev.spindle.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded MPSC task queue behind {@code execute} (SPEC THR-1). */
class TaskQueueTest {
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 100_000;

    /** A task that says who queued it and in which order. */
    private static final class Numbered implements Runnable {
        final int producer;
        final int index;

        Numbered(int producer, int index) {
            this.producer = producer;
            this.index = index;
        }

        @Override
        public void run() {
        }
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskQueue(12));

        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    @DisplayName("FIFO, bounded, and reusable across many wrap-arounds of the ring")
    void fifoBoundedAndWrapping() {
        TaskQueue q = new TaskQueue(4);
        assertTrue(q.isEmpty());
        assertNull(q.poll());

        int next = 0;
        int expected = 0;
        for (int round = 0; round < 1000; round++) {
            while (q.offer(new Numbered(0, next))) {
                next++;
            }
            assertEquals(4, q.size(), "full at capacity");
            assertFalse(q.isEmpty());
            int take = 1 + round % 4;
            for (int i = 0; i < take; i++) {
                Runnable r = q.poll();
                assertEquals(expected++, ((Numbered) r).index);
            }
            assertEquals(4 - take, q.size());
        }
        Runnable r;
        while ((r = q.poll()) != null) {
            assertEquals(expected++, ((Numbered) r).index);
        }
        assertEquals(next, expected, "nothing lost");
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
    }

    @Test
    void pollReturnsTheSameObject() {
        TaskQueue q = new TaskQueue(2);
        Runnable task = () -> { };

        assertTrue(q.offer(task));

        assertSame(task, q.poll());
    }

    @Test
    @Timeout(30)
    @DisplayName("4 producers x 100k offers, one consumer: per-producer FIFO, nothing lost or duplicated")
    void multiProducerStress() throws InterruptedException {
        TaskQueue q = new TaskQueue(1024);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < PER_PRODUCER; i++) {
                    Numbered task = new Numbered(producer, i);
                    while (!q.offer(task)) {
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p);
            t.setDaemon(true);
            t.start();
            producers.add(t);
        }

        go.countDown();
        int[] next = new int[PRODUCERS];
        int received = 0;
        while (received < PRODUCERS * PER_PRODUCER) {
            Runnable r = q.poll();
            if (r == null) {
                Thread.onSpinWait();
                continue;
            }
            Numbered n = (Numbered) r;
            if (n.index != next[n.producer]) {
                fail("producer " + n.producer + ": expected task " + next[n.producer] + ", found " + n.index);
            }
            next[n.producer]++;
            received++;
        }
        for (Thread t : producers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }

        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(PER_PRODUCER, next[p]);
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
    }
}
