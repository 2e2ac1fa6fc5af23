package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code execute}, {@code tryExecute} and {@code callInThread} (SPEC §5.3) on the shared skeleton. */
class DeterministicReactorTasksTest {
    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    @Test
    @DisplayName("tasks run on the loop thread in FIFO order (SPEC THR-1)")
    void tasksRunInFifoOrder() {
        reactor.start();
        for (int i = 0; i < 5; i++) {
            int n = i;
            reactor.execute(() -> ran.add("t" + n));
        }

        reactor.runPending();

        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), ran);
    }

    @Test
    @DisplayName("tasks queued before start() run only once the loop runs (SPEC THR-2)")
    void tasksQueuedBeforeStartRunAfterStart() {
        reactor.execute(() -> ran.add("queued in INIT"));
        reactor.runPending();
        assertEquals(List.of(), ran);

        reactor.start();
        assertEquals(List.of(), ran, "start() runs startup only; tasks run in the first pass");

        reactor.runPending();
        assertEquals(List.of("queued in INIT"), ran);
    }

    @Test
    @DisplayName("tasks queued by tasks run in the next pass (SPEC THR-3)")
    void tasksQueuedByTasksRunInNextPass() {
        reactor.start();
        reactor.execute(() -> {
            ran.add("first");
            reactor.execute(() -> ran.add("queued by first"));
        });
        reactor.execute(() -> ran.add("second"));

        reactor.runPending();
        assertEquals(List.of("first", "second"), ran);

        reactor.runPending();
        assertEquals(List.of("first", "second", "queued by first"), ran);
    }

    @Test
    @DisplayName("a task that throws is logged; the following tasks still run (SPEC THR-3)")
    void taskExceptionIsIsolated() {
        reactor.start();
        reactor.execute(() -> {
            throw new IllegalStateException("task failure");
        });
        reactor.execute(() -> ran.add("after the failing task"));

        reactor.runPending();

        assertEquals(List.of("after the failing task"), ran);
        assertEquals(ReactorState.STARTED, reactor.state());
    }

    @Test
    @DisplayName("a full task queue: execute throws RejectedExecutionException naming the capacity, tryExecute returns false")
    void fullQueueRejects() {
        DeterministicReactor small = DeterministicReactor.create(ReactorConfig.builder().taskQueueCapacity(2).build());
        small.start();
        small.execute(() -> ran.add("a"));
        assertTrue(small.tryExecute(() -> ran.add("b")));

        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> small.execute(() -> ran.add("c")));
        assertTrue(e.getMessage().contains("capacity 2"), e.getMessage());
        assertFalse(small.tryExecute(() -> ran.add("d")));

        small.runPending();
        assertEquals(List.of("a", "b"), ran);
        assertTrue(small.tryExecute(() -> ran.add("e")), "room again after the pass");
        small.terminate();
    }

    @Test
    @Timeout(10)
    @DisplayName("another thread reaches the loop through execute (SPEC THR-1, THR-7)")
    void executeFromAnotherThreadRunsOnTheLoopThread() throws InterruptedException {
        reactor.start();
        Thread loop = Thread.currentThread();
        AtomicReference<Boolean> inLoopThere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            inLoopThere.set(reactor.inLoop());
            reactor.execute(() -> ran.add(Thread.currentThread() == loop ? "on the loop thread" : "elsewhere"));
        });
        other.start();
        other.join();

        reactor.runPending();

        assertEquals(false, inLoopThere.get());
        assertTrue(reactor.inLoop());
        assertEquals(List.of("on the loop thread"), ran);
    }

    @Test
    @DisplayName("terminate() keeps tasks that have not run for the next start")
    void terminateKeepsQueuedTasks() {
        reactor.start();
        reactor.execute(() -> ran.add("kept"));

        reactor.terminate();
        assertEquals(List.of(), ran);

        reactor.start();
        reactor.runPending();
        assertEquals(List.of("kept"), ran);
    }

    // ------------------------------------------------------------------ callInThread

    @Test
    @DisplayName("callInThread runs its work on the loop thread in the next pass and completes the stage there")
    void callInThreadRunsInNextPass() throws Exception {
        reactor.start();
        Thread loop = Thread.currentThread();
        CompletableFuture<String> stage = reactor.callInThread(() -> {
            ran.add("work");
            return Thread.currentThread() == loop ? "loop thread" : "other";
        }).toCompletableFuture();

        assertFalse(stage.isDone());
        assertEquals(List.of(), ran);

        reactor.runPending();

        assertEquals("loop thread", stage.get(0, TimeUnit.SECONDS));
    }

    @Test
    void callInThreadFailureFailsTheStage() {
        reactor.start();
        IllegalStateException failure = new IllegalStateException("blocking work failed");
        CompletableFuture<Object> stage = reactor.callInThread(() -> {
            throw failure;
        }).toCompletableFuture();

        reactor.runPending();

        ExecutionException e = assertThrows(ExecutionException.class, () -> stage.get(0, TimeUnit.SECONDS));
        assertSame(failure, e.getCause());
    }

    @Test
    @DisplayName("callInThread work not yet run when the reactor terminates fails with CancellationException, and never runs")
    void callInThreadWorkIsCancelledByTerminate() {
        reactor.start();
        CompletionStage<String> stage = reactor.callInThread(() -> {
            ran.add("work");
            return "never";
        });

        reactor.terminate();

        CompletableFuture<String> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally());
        assertThrows(CancellationException.class, f::join);

        reactor.start();
        reactor.runUntilIdle();
        assertEquals(List.of(), ran);
    }

    @Test
    @DisplayName("callInThread work queued before stop() runs before shutdown, like other queued work")
    void callInThreadWorkQueuedBeforeStopRuns() {
        reactor.start();
        CompletableFuture<String> f = reactor.callInThread(() -> "done").toCompletableFuture();

        reactor.stop();
        reactor.runPending();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals("done", f.getNow("not done"));
    }

    @Test
    void callInThreadOnAnInactiveReactorThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> reactor.callInThread(() -> "x"));

        assertTrue(e.getMessage().contains("INIT"), e.getMessage());
    }
}
