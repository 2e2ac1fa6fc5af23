package dev.spindle.bench.jmh;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK baseline of {@link NettyTimerBenchmark}: {@value #TASKS} timers scheduled one hour
 * ahead and cancelled again, on the single thread of a {@link ScheduledThreadPoolExecutor} with
 * {@code removeOnCancelPolicy} (so a cancel removes the timer from the queue, as Netty does).
 *
 * <p>Reported per timer (one schedule plus one cancel).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ScheduledThreadPoolExecutorTimerBenchmark.TASKS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class ScheduledThreadPoolExecutorTimerBenchmark {

    static final int TASKS = 1_000_000;
    private static final Runnable NEVER_RUNS = () -> {};

    private ScheduledThreadPoolExecutor executor;
    private final ScheduledFuture<?>[] timers = new ScheduledFuture<?>[TASKS];
    private final Runnable scheduleAndCancelAll = this::scheduleAndCancelAll;

    @Setup(Level.Trial)
    public void start() {
        executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Benchmark
    public void scheduleThenCancel() throws InterruptedException, ExecutionException {
        executor.submit(scheduleAndCancelAll).get();
    }

    // Runs on the executor's thread, like the event-loop benchmarks.
    private void scheduleAndCancelAll() {
        for (int i = 0; i < TASKS; i++) {
            timers[i] = executor.schedule(NEVER_RUNS, 1, TimeUnit.HOURS);
        }
        for (int i = 0; i < TASKS; i++) {
            timers[i].cancel(false);
            timers[i] = null;
        }
    }
}
