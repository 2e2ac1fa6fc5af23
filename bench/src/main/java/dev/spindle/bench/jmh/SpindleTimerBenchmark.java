package dev.spindle.bench.jmh;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.quick.Reactors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timer churn on a Spindle reactor, same shape as {@link NettyTimerBenchmark}: {@value #TASKS}
 * calls scheduled one hour ahead and all cancelled again, the batch run on the loop thread.
 * Reported per timer (one schedule plus one cancel).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SpindleTimerBenchmark.TASKS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class SpindleTimerBenchmark {

    static final int TASKS = 1_000_000;
    static final int WINDOW = 10_000;
    private static final Runnable NEVER_RUNS = () -> { };

    @Param({"epoll", "select"})
    public String backend;

    private Reactor reactor;
    private final ScheduledCall[] timers = new ScheduledCall[TASKS];
    private int slot;

    @Setup(Level.Trial)
    public void start() {
        System.setProperty("spindle.reactor.backend", backend);
        reactor = Reactors.create(ReactorConfig.builder().threadName("bench-timers").daemon(true).build());
        reactor.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
        reactor.terminate();
    }

    @Benchmark
    public void scheduleThenCancel() throws InterruptedException, ExecutionException {
        onLoop(this::scheduleAndCancelAll);
    }

    /**
     * {@value #TASKS} calls scheduled one hour ahead, at most {@value #WINDOW} pending: each one
     * scheduled past the window cancels the oldest (the request-timeout pattern). Per timer; the
     * peer of {@code NettyTimerBenchmark.slidingWindow}.
     */
    @Benchmark
    public void slidingWindow() throws InterruptedException, ExecutionException {
        onLoop(this::slideWindow);
    }

    /** Runs {@code work} on the loop thread and waits for it. */
    private void onLoop(Runnable work) throws InterruptedException, ExecutionException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        reactor.execute(() -> {
            work.run();
            done.complete(null);
        });
        done.get();
    }

    private void slideWindow() {
        for (int i = 0; i < TASKS; i++) {
            int s = slot;
            ScheduledCall oldest = timers[s];
            if (oldest != null) {
                oldest.cancel();
            }
            timers[s] = reactor.schedule(1, TimeUnit.HOURS, NEVER_RUNS);
            slot = s + 1 == WINDOW ? 0 : s + 1;
        }
    }

    private void scheduleAndCancelAll() {
        for (int i = 0; i < TASKS; i++) {
            timers[i] = reactor.schedule(1, TimeUnit.HOURS, NEVER_RUNS);
        }
        for (int i = 0; i < TASKS; i++) {
            timers[i].cancel();
            timers[i] = null;
        }
    }
}
