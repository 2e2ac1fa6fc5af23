package dev.spindle.bench.jmh;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
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
 * Cross-thread hand-off into a Spindle reactor, same shape as {@link NettyExecuteBenchmark}:
 * one producer thread {@code execute}s {@value #TASKS} tasks, each adding one to a counter on the
 * loop, then waits until the loop has run them all. Spindle's task queue is bounded (a ring of
 * 65536 by default) where Netty's is not: when it is full the producer waits on
 * {@code tryExecute}, and that time is part of the measurement. How it waits is
 * {@code -p backoff}: {@code block} ({@link Reactor#executeBlocking(Runnable)}, the reactor's
 * own wait: a short spin, then a park the loop ends as soon as it has made room), {@code yield}
 * ({@code tryExecute} with {@link Thread#yield()} between tries, which lets the loop run when
 * both threads share a core, as they do on a busy 2-core machine) or {@code spin}
 * ({@code tryExecute} with {@link Thread#onSpinWait()}, which burns the rest of the producer's
 * time slice there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SpindleExecuteBenchmark.TASKS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class SpindleExecuteBenchmark {

    static final int TASKS = 10_000_000;

    @Param({"epoll", "select"})
    public String backend;

    /** How the producer waits while the task ring is full: {@code block}, {@code yield} or {@code spin}. */
    @Param({"block", "yield", "spin"})
    public String backoff;

    private Reactor reactor;
    private boolean block;
    private boolean yield;
    // written and read on the loop thread only
    private long executed;
    // benchmark thread only
    private long expected;
    private final Runnable increment = () -> executed++;

    @Setup(Level.Trial)
    public void start() {
        System.setProperty("spindle.reactor.backend", backend);
        block = backoff.equals("block");
        yield = switch (backoff) {
            case "yield" -> true;
            case "spin", "block" -> false;
            default -> throw new IllegalArgumentException("backoff must be block, yield or spin, found: " + backoff);
        };
        reactor = Reactors.create(ReactorConfig.builder().threadName("bench-execute").daemon(true).build());
        reactor.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
        reactor.terminate();
    }

    @Benchmark
    public long executeAll() throws InterruptedException, ExecutionException {
        if (block) {
            for (int i = 0; i < TASKS; i++) {
                reactor.executeBlocking(increment);
            }
        } else {
            for (int i = 0; i < TASKS; i++) {
                while (!reactor.tryExecute(increment)) {
                    backOff();
                }
            }
        }
        expected += TASKS;
        CompletableFuture<Long> count = new CompletableFuture<>();
        while (!reactor.tryExecute(() -> count.complete(executed))) {
            backOff();
        }
        long n = count.get();
        if (n != expected) {
            throw new IllegalStateException("loop ran " + n + " tasks, expected " + expected);
        }
        return n;
    }

    private void backOff() {
        if (yield) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }
}
