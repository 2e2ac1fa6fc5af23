package dev.spindle.reactor.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A bounded multi-producer single-consumer queue of tasks on a ring array: no allocation per
 * element. Producers claim a slot with a CAS on the producer index and publish the element with a
 * release store; the single consumer (the reactor thread) reads with acquire semantics and frees
 * the slot before advancing its index.
 */
final class TaskQueue {
    private static final VarHandle PRODUCER;
    private static final VarHandle CONSUMER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER = lookup.findVarHandle(TaskQueue.class, "producerIndex", long.class);
            CONSUMER = lookup.findVarHandle(TaskQueue.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReferenceArray<@Nullable Runnable> slots;
    private final int mask;
    private final int capacity;

    // Padding keeps the two hot indices on separate cache lines.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long producerIndex;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long consumerIndex;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;
    // Cached view of consumerIndex for producers, to avoid reading the consumer's line each time.
    private volatile long consumerLimit;

    TaskQueue(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, found: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.consumerLimit = capacity;
    }

    /** Any thread. Returns false when full. */
    boolean offer(Runnable task) {
        long p;
        do {
            p = (long) PRODUCER.getVolatile(this);
            if (p >= consumerLimit) {
                long limit = (long) CONSUMER.getVolatile(this) + capacity;
                if (p >= limit) {
                    return false;
                }
                consumerLimit = limit;
            }
        } while (!PRODUCER.compareAndSet(this, p, p + 1));
        slots.setRelease((int) p & mask, task);
        return true;
    }

    /** Consumer thread only. */
    @Nullable Runnable poll() {
        long c = consumerIndex;
        int i = (int) c & mask;
        Runnable task = slots.getAcquire(i);
        if (task == null) {
            if (c == (long) PRODUCER.getVolatile(this)) {
                return null;
            }
            // A producer claimed the slot but has not published yet: it is a few instructions away.
            do {
                Thread.onSpinWait();
                task = slots.getAcquire(i);
            } while (task == null);
        }
        slots.setPlain(i, null);
        CONSUMER.setRelease(this, c + 1);
        return task;
    }

    /** Any thread; exact for the consumer, an estimate for others. */
    int size() {
        long c = (long) CONSUMER.getVolatile(this);
        long p = (long) PRODUCER.getVolatile(this);
        return (int) Math.max(0, Math.min(capacity, p - c));
    }

    boolean isEmpty() {
        return (long) CONSUMER.getVolatile(this) == (long) PRODUCER.getVolatile(this);
    }
}
