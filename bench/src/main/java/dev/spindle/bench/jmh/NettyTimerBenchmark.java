package dev.spindle.bench.jmh;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
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
 * Timer churn on Netty's single-thread event loop: {@value #TASKS} timers scheduled one hour
 * ahead (so none fires) and all cancelled again, the whole batch run on the loop thread.
 *
 * <p>Reported per timer (one schedule plus one cancel). The peer of {@code SpindleTimerBenchmark}
 * ({@code reactor.schedule(Duration, Runnable)} then {@code ScheduledCall.cancel()}) and of
 * {@link ScheduledThreadPoolExecutorTimerBenchmark}; all three have the same shape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(NettyTimerBenchmark.TASKS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class NettyTimerBenchmark {

    static final int TASKS = 1_000_000;
    static final int WINDOW = 10_000;
    private static final Runnable NEVER_RUNS = () -> {};

    private EventLoopGroup group;
    private EventLoop loop;
    private final ScheduledFuture<?>[] timers = new ScheduledFuture<?>[TASKS];
    private final Runnable scheduleAndCancelAll = this::scheduleAndCancelAll;
    private final Runnable slideWindow = this::slideWindow;
    private int slot;

    /** {@code nio} or {@code epoll} (Netty's native transport, 4.2.18). */
    @Param({"epoll", "nio"})
    public String transport;

    @Setup(Level.Trial)
    public void start() {
        group = new MultiThreadIoEventLoopGroup(1, NettyLoops.ioHandlers(transport));
        loop = group.next();
    }

    @TearDown(Level.Trial)
    public void stop() {
        for (int i = 0; i < WINDOW; i++) {
            if (timers[i] != null) {
                timers[i].cancel(false);
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    public void scheduleThenCancel() throws InterruptedException, ExecutionException {
        loop.submit(scheduleAndCancelAll).get();
    }

    /**
     * {@value #TASKS} timers scheduled one hour ahead, at most {@value #WINDOW} pending: each one
     * scheduled past the window cancels the oldest (the request-timeout pattern). Per timer.
     */
    @Benchmark
    public void slidingWindow() throws InterruptedException, ExecutionException {
        loop.submit(slideWindow).get();
    }

    private void slideWindow() {
        for (int i = 0; i < TASKS; i++) {
            int s = slot;
            ScheduledFuture<?> oldest = timers[s];
            if (oldest != null) {
                oldest.cancel(false);
            }
            timers[s] = loop.schedule(NEVER_RUNS, 1, TimeUnit.HOURS);
            slot = s + 1 == WINDOW ? 0 : s + 1;
        }
    }

    // Runs on the loop thread, where Netty removes a cancelled timer from its queue at once.
    private void scheduleAndCancelAll() {
        for (int i = 0; i < TASKS; i++) {
            timers[i] = loop.schedule(NEVER_RUNS, 1, TimeUnit.HOURS);
        }
        for (int i = 0; i < TASKS; i++) {
            timers[i].cancel(false);
            timers[i] = null;
        }
    }
}
