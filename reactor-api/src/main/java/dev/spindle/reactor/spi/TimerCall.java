package dev.spindle.reactor.spi;

import dev.spindle.reactor.ScheduledCall;
import java.time.Duration;
import java.util.Objects;

/** The reactor's {@link ScheduledCall}: one object per scheduled call, no other allocation. */
final class TimerCall implements ScheduledCall {
    private static final int PENDING = 0;
    private static final int CALLED = 1;
    private static final int CANCELLED = 2;

    private final AbstractReactor reactor;
    final Runnable task;
    long deadline;
    long seq;
    int heapIndex = -1;
    /** Set by {@link TimerHeap#remove}: still in the heap's array, but no longer in the heap. */
    boolean removed;
    private int state = PENDING;

    TimerCall(AbstractReactor reactor, Runnable task, long deadline, long seq) {
        this.reactor = reactor;
        this.task = task;
        this.deadline = deadline;
        this.seq = seq;
    }

    @Override
    public boolean cancel() {
        reactor.checkLoop("ScheduledCall.cancel");
        if (state != PENDING) {
            return false;
        }
        state = CANCELLED;
        reactor.timerCancelled(this);
        return true;
    }

    @Override
    public void delay(Duration delta) {
        Objects.requireNonNull(delta, "delta must not be null");
        reactor.checkLoop("ScheduledCall.delay");
        checkPending("delay");
        deadline += AbstractReactor.toNanos(delta, "delta");
        reactor.timerMoved(this);
    }

    @Override
    public void reset(Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        reactor.checkLoop("ScheduledCall.reset");
        checkPending("reset");
        long nanos = AbstractReactor.checkDelay(delay);
        deadline = reactor.clock().nanoTime() + nanos;
        reactor.timerMoved(this);
    }

    @Override
    public boolean isActive() {
        return state == PENDING;
    }

    @Override
    public long deadline() {
        return deadline;
    }

    /** Marks the call as running; returns false if it was cancelled meanwhile. */
    boolean markCalled() {
        if (state != PENDING) {
            return false;
        }
        state = CALLED;
        return true;
    }

    void markCancelled() {
        if (state == PENDING) {
            state = CANCELLED;
        }
    }

    private void checkPending(String op) {
        if (state != PENDING) {
            throw new IllegalStateException("cannot " + op + " a scheduled call that is "
                    + (state == CALLED ? "already called" : "cancelled"));
        }
    }

    @Override
    public String toString() {
        String s = state == PENDING ? "pending" : state == CALLED ? "called" : "cancelled";
        return "ScheduledCall[" + s + ", deadline=" + deadline + ", task=" + task + "]";
    }
}
