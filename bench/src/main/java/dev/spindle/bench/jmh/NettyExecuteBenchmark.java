package dev.spindle.bench.jmh;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Callable;
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
 * Cross-thread hand-off into Netty's single-thread event loop: one producer thread (the
 * benchmark thread) {@code execute}s {@value #TASKS} tasks, each adding one to a counter on the
 * loop, then waits until the loop has run them all.
 *
 * <p>Reported per task. The peer of {@code SpindleExecuteBenchmark}
 * ({@code reactor.execute(Runnable)}), which has the same shape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(NettyExecuteBenchmark.TASKS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class NettyExecuteBenchmark {

    static final int TASKS = 10_000_000;

    private EventLoopGroup group;
    private EventLoop loop;
    // written and read on the loop thread only
    private long executed;
    // benchmark thread only
    private long expected;
    private final Runnable increment = () -> executed++;
    private final Callable<Long> readCount = () -> executed;

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
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    public long executeAll() throws InterruptedException, ExecutionException {
        for (int i = 0; i < TASKS; i++) {
            loop.execute(increment);
        }
        expected += TASKS;
        // The loop runs one producer's tasks in order: once this one has run, all before it have.
        long count = loop.submit(readCount).get();
        if (count != expected) {
            throw new IllegalStateException("loop ran " + count + " tasks, expected " + expected);
        }
        return count;
    }
}
