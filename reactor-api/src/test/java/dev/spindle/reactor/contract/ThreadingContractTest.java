package dev.spindle.reactor.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reaching the loop from other threads ({@code execute}, {@code tryExecute}, {@code inLoop},
 * SPEC THR-1..THR-3, THR-7) and the bounded worker pool ({@code callInThread}, THR-4).
 */
@Timeout(30)
public abstract class ThreadingContractTest extends ReactorContractSupport {

    /** For subclasses. */
    protected ThreadingContractTest() {
    }

    // ------------------------------------------------------------------ execute

    @Test
    @DisplayName("THR-1: 4 producer threads × 10 000 tasks all run on the loop thread, FIFO per producer")
    public void executeRunsTasksOnTheLoopInFifoOrderPerProducer() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        int producers = 4;
        int perProducer = 10_000;
        int[] next = new int[producers]; // loop thread only
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        CountDownLatch go = latch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(thread("contract-producer-" + p, () -> {
                try {
                    await(go);
                    for (int i = 0; i < perProducer; i++) {
                        int seq = i;
                        r.execute(() -> {
                            if (!r.inLoop()) {
                                offLoop.incrementAndGet();
                            }
                            if (next[producer] != seq) {
                                outOfOrder.incrementAndGet();
                            }
                            next[producer] = seq + 1;
                            done.incrementAndGet();
                        });
                    }
                } catch (Throwable t) {
                    producerFailure.set(t);
                }
            }));
        }
        go.countDown();
        threads.forEach(ReactorContractSupport::join);
        assertNull(producerFailure.get());
        ReactorHarness.await("all tasks to run (so far " + done.get() + ")", () -> done.get() == producers * perProducer);

        assertEquals(0, outOfOrder.get(), "tasks of one producer ran out of order");
        assertEquals(0, offLoop.get(), "tasks ran off the loop thread");
        assertArrayEquals(new int[] {perProducer, perProducer, perProducer, perProducer}, h.call(next::clone));
    }

    @Test
    @DisplayName("THR-7: inLoop() is true on the loop thread only (not on the test, another or a worker thread, nor before start)")
    public void inLoopIsTrueOnlyOnTheLoopThread() throws Exception {
        ReactorHarness h = harness();
        Reactor r = h.reactor();
        assertFalse(r.inLoop());
        h.start();
        assertFalse(r.inLoop());
        assertTrue(h.call(r::inLoop));
        AtomicReference<Boolean> onOther = new AtomicReference<>();
        join(thread("contract-other", () -> onOther.set(r.inLoop())));
        assertEquals(Boolean.FALSE, onOther.get());
        assertEquals(Boolean.FALSE, ReactorHarness.await(r.callInThread(r::inLoop)));
        r.stop();
        h.awaitState(ReactorState.STOPPED);
        assertFalse(r.inLoop());
    }

    @Test
    @DisplayName("THR-1: execute() from another thread wakes an idle loop (no timers, no I/O) promptly, every time")
    public void executeWakesAnIdleLoop() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        for (int i = 0; i < 50; i++) {
            CompletableFuture<String> ran = new CompletableFuture<>();
            r.execute(() -> ran.complete(Thread.currentThread().getName()));
            assertEquals(r.config().threadName(), ReactorHarness.await(ran), "wake-up " + i);
        }
    }

    @Test
    @DisplayName("THR-2: tasks queued while inactive (INIT, STOPPED) run when the reactor next runs, on the loop")
    public void tasksQueuedWhileInactiveRunOnStart() {
        ReactorHarness h = harness();
        Reactor r = h.reactor();
        AtomicReference<String> ranOn = new AtomicReference<>();
        r.execute(() -> ranOn.set(Thread.currentThread().getName()));
        assertNull(ranOn.get(), "execute() must not run the task on the caller");
        h.start();
        ReactorHarness.await("the early task", () -> ranOn.get() != null);
        assertEquals(r.config().threadName(), ranOn.get());

        r.stop();
        h.awaitState(ReactorState.STOPPED);
        AtomicBoolean later = new AtomicBoolean();
        r.execute(() -> later.set(r.inLoop()));
        assertFalse(later.get());
        h.start();
        ReactorHarness.await("the task queued while STOPPED", later::get);
    }

    @Test
    @DisplayName("CoreReactor.execute/tryExecute: a full task queue makes tryExecute return false and execute throw RejectedExecutionException")
    public void fullTaskQueueRejects() {
        ReactorHarness h = harness(config().taskQueueCapacity(2).build());
        Reactor r = h.reactor();
        AtomicInteger ran = new AtomicInteger();
        AtomicBoolean refused = new AtomicBoolean();
        assertTrue(r.tryExecute(ran::incrementAndGet));
        assertTrue(r.tryExecute(ran::incrementAndGet));
        assertFalse(r.tryExecute(() -> refused.set(true)));
        assertThrows(RejectedExecutionException.class, () -> r.execute(() -> refused.set(true)));

        h.start();
        ReactorHarness.await("the two queued tasks", () -> ran.get() == 2);
        h.call(() -> null); // one more pass: a refused task would have run by now
        assertFalse(refused.get());
    }

    @Test
    @DisplayName("THR-3: a task that re-queues itself forever does not starve timers or other threads' tasks")
    public void selfResubmittingTaskDoesNotStarveOthers() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Chain chain = new Chain(r);
        CompletableFuture<Void> timer = new CompletableFuture<>();
        h.run(() -> {
            r.schedule(Duration.ofMillis(5), () -> timer.complete(null));
            r.execute(chain);
        });
        ReactorHarness.await(timer);
        CompletableFuture<Void> foreign = new CompletableFuture<>();
        r.execute(() -> foreign.complete(null));
        ReactorHarness.await(foreign);
        chain.stop.set(true);
        assertTrue(chain.runs.get() > 1, "the chain should have kept running: " + chain.runs.get());
    }

    @Test
    @DisplayName("Threading: a task that throws a RuntimeException is logged; later tasks run and the reactor stays STARTED")
    public void taskExceptionIsIsolated() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        AtomicBoolean after = new AtomicBoolean();
        r.execute(() -> {
            throw new IllegalStateException("task failure (expected by the test)");
        });
        r.execute(() -> after.set(true));
        ReactorHarness.await("the task after the failing one", after::get);
        assertEquals(ReactorState.STARTED, h.call(r::state));
        assertNull(r.error());
    }

    // ------------------------------------------------------------------ worker pool

    @Test
    @DisplayName("THR-4: callInThread runs off the loop on a worker named <thread>-worker-N; its stage completes on the loop thread")
    public void callInThreadRunsOffTheLoopAndCompletesOnTheLoop() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicBoolean workerInLoop = new AtomicBoolean(true);
        CompletableFuture<String> completion = new CompletableFuture<>();
        Thread loop = h.call(() -> {
            r.callInThread(() -> {
                worker.set(Thread.currentThread());
                workerInLoop.set(r.inLoop());
                return 42;
            }).whenComplete((v, f) -> completion.complete(v + ":" + f + ":" + r.inLoop()));
            return Thread.currentThread();
        });

        assertEquals("42:null:true", ReactorHarness.await(completion));
        assertNotSame(loop, worker.get());
        assertFalse(workerInLoop.get());
        assertTrue(worker.get().getName().startsWith(r.config().threadName() + "-worker-"), worker.get().getName());
    }

    @Test
    @DisplayName("THR-4: an exception thrown by the callInThread task fails its stage with that exception")
    public void callInThreadPropagatesTheException() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        IOException failure = new IOException("blocking work failed (expected by the test)");
        CompletionStage<Object> stage = r.callInThread(() -> {
            throw failure;
        });
        assertSame(failure, ReactorHarness.awaitFailure(stage));
        assertEquals(ReactorState.STARTED, r.state());
    }

    @Test
    @DisplayName("CoreReactor.callInThread: when the worker queue is full the stage fails with RejectedExecutionException; queued work still runs")
    public void callInThreadFailsWhenTheQueueIsFull() {
        ReactorHarness h = started(config().workerThreads(1).workerQueueCapacity(1).build());
        Reactor r = h.reactor();
        CountDownLatch running = latch(1);
        CountDownLatch release = latch(1);
        CompletionStage<Integer> first = r.callInThread(() -> {
            running.countDown();
            release.await(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return 1;
        });
        await(running);
        CompletionStage<Integer> queued = r.callInThread(() -> 2);
        CompletionStage<Integer> refused = r.callInThread(() -> 3);

        assertInstanceOf(RejectedExecutionException.class, ReactorHarness.awaitFailure(refused));
        release.countDown();
        assertEquals(1, ReactorHarness.await(first));
        assertEquals(2, ReactorHarness.await(queued));
    }

    @Test
    @DisplayName("CoreReactor.callInThread: on an inactive reactor (INIT, STOPPED) it throws IllegalStateException")
    public void callInThreadOnAnInactiveReactorThrows() {
        ReactorHarness h = harness();
        Reactor r = h.reactor();
        assertThrows(IllegalStateException.class, () -> r.callInThread(() -> 1));
        h.start();
        r.stop();
        h.awaitState(ReactorState.STOPPED);
        assertThrows(IllegalStateException.class, () -> r.callInThread(() -> 1));
    }

    @Test
    @DisplayName("CoreReactor.callInThread: work still queued when the pool stops on stop() fails with CancellationException; running work completes")
    public void stopCancelsQueuedWorkerTasks() {
        ReactorHarness h = started(config().workerThreads(1).workerQueueCapacity(4).build());
        Reactor r = h.reactor();
        CountDownLatch running = latch(1);
        CountDownLatch release = latch(1);
        CompletionStage<Integer> first = r.callInThread(() -> {
            running.countDown();
            release.await(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return 1;
        });
        await(running);
        AtomicBoolean queuedRan = new AtomicBoolean();
        CompletionStage<Integer> queued = r.callInThread(() -> {
            queuedRan.set(true);
            return 2;
        });

        r.stop();
        h.awaitState(ReactorState.STOPPED);
        assertInstanceOf(CancellationException.class, ReactorHarness.awaitFailure(queued));
        release.countDown();
        assertEquals(1, ReactorHarness.await(first), "running work completes (on the worker once the loop ended)");
        assertFalse(queuedRan.get());
    }

    /** Re-queues itself until stopped. */
    private static final class Chain implements Runnable {
        private final Reactor reactor;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong runs = new AtomicLong();

        Chain(Reactor reactor) {
            this.reactor = reactor;
        }

        @Override
        public void run() {
            runs.incrementAndGet();
            if (!stop.get()) {
                reactor.execute(this);
            }
        }
    }
}
