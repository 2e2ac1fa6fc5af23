package dev.spindle.reactor.spi;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStartException;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable child process: {@link ProcessBuilder} for the start, blocking JDK streams for the
 * pipes, {@link Process#onExit()} for the exit. The JDK offers no non-blocking access to a
 * child's pipes, so helper threads do the blocking, each handing its work to the loop:
 * <ul>
 *   <li>one daemon reader thread per piped output stream ({@code spindle-process-<pid>-stdout},
 *       {@code -stderr}). It reads one chunk into its own buffer, hands it to the loop with
 *       {@code tryExecute} and waits until the loop has delivered it and reading is not paused
 *       before it reads again: the buffer is handed to the protocol without a copy, at most one
 *       chunk per stream is in flight, and a paused reader leaves the pipe full so the child
 *       blocks (real back-pressure);</li>
 *   <li>one daemon writer thread for standard input ({@code spindle-process-<pid>-stdin}),
 *       started on the first write and ending after {@value #WRITER_IDLE_SECONDS} idle
 *       seconds (restarted by the next write). The loop never blocks on the pipe: writes are
 *       copied into a queue bounded by the reactor's hard limit of pending output, and the
 *       writer reports what the pipe took so the loop computes writability from pending
 *       bytes;</li>
 *   <li>no thread of ours for the exit: the JDK's process reaper completes
 *       {@link Process#onExit()}, whose action hands the exit to the loop.</li>
 * </ul>
 * A helper thread closes its own stream when it ends, so a stream is never closed while a read
 * or write on it may be in progress (a closed descriptor number could be reused under it). At
 * the end of the process the helpers are told to stop: a reader waiting for the loop ends at
 * once, one blocked in {@code read} ends when the child writes or its pipe reaches end of file
 * (the child was killed, unless it was detached).
 *
 * <p>A JDK behaviour to know: when the child exits, the JDK reads what its pipes hold at that
 * moment and closes them, unless a read is in progress. Output a background grandchild writes
 * to an inherited pipe after the child's exit may therefore be lost, or, if a read is in
 * progress, the end of the output waits for that grandchild.
 */
final class ThreadedProcessTransport extends AbstractProcessTransport {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedProcessTransport.class);
    /** Seconds an idle standard-input writer waits for more before its thread ends. */
    static final int WRITER_IDLE_SECONDS = 5;
    /** Stack size asked for the helper threads: they only copy bytes. */
    private static final long HELPER_STACK = 256 * 1024;
    private static final boolean WINDOWS = File.separatorChar == '\\';

    private final Process process;
    private final @Nullable Reader stdoutReader;
    private final @Nullable Reader stderrReader;
    private final Writer stdinWriter;
    /** Set at the end, read by the helpers and the exit hand-off. */
    private volatile boolean released;

    private ThreadedProcessTransport(AbstractReactor reactor, ProcessSpec spec, ProcessProtocol protocol, Process process) {
        super(reactor, spec, protocol, process.pid());
        this.process = process;
        int chunk = reactor.config().readBufferSize();
        this.stdoutReader = spec.isPiped(ProcessStream.STDOUT)
                ? new Reader(ProcessStream.STDOUT, process.getInputStream(), chunk) : null;
        this.stderrReader = spec.isPiped(ProcessStream.STDERR)
                ? new Reader(ProcessStream.STDERR, process.getErrorStream(), chunk) : null;
        this.stdinWriter = new Writer(process.getOutputStream());
    }

    /**
     * Starts {@code spec} and connects {@code protocol}; see
     * {@link dev.spindle.reactor.DescriptorReactor#spawnProcess}. Loop thread; the caller has
     * checked the reactor's state.
     *
     * @param reactor the reactor
     * @param spec what to run
     * @param protocol the protocol
     * @return the transport, after {@code processStarted}
     * @throws ProcessStartException if the child or its helper threads cannot be started
     */
    static ProcessTransport spawn(AbstractReactor reactor, ProcessSpec spec, ProcessProtocol protocol) {
        ProcessBuilder builder = builder(spec);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            // The JDK's message is "Cannot run program ...: error=N, text"; the cause carries the text.
            Throwable os = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw new ProcessStartException(spec.command(), String.valueOf(os.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ProcessStartException(spec.command(), e.toString(), e);
        }
        ThreadedProcessTransport t = new ThreadedProcessTransport(reactor, spec, protocol, process);
        try {
            if (t.stdoutReader != null) {
                t.stdoutReader.startThread();
            }
            if (t.stderrReader != null) {
                t.stderrReader.startThread();
            }
        } catch (OutOfMemoryError | RuntimeException e) {
            // Thread.start reports "unable to create native thread" as an OutOfMemoryError.
            process.toHandle().destroyForcibly();
            t.releasePipes();
            throw new ProcessStartException(spec.command(), "cannot start its reader threads: " + e, e);
        }
        process.onExit().whenComplete((p, failure) -> t.exitObserved());
        t.start();
        return t;
    }

    private static ProcessBuilder builder(ProcessSpec spec) {
        checkEncodable(spec);
        ProcessBuilder b = new ProcessBuilder(spec.command());
        Map<String, String> env = b.environment();
        if (!spec.inheritsEnvironment()) {
            env.clear();
        } else {
            env.keySet().removeAll(spec.removedEnvironmentVariables());
        }
        env.putAll(spec.environment());
        Path dir = spec.workingDirectory();
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new ProcessStartException(spec.command(), (Files.exists(dir)
                        ? "working directory is not a directory: " : "working directory does not exist: ") + dir, null);
            }
            b.directory(dir.toFile());
        }
        b.redirectOutput(redirect(spec.stdout()));
        if (spec.stderrMerged()) {
            b.redirectErrorStream(true);
        } else {
            b.redirectError(redirect(spec.stderr()));
        }
        return b;
    }

    private static ProcessBuilder.Redirect redirect(ProcessSpec.Output output) {
        switch (output) {
            case DISCARD:
                return ProcessBuilder.Redirect.DISCARD;
            case INHERIT:
                return ProcessBuilder.Redirect.INHERIT;
            default:
                return ProcessBuilder.Redirect.PIPE;
        }
    }

    /**
     * On POSIX the JDK encodes arguments and environment with the platform charset and turns
     * what it cannot represent into '?': refuse instead of running the child with other
     * arguments than asked for.
     */
    private static void checkEncodable(ProcessSpec spec) {
        if (WINDOWS) {
            return;
        }
        String name = System.getProperty("sun.jnu.encoding");
        if (name == null || !Charset.isSupported(name)) {
            return;
        }
        CharsetEncoder encoder = Charset.forName(name).newEncoder();
        for (int i = 0; i < spec.command().size(); i++) {
            String s = spec.command().get(i);
            if (!encoder.canEncode(s)) {
                throw new ProcessStartException(spec.command(), (i == 0 ? "the executable" : "argument " + i) + " \"" + s
                        + "\" cannot be represented in the platform charset " + name
                        + " (the JVM's locale; start the JVM under a UTF-8 locale such as C.UTF-8)", null);
            }
        }
        for (Map.Entry<String, String> e : spec.environment().entrySet()) {
            if (!encoder.canEncode(e.getKey()) || !encoder.canEncode(e.getValue())) {
                throw new ProcessStartException(spec.command(), "environment variable " + e.getKey()
                        + " cannot be represented in the platform charset " + name
                        + " (the JVM's locale; start the JVM under a UTF-8 locale such as C.UTF-8)", null);
            }
        }
        Path dir = spec.workingDirectory();
        if (dir != null && !encoder.canEncode(dir.toString())) {
            throw new ProcessStartException(spec.command(), "working directory " + dir
                    + " cannot be represented in the platform charset " + name, null);
        }
    }

    // ------------------------------------------------------------------ exit

    /** On the JDK's thread that completed {@code onExit()}. */
    private void exitObserved() {
        if (!released) {
            post(this::exitOnLoop);
        }
    }

    private void exitOnLoop() {
        int value;
        try {
            value = process.exitValue();
        } catch (IllegalThreadStateException e) {
            LOG.warn("process {}: onExit completed but exitValue is not available", pid(), e);
            value = -1;
        }
        exited(WINDOWS ? ProcessExit.exited(value) : ProcessExit.fromExitValue(value));
    }

    /**
     * Hands a task to the loop from a thread that must not block for long (the JDK's reaper):
     * when the task queue is full, retries a little later from the JDK's delay scheduler until
     * accepted or the transport ended.
     */
    private void post(Runnable task) {
        if (released || reactor.tryExecute(task)) {
            return;
        }
        CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS).execute(() -> post(task));
    }

    /**
     * Hands a task to the loop from a helper thread, parking while the task queue is full.
     *
     * @return false if the transport ended meanwhile
     */
    private boolean postFromHelper(Runnable task) {
        while (!released) {
            if (reactor.tryExecute(task)) {
                return true;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return false;
    }

    private Thread newHelper(Runnable body, String stream) {
        Thread t = new Thread(null, body, "spindle-process-" + pid() + "-" + stream, HELPER_STACK);
        t.setDaemon(true);
        return t;
    }

    // ------------------------------------------------------------------ AbstractProcessTransport

    @Override
    protected void sendInput(ByteBuffer data) {
        while (data.hasRemaining()) {
            byte[] chunk = new byte[Math.min(data.remaining(), AbstractReactor.CHUNK_SIZE)];
            data.get(chunk);
            stdinWriter.offer(chunk);
        }
    }

    @Override
    protected void closeInput() {
        stdinWriter.closeAfterPending();
    }

    @Override
    protected void outputPaused(boolean paused) {
        if (!paused) {
            if (stdoutReader != null) {
                stdoutReader.resumed();
            }
            if (stderrReader != null) {
                stderrReader.resumed();
            }
        }
    }

    // Signals go through the ProcessHandle: Process.destroy() would also close the JDK's streams
    // under our helpers and lose what the child still writes (e.g. from its SIGTERM handler). The
    // handle checks the child's start time, so a recycled pid is never signalled.

    @Override
    protected void sendTerminate() {
        signal(false);
    }

    @Override
    protected void sendKill() {
        signal(true);
    }

    private void signal(boolean kill) {
        try {
            if (kill) {
                process.toHandle().destroyForcibly();
            } else {
                process.toHandle().destroy();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} to process {} failed", kill ? "SIGKILL" : "SIGTERM", pid(), e);
        }
    }

    @Override
    protected void releasePipes() {
        released = true;
        if (stdoutReader != null) {
            stdoutReader.stop();
        }
        if (stderrReader != null) {
            stderrReader.stop();
        }
        stdinWriter.stop();
    }

    private static void closeQuietly(@Nullable AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // Closing our end of a pipe: nothing useful to report.
        }
    }

    // ------------------------------------------------------------------ output

    /**
     * Reads one output stream on its own thread, one chunk at a time, each delivered on the loop
     * before the next read.
     */
    private final class Reader implements Runnable {
        private final ProcessStream stream;
        private final InputStream in;
        private final byte[] buffer;
        private final ByteBuffer view;
        /** Permits the next read; released by the loop once a chunk was delivered and reading is not paused. */
        private final Semaphore next = new Semaphore(0);
        private final Runnable chunkTask = this::chunkOnLoop;
        private final Runnable endTask = this::endOnLoop;
        private volatile boolean stopped;
        private volatile boolean threadStarted;
        /** Written by the reader before it posts a task; the task queue orders it before the loop reads it. */
        private int length;
        private @Nullable IOException failure;

        // Loop-thread state.
        private boolean chunkWaiting;
        private boolean endWaiting;
        private boolean held;

        Reader(ProcessStream stream, InputStream in, int chunkSize) {
            this.stream = stream;
            this.in = in;
            this.buffer = new byte[chunkSize];
            this.view = ByteBuffer.wrap(buffer);
        }

        void startThread() {
            Thread t = newHelper(this, stream == ProcessStream.STDOUT ? "stdout" : "stderr");
            t.start();
            threadStarted = true;
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    int n;
                    try {
                        n = in.read(buffer, 0, buffer.length);
                    } catch (IOException e) {
                        if (!stopped) {
                            failure = e;
                            postFromHelper(endTask);
                        }
                        return;
                    }
                    if (stopped) {
                        return;
                    }
                    if (n < 0) {
                        postFromHelper(endTask);
                        return;
                    }
                    if (n == 0) {
                        continue;
                    }
                    length = n;
                    if (!postFromHelper(chunkTask)) {
                        return;
                    }
                    next.acquireUninterruptibly();
                }
            } finally {
                closeQuietly(in);
            }
        }

        private void chunkOnLoop() {
            if (stopped) {
                return;
            }
            if (isReadingPaused()) {
                chunkWaiting = true;
                return;
            }
            deliverChunk();
        }

        private void deliverChunk() {
            chunkWaiting = false;
            view.clear().limit(length);
            deliverOutput(stream, view);
            if (stopped) {
                return;
            }
            if (isReadingPaused()) {
                held = true;
            } else {
                next.release();
            }
        }

        private void endOnLoop() {
            if (stopped) {
                return;
            }
            if (isReadingPaused()) {
                endWaiting = true;
                return;
            }
            outputEnded(stream, failure);
        }

        /** Reading resumed: deliver what waited, or let the reader read on. Loop thread. */
        void resumed() {
            if (stopped || isReadingPaused()) {
                return;
            }
            if (chunkWaiting) {
                deliverChunk();
            } else if (held) {
                held = false;
                next.release();
            } else if (endWaiting) {
                endWaiting = false;
                outputEnded(stream, failure);
            }
        }

        /** Loop thread: the reader ends at its next step and closes its stream. */
        void stop() {
            stopped = true;
            next.release();
            if (!threadStarted) {
                closeQuietly(in);
            }
        }
    }

    // ------------------------------------------------------------------ input

    /**
     * Writes standard input on its own thread, started on demand. The queue is bounded by the
     * reactor's hard limit, enforced on the loop before anything is offered.
     */
    private final class Writer implements Runnable {
        private final OutputStream out;
        private final Object lock = new Object();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by lock
        private boolean eofRequested; // guarded by lock
        private boolean stopped; // guarded by lock
        private boolean running; // guarded by lock
        private boolean closed; // guarded by lock
        private final AtomicLong unreported = new AtomicLong();
        private final AtomicBoolean reportQueued = new AtomicBoolean();
        private final Runnable reportTask = this::reportOnLoop;

        Writer(OutputStream out) {
            this.out = out;
        }

        /** Loop thread. */
        void offer(byte[] chunk) {
            boolean start;
            synchronized (lock) {
                if (stopped || closed) {
                    return;
                }
                queue.addLast(chunk);
                start = !running;
                if (start) {
                    running = true;
                } else {
                    lock.notifyAll();
                }
            }
            if (start) {
                startThread();
            }
        }

        /** Loop thread. */
        void closeAfterPending() {
            boolean start;
            boolean closeHere = false;
            synchronized (lock) {
                if (stopped || closed) {
                    return;
                }
                eofRequested = true;
                start = false;
                if (running) {
                    lock.notifyAll();
                } else if (queue.isEmpty()) {
                    // No writer thread: nothing can be inside a write, so the loop may close.
                    closed = true;
                    closeHere = true;
                } else {
                    running = true;
                    start = true;
                }
            }
            if (closeHere) {
                IOException failure = closeStream();
                inputDone(failure);
            } else if (start) {
                startThread();
            }
        }

        /** Loop thread: drop pending input; the writer thread (or, without one, the loop) closes the stream. */
        void stop() {
            boolean closeHere;
            synchronized (lock) {
                stopped = true;
                queue.clear();
                closeHere = !running && !closed;
                closed = true;
                lock.notifyAll();
            }
            if (closeHere) {
                closeStream();
            }
        }

        private void startThread() {
            try {
                newHelper(this, "stdin").start();
            } catch (OutOfMemoryError | RuntimeException e) {
                synchronized (lock) {
                    running = false;
                    queue.clear();
                    closed = true;
                }
                closeStream();
                IOException failure = new IOException("cannot start the standard-input writer thread: " + e, e);
                // Reported from a task: this runs inside write() or closeStdin().
                postFromHelper(() -> inputDone(failure));
            }
        }

        private @Nullable IOException closeStream() {
            try {
                out.close();
                return null;
            } catch (IOException e) {
                return e;
            }
        }

        @Override
        public void run() {
            while (true) {
                byte[] chunk;
                synchronized (lock) {
                    // Wall time on purpose: the idle bound frees a thread, it is not the loop's time
                    // (a test's manual clock must not keep it alive or end it).
                    long idleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(WRITER_IDLE_SECONDS);
                    while (queue.isEmpty() && !eofRequested && !stopped) {
                        long left = idleUntil - System.nanoTime();
                        if (left <= 0) {
                            running = false;
                            return;
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(lock, left);
                        } catch (InterruptedException e) {
                            // Not ours to interrupt; go on waiting for work or stop.
                        }
                    }
                    if (stopped) {
                        running = false;
                        break;
                    }
                    chunk = queue.pollFirst();
                    if (chunk == null) {
                        // End of file requested and everything before it written.
                        running = false;
                        closed = true;
                    }
                }
                if (chunk == null) {
                    IOException failure = closeStream();
                    postFromHelper(() -> inputDone(failure));
                    return;
                }
                try {
                    out.write(chunk);
                    out.flush();
                } catch (IOException e) {
                    boolean report;
                    synchronized (lock) {
                        report = !stopped;
                        running = false;
                        closed = true;
                        queue.clear();
                    }
                    closeStream();
                    if (report) {
                        postFromHelper(() -> inputDone(e));
                    }
                    return;
                }
                unreported.addAndGet(chunk.length);
                if (reportQueued.compareAndSet(false, true)) {
                    postFromHelper(reportTask);
                }
            }
            // Stopped: the loop left the stream to us because we might have been inside a write.
            closeStream();
        }

        private void reportOnLoop() {
            reportQueued.set(false);
            long n = unreported.getAndSet(0);
            if (n > 0) {
                inputWritten(n);
            }
        }
    }
}
