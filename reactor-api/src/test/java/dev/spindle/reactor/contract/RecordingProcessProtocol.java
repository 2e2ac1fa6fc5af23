package dev.spindle.reactor.contract;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A process protocol that records what the reactor tells it, for assertions on the test thread.
 * Never asserts inside a callback (an {@link Error} there would fail the loop); subclasses add
 * behaviour through the {@code on...} hooks.
 *
 * <p>Recorded: the ordered events ({@code started}, {@code STDOUT} and {@code STDERR} for output
 * (consecutive chunks of one stream folded), {@code closed:STDOUT}, {@code closed:STDERR},
 * {@code writable=...}, {@code inputClosed}, {@code exited}, {@code ended}), the bytes of each
 * stream (kept up to 1 MiB; standard output is also counted and checked against
 * {@link StreamPattern}), and callbacks that arrived off the loop thread.
 */
public class RecordingProcessProtocol implements ProcessProtocol {
    private static final int KEEP_LIMIT = 1 << 20;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ProcessTransport> started = new CompletableFuture<>();
    private final CompletableFuture<ProcessExit> exited = new CompletableFuture<>();
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final CompletableFuture<@Nullable Throwable> inputClosed = new CompletableFuture<>();
    private final AtomicInteger exitedCalls = new AtomicInteger();
    private final AtomicInteger endedCalls = new AtomicInteger();
    private final AtomicInteger offLoopCalls = new AtomicInteger();
    private final List<Boolean> writability = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream(); // guarded by itself
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream(); // guarded by itself
    private final StreamPattern.Check stdoutPattern = new StreamPattern.Check();
    private final AtomicInteger stderrCount = new AtomicInteger();
    private volatile @Nullable ProcessTransport transport;

    /** Creates the protocol. */
    public RecordingProcessProtocol() {
    }

    /** How the process ended, as {@code processEnded} reported it. */
    public static final class Ended {
        private final @Nullable ProcessExit exit;
        private final @Nullable Throwable cause;

        Ended(@Nullable ProcessExit exit, @Nullable Throwable cause) {
            this.exit = exit;
            this.cause = cause;
        }

        /**
         * The exit given to {@code processEnded}.
         *
         * @return the exit or null
         */
        public @Nullable ProcessExit exit() {
            return exit;
        }

        /**
         * The cause given to {@code processEnded}.
         *
         * @return the cause or null
         */
        public @Nullable Throwable cause() {
            return cause;
        }

        @Override
        public String toString() {
            return "Ended[" + exit + ", " + cause + "]";
        }
    }

    @Override
    public final void processStarted(ProcessTransport t) {
        this.transport = t;
        checkThread();
        events.add("started");
        started.complete(t);
        onStarted(t);
    }

    @Override
    public final void outputReceived(ProcessStream stream, ByteBuffer data) {
        checkThread();
        String name = stream.name();
        int n = events.size();
        if (n == 0 || !name.equals(events.get(n - 1))) {
            events.add(name);
        }
        ByteArrayOutputStream kept = stream == ProcessStream.STDOUT ? stdout : stderr;
        synchronized (kept) {
            if (kept.size() < KEEP_LIMIT) {
                int len = Math.min(data.remaining(), KEEP_LIMIT - kept.size());
                for (int k = 0; k < len; k++) {
                    kept.write(data.get(data.position() + k));
                }
            }
        }
        // Counted last: a test that saw the count reach n finds the n bytes kept.
        if (stream == ProcessStream.STDOUT) {
            stdoutPattern.accept(data);
        } else {
            stderrCount.addAndGet(data.remaining());
        }
        onOutput(stream, data);
    }

    @Override
    public final void outputClosed(ProcessStream stream) {
        checkThread();
        events.add("closed:" + stream.name());
        onOutputClosed(stream);
    }

    @Override
    public final void writabilityChanged(boolean writable) {
        checkThread();
        events.add("writable=" + writable);
        writability.add(writable);
        onWritabilityChanged(writable);
    }

    @Override
    public final void inputClosed(@Nullable Throwable cause) {
        checkThread();
        events.add("inputClosed");
        inputClosed.complete(cause);
    }

    @Override
    public final void processExited(ProcessExit exit) {
        checkThread();
        events.add("exited");
        exitedCalls.incrementAndGet();
        exited.complete(exit);
    }

    @Override
    public final void processEnded(@Nullable ProcessExit exit, @Nullable Throwable cause) {
        checkThread();
        events.add("ended");
        endedCalls.incrementAndGet();
        ended.complete(new Ended(exit, cause));
    }

    // ------------------------------------------------------------------ hooks (loop thread)

    /**
     * After {@code processStarted} was recorded.
     *
     * @param t the transport
     */
    protected void onStarted(ProcessTransport t) {
    }

    /**
     * After output was recorded; the buffer's position is untouched.
     *
     * @param stream the stream
     * @param data the bytes
     */
    protected void onOutput(ProcessStream stream, ByteBuffer data) {
    }

    /**
     * After {@code outputClosed} was recorded.
     *
     * @param stream the stream
     */
    protected void onOutputClosed(ProcessStream stream) {
    }

    /**
     * After a writability change was recorded.
     *
     * @param writable the new writability
     */
    protected void onWritabilityChanged(boolean writable) {
    }

    // ------------------------------------------------------------------ for the test thread

    /**
     * The events so far.
     *
     * @return a copy
     */
    public List<String> events() {
        return new ArrayList<>(events);
    }

    /**
     * Completes with the transport on {@code processStarted}.
     *
     * @return the stage
     */
    public CompletableFuture<ProcessTransport> started() {
        return started;
    }

    /**
     * Completes on {@code processExited}.
     *
     * @return the stage
     */
    public CompletableFuture<ProcessExit> exited() {
        return exited;
    }

    /**
     * Completes on {@code processEnded}.
     *
     * @return the stage
     */
    public CompletableFuture<Ended> ended() {
        return ended;
    }

    /**
     * Completes with the cause on {@code inputClosed}.
     *
     * @return the stage
     */
    public CompletableFuture<@Nullable Throwable> inputClosed() {
        return inputClosed;
    }

    /**
     * How often {@code processExited} was called.
     *
     * @return the count
     */
    public int exitedCalls() {
        return exitedCalls.get();
    }

    /**
     * How often {@code processEnded} was called.
     *
     * @return the count
     */
    public int endedCalls() {
        return endedCalls.get();
    }

    /**
     * How many callbacks arrived off the loop thread.
     *
     * @return the count (0 expected)
     */
    public int offLoopCalls() {
        return offLoopCalls.get();
    }

    /**
     * The writability changes, in order.
     *
     * @return a copy
     */
    public List<Boolean> writability() {
        return new ArrayList<>(writability);
    }

    /**
     * Bytes of {@code stream} received so far.
     *
     * @param stream the stream
     * @return the count
     */
    public long receivedBytes(ProcessStream stream) {
        return stream == ProcessStream.STDOUT ? stdoutPattern.count() : stderrCount.get();
    }

    /**
     * The bytes of {@code stream} received, if fewer than 1 MiB.
     *
     * @param stream the stream
     * @return a copy
     */
    public byte[] received(ProcessStream stream) {
        ByteArrayOutputStream kept = stream == ProcessStream.STDOUT ? stdout : stderr;
        synchronized (kept) {
            return kept.toByteArray();
        }
    }

    /**
     * The bytes of {@code stream} as UTF-8.
     *
     * @param stream the stream
     * @return the text
     */
    public String text(ProcessStream stream) {
        return text(stream, StandardCharsets.UTF_8);
    }

    /**
     * The bytes of {@code stream} in {@code charset}.
     *
     * @param stream the stream
     * @param charset the charset
     * @return the text
     */
    public String text(ProcessStream stream, Charset charset) {
        return new String(received(stream), charset);
    }

    /**
     * The pattern check of standard output (meaningful when the child echoes
     * {@link StreamPattern}).
     *
     * @return the check
     */
    public StreamPattern.Check stdoutPattern() {
        return stdoutPattern;
    }

    /**
     * The transport, once started.
     *
     * @return the transport
     */
    public ProcessTransport transport() {
        ProcessTransport t = transport;
        if (t == null) {
            throw new AssertionError("processStarted was not called");
        }
        return t;
    }

    private void checkThread() {
        ProcessTransport t = transport;
        if (t != null && !t.reactor().inLoop()) {
            offLoopCalls.incrementAndGet();
        }
    }
}
