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
import org.jspecify.annotations.Nullable;
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

    // ------------------------------------------------------------------ executeBlocking

    /** A started reactor whose loop is held in a task, its 4-slot task ring full behind it. */
    private final class Held {
        final ReactorHarness harness = started(config().taskQueueCapacity(4).build());
        final Reactor reactor = harness.reactor();
        /** Opening it lets the loop go on. */
        final CountDownLatch hold = latch(1);
        /** How many of the 4 queued tasks ran. */
        final AtomicInteger ran = new AtomicInteger();

        Held() {
            CountDownLatch holding = latch(1);
            reactor.execute(() -> {
                holding.countDown();
                await(hold);
            });
            await(holding);
            while (reactor.tryExecute(ran::incrementAndGet)) {
                // fill the ring
            }
        }

        /** Releases the loop and waits until the four queued tasks and one more pass have run. */
        void releaseAndDrain() {
            hold.countDown();
            ReactorHarness.await("the four queued tasks", () -> ran.get() == 4);
            harness.call(() -> null);
        }
    }

    /** What a producer thread does; it may throw. */
    private interface ProducerBody {
        void run() throws Exception;
    }

    /** Starts {@code body} on a new thread; {@code outcome} completes with null, or with what it threw. */
    private static Thread producer(String name, ProducerBody body, CompletableFuture<@Nullable Throwable> outcome) {
        Thread t = new Thread(() -> {
            try {
                body.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, name);
        t.start();
        return t;
    }

    private static void awaitParked(Thread t) {
        ReactorHarness.await("the producer to wait", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
    }

    @Test
    @DisplayName("CoreReactor.executeBlocking: a producer facing a full queue waits, is woken when the loop makes room, and its task runs after the earlier ones")
    public void executeBlockingWaitsForRoom() throws Exception {
        Held held = new Held();
        Reactor r = held.reactor;
        int queued = 4;
        AtomicInteger ranBefore = new AtomicInteger(-1);
        CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
        Thread producer = producer("blocked-producer", () -> r.executeBlocking(() -> ranBefore.set(held.ran.get())), outcome);
        awaitParked(producer);
        assertFalse(outcome.isDone(), "executeBlocking returned while the queue was full");
        held.hold.countDown();
        assertNull(outcome.get(20, TimeUnit.SECONDS));
        ReactorHarness.await("the blocked producer's task", () -> ranBefore.get() >= 0);
        assertEquals(queued, ranBefore.get(), "the waiting task ran after the tasks queued before it");
    }

    @Test
    @DisplayName("CoreReactor.tryExecute(task, timeout): false after the timeout while the queue stays full, and the task never runs")
    public void timedTryExecuteGivesUp() throws Exception {
        Held held = new Held();
        Reactor r = held.reactor;
        AtomicBoolean refusedRan = new AtomicBoolean();
        AtomicBoolean queuedIt = new AtomicBoolean(true);
        CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
        producer("timed-producer", () -> queuedIt.set(r.tryExecute(() -> refusedRan.set(true), Duration.ofMillis(200))), outcome);
        assertNull(outcome.get(20, TimeUnit.SECONDS));
        assertFalse(queuedIt.get(), "tryExecute with a timeout returned true on a full queue");
        held.releaseAndDrain();
        assertFalse(refusedRan.get(), "a task refused after the timeout ran");
    }

    @Test
    @DisplayName("CoreReactor.executeBlocking: an interrupt ends the wait with InterruptedException and the task is not queued")
    public void executeBlockingIsInterruptible() throws Exception {
        Held held = new Held();
        Reactor r = held.reactor;
        AtomicBoolean interruptedRan = new AtomicBoolean();
        CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
        Thread producer = producer("interrupted-producer", () -> r.executeBlocking(() -> interruptedRan.set(true)), outcome);
        awaitParked(producer);
        producer.interrupt();
        assertInstanceOf(InterruptedException.class, outcome.get(20, TimeUnit.SECONDS));
        held.releaseAndDrain();
        assertFalse(interruptedRan.get(), "the interrupted producer's task ran");
    }

    @Test
    @DisplayName("CoreReactor.executeBlocking: on the loop thread a full queue is refused at once (waiting there would deadlock)")
    public void executeBlockingOnTheLoopDoesNotWait() {
        ReactorHarness h = started(config().taskQueueCapacity(4).build());
        Reactor r = h.reactor();
        Throwable thrown = h.call(() -> {
            while (r.tryExecute(() -> { })) {
                // fill the ring from the loop itself
            }
            try {
                r.executeBlocking(() -> { });
                return null;
            } catch (RejectedExecutionException e) {
                return e;
            }
        });
        assertInstanceOf(RejectedExecutionException.class, thrown);
    }

    @Test
    @DisplayName("CoreReactor.executeBlocking: a full queue on a reactor that is not running is refused, and a producer waiting when the reactor stops is released with RejectedExecutionException")
    public void executeBlockingRefusedWhenNothingDrains() throws Exception {
        ReactorHarness idle = harness(config().taskQueueCapacity(2).build());
        Reactor notStarted = idle.reactor();
        assertTrue(notStarted.tryExecute(() -> { }));
        assertTrue(notStarted.tryExecute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> notStarted.executeBlocking(() -> { }));

        Held held = new Held();
        Reactor r = held.reactor;
        CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
        Thread producer = producer("producer-at-terminate", () -> r.executeBlocking(() -> { }), outcome);
        awaitParked(producer);
        Thread terminator = new Thread(r::terminate, "terminator");
        terminator.start();
        held.hold.countDown();
        terminator.join(20_000);
        Throwable t = outcome.get(20, TimeUnit.SECONDS);
        // Either the loop made room before it ended (queued, never run) or the producer saw STOPPED.
        if (t != null) {
            assertInstanceOf(RejectedExecutionException.class, t);
        }
        assertEquals(ReactorState.STOPPED, r.state());
    }

    @Test
    @DisplayName("CoreReactor.executeBlocking: 4 producers × 50 000 tasks through a 64-slot ring: every task runs once, FIFO per producer, none refused")
    public void executeBlockingUnderContention() throws Exception {
        ReactorHarness h = started(config().taskQueueCapacity(64).build());
        Reactor r = h.reactor();
        int producers = 4;
        int perProducer = 50_000;
        int[] next = new int[producers]; // loop thread only
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<@Nullable Throwable>> outcomes = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            producer("producer-" + p, () -> {
                for (int i = 0; i < perProducer; i++) {
                    int seq = i;
                    r.executeBlocking(() -> {
                        if (next[id] != seq) {
                            outOfOrder.incrementAndGet();
                        }
                        next[id] = seq + 1;
                        done.incrementAndGet();
                    });
                }
            }, outcome);
        }
        for (CompletableFuture<@Nullable Throwable> outcome : outcomes) {
            assertNull(outcome.get(60, TimeUnit.SECONDS));
        }
        ReactorHarness.await("every task", () -> done.get() == producers * perProducer);
        assertEquals(0, outOfOrder.get());
        assertArrayEquals(new int[] {perProducer, perProducer, perProducer, perProducer}, h.call(next::clone));
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
