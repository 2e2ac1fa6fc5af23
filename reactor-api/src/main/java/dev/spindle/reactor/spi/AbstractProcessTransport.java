package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-neutral part of a {@link ProcessTransport}: pending-input accounting with
 * watermarks, writability events and the hard limit, read pausing, the order of the protocol's
 * callbacks (an end only once the exit is known and every piped output stream is closed), the
 * guarding of those callbacks, and the reactor's shutdown policy. A backend supplies the pipe
 * and signal operations and reports what happens to the pipes and the child, always on the loop
 * thread. Loop thread only.
 *
 * <h2>Contract with the backend</h2>
 * <ul>
 *   <li>{@link #sendInput} takes bytes for standard input; the backend reports with
 *       {@link #inputWritten(long)} as the pipe takes them, and with {@link #inputDone} once
 *       {@link #closeInput()} reached end of file or writing failed;</li>
 *   <li>output is reported with {@link #deliverOutput} (never while reading is paused: see
 *       {@link #outputPaused(boolean)}) and the end of each piped stream with
 *       {@link #outputEnded}, after its last bytes;</li>
 *   <li>the child's exit is reported with {@link #exited(ProcessExit)};</li>
 *   <li>{@link #releasePipes()} is called once at the end and must not block.</li>
 * </ul>
 */
public abstract class AbstractProcessTransport implements ProcessTransport, ReactorResource {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractProcessTransport.class);

    private enum Input { OPEN, CLOSING, CLOSED }

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    private final ProcessSpec spec;
    private final ProcessProtocol protocol;
    private final long pid;
    private final long maxPending;
    private int lowWatermark;
    private int highWatermark;
    private long pendingBytes;
    private boolean writable = true;
    private Input input = Input.OPEN;
    private boolean stdoutOpen;
    private boolean stderrOpen;
    private boolean readPaused;
    private @Nullable ProcessExit exit;
    private @Nullable Throwable outputFailure;
    private boolean started;
    private boolean ended;
    private @Nullable ScheduledCall killTimer;

    /**
     * Creates the transport of a child that is running; call {@link #start()} next.
     *
     * @param reactor the owning reactor
     * @param spec what was started
     * @param protocol the protocol
     * @param pid the child's process id
     */
    protected AbstractProcessTransport(AbstractReactor reactor, ProcessSpec spec, ProcessProtocol protocol, long pid) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.spec = Objects.requireNonNull(spec, "spec must not be null");
        this.protocol = Objects.requireNonNull(protocol, "protocol must not be null");
        this.pid = pid;
        this.lowWatermark = reactor.config().writeLowWatermark();
        this.highWatermark = reactor.config().writeHighWatermark();
        this.maxPending = reactor.config().maxPendingWriteBytes();
        this.stdoutOpen = spec.isPiped(ProcessStream.STDOUT);
        this.stderrOpen = spec.isPiped(ProcessStream.STDERR);
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Takes the remaining bytes of {@code data} for the child's standard input without blocking
     * (copying them or taking the buffer over); consumes the buffer. Report them with
     * {@link #inputWritten(long)} as the pipe takes them.
     *
     * @param data the bytes
     */
    protected abstract void sendInput(ByteBuffer data);

    /**
     * Closes the child's standard input after the bytes sent so far; report with
     * {@link #inputDone(IOException)}.
     */
    protected abstract void closeInput();

    /**
     * Reading was paused (stop calling {@link #deliverOutput} and {@link #outputEnded}) or
     * resumed (deliver what is waiting, then read on).
     *
     * @param paused the new state
     */
    protected abstract void outputPaused(boolean paused);

    /** Asks the child to end (SIGTERM). Must not throw. */
    protected abstract void sendTerminate();

    /** Kills the child (SIGKILL). Must not throw. */
    protected abstract void sendKill();

    /**
     * Releases the pipes at the end: drops pending input, closes the reactor's ends (or has
     * its helpers close them), stops reporting. Called once; must not block or throw.
     */
    protected abstract void releasePipes();

    // ------------------------------------------------------------------ events from the backend

    /**
     * Registers the transport with the reactor and tells the protocol the child runs. Loop
     * thread; call once, right after the child was started.
     */
    public final void start() {
        reactor.track(this);
        started = true;
        try {
            protocol.processStarted(this);
        } catch (RuntimeException e) {
            protocolFailed("processStarted", e);
        }
    }

    /**
     * The child wrote {@code data} to {@code stream}: passed to the protocol for the call only.
     *
     * @param stream the stream
     * @param data the bytes
     */
    protected final void deliverOutput(ProcessStream stream, ByteBuffer data) {
        if (ended) {
            return;
        }
        try {
            protocol.outputReceived(stream, data);
        } catch (RuntimeException e) {
            protocolFailed("outputReceived", e);
        }
    }

    /**
     * End of file on {@code stream}, or reading it failed.
     *
     * @param stream the stream
     * @param failure null at end of file
     */
    protected final void outputEnded(ProcessStream stream, @Nullable IOException failure) {
        if (ended) {
            return;
        }
        if (stream == ProcessStream.STDOUT) {
            if (!stdoutOpen) {
                return;
            }
            stdoutOpen = false;
        } else {
            if (!stderrOpen) {
                return;
            }
            stderrOpen = false;
        }
        if (failure != null && outputFailure == null) {
            LOG.warn("reading {} of process {} failed", stream, pid, failure);
            outputFailure = new ConnectionLostException("reading " + stream + " of process " + pid + " failed: "
                    + failure.getMessage(), failure);
        }
        try {
            protocol.outputClosed(stream);
        } catch (RuntimeException e) {
            protocolFailed("outputClosed", e);
            return;
        }
        maybeEnd();
    }

    /**
     * The standard-input pipe took {@code bytes} of the pending input.
     *
     * @param bytes the count
     */
    protected final void inputWritten(long bytes) {
        if (ended || input == Input.CLOSED) {
            return;
        }
        pendingBytes = Math.max(0, pendingBytes - bytes);
        checkWritability();
    }

    /**
     * The standard input is closed: end of file was sent after {@link #closeInput()}, or writing
     * failed (pending input is then dropped).
     *
     * @param failure null after a requested close
     */
    protected final void inputDone(@Nullable IOException failure) {
        if (ended || input == Input.CLOSED) {
            return;
        }
        input = Input.CLOSED;
        pendingBytes = 0;
        Throwable cause = null;
        if (failure != null) {
            cause = new ConnectionLostException("writing to the standard input of process " + pid + " failed: "
                    + failure.getMessage(), failure);
        }
        try {
            protocol.inputClosed(cause);
        } catch (RuntimeException e) {
            protocolFailed("inputClosed", e);
        }
    }

    /**
     * The child's exit was collected.
     *
     * @param status the exit
     */
    protected final void exited(ProcessExit status) {
        Objects.requireNonNull(status, "status must not be null");
        if (ended || exit != null) {
            return;
        }
        exit = status;
        cancelKillTimer();
        try {
            protocol.processExited(status);
        } catch (RuntimeException e) {
            protocolFailed("processExited", e);
            return;
        }
        maybeEnd();
    }

    /**
     * Whether the transport has ended ({@code processEnded} was called or is being called).
     *
     * @return true at the end
     */
    protected final boolean ended() {
        return ended;
    }

    /**
     * The protocol, for backends' log messages.
     *
     * @return the protocol
     */
    protected final ProcessProtocol protocol() {
        return protocol;
    }

    // ------------------------------------------------------------------ ProcessTransport

    @Override
    public final Reactor reactor() {
        return reactor;
    }

    @Override
    public final long pid() {
        return pid;
    }

    @Override
    public final ProcessSpec spec() {
        return spec;
    }

    @Override
    public final void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data must not be null");
        reactor.checkLoop("ProcessTransport.write");
        if (ended) {
            throw new IllegalStateException("write to the standard input of an ended process (" + this + ")");
        }
        if (input != Input.OPEN) {
            throw new IllegalStateException("write after " + (input == Input.CLOSING ? "closeStdin()" : "the standard input closed")
                    + " (" + this + ")");
        }
        int len = data.remaining();
        if (len == 0) {
            return;
        }
        if (pendingBytes + len > maxPending) {
            throw new WriteBufferFullException("write of " + len + " bytes would raise pending input of process " + pid
                    + " from " + pendingBytes + " to " + (pendingBytes + len) + " bytes, over the limit of " + maxPending);
        }
        pendingBytes += len;
        sendInput(data);
        data.position(data.limit());
        checkWritability();
    }

    @Override
    public final void closeStdin() {
        reactor.checkLoop("ProcessTransport.closeStdin");
        if (ended || input != Input.OPEN) {
            return;
        }
        input = Input.CLOSING;
        closeInput();
    }

    @Override
    public final boolean isStdinOpen() {
        return !ended && input == Input.OPEN;
    }

    @Override
    public final boolean isWritable() {
        return writable && !ended && input == Input.OPEN;
    }

    @Override
    public final long pendingWriteBytes() {
        return pendingBytes;
    }

    @Override
    public final void setWriteWatermarks(int low, int high) {
        reactor.checkLoop("ProcessTransport.setWriteWatermarks");
        if (low < 0 || high < low || high > maxPending) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high <= " + maxPending
                    + ", found: low=" + low + ", high=" + high);
        }
        lowWatermark = low;
        highWatermark = high;
        checkWritability();
    }

    private void checkWritability() {
        if (ended || input == Input.CLOSED) {
            return;
        }
        boolean change;
        if (writable && pendingBytes > highWatermark) {
            writable = false;
            change = true;
        } else if (!writable && pendingBytes <= lowWatermark) {
            writable = true;
            change = true;
        } else {
            change = false;
        }
        if (change) {
            try {
                protocol.writabilityChanged(writable);
            } catch (RuntimeException e) {
                protocolFailed("writabilityChanged", e);
            }
        }
    }

    @Override
    public final void pauseReading() {
        reactor.checkLoop("ProcessTransport.pauseReading");
        if (readPaused || ended) {
            return;
        }
        readPaused = true;
        outputPaused(true);
    }

    @Override
    public final void resumeReading() {
        reactor.checkLoop("ProcessTransport.resumeReading");
        if (!readPaused || ended) {
            return;
        }
        readPaused = false;
        outputPaused(false);
    }

    @Override
    public final boolean isReadingPaused() {
        return readPaused;
    }

    @Override
    public final void terminate() {
        reactor.checkLoop("ProcessTransport.terminate");
        if (!ended && exit == null) {
            sendTerminate();
        }
    }

    @Override
    public final void kill() {
        reactor.checkLoop("ProcessTransport.kill");
        if (!ended && exit == null) {
            sendKill();
        }
    }

    @Override
    public final boolean isAlive() {
        return !ended && exit == null;
    }

    @Override
    public final @Nullable ProcessExit exit() {
        return exit;
    }

    @Override
    public final boolean isOpen() {
        return !ended;
    }

    // ------------------------------------------------------------------ ReactorResource

    /**
     * The reactor is stopping: applies {@link ProcessSpec#shutdownPolicy()}. With
     * {@code TERMINATE} or {@code KILL} the transport ends later, when the child's exit and the
     * end of its output arrive (or the reactor's shutdown timeout forces it); with
     * {@code DETACH} it ends now.
     */
    @Override
    public final void shutdownGracefully() {
        if (ended) {
            reactor.untrack(this);
            return;
        }
        switch (spec.shutdownPolicy()) {
            case DETACH:
                end(new ConnectionLostException("reactor stopping: process " + pid + " detached"
                        + (exit == null ? ", left running" : ""), null));
                break;
            case KILL:
                closeStdin();
                if (!ended && exit == null) {
                    sendKill();
                }
                break;
            default:
                closeStdin();
                if (!ended && exit == null) {
                    sendTerminate();
                    Duration grace = spec.shutdownGrace();
                    killTimer = reactor.schedule(grace, this::killAfterGrace);
                }
                break;
        }
    }

    private void killAfterGrace() {
        killTimer = null;
        if (!ended && exit == null) {
            LOG.info("process {} still running {} after SIGTERM; killing it", pid, spec.shutdownGrace());
            sendKill();
        }
    }

    private void cancelKillTimer() {
        ScheduledCall t = killTimer;
        if (t != null) {
            killTimer = null;
            t.cancel();
        }
    }

    /**
     * The reactor is terminating (or its stop timed out, or its loop failed): kills the child
     * unless the policy is {@code DETACH}, releases the pipes and ends with {@code cause}, now.
     */
    @Override
    public final void forceClose(Throwable cause) {
        if (ended) {
            reactor.untrack(this);
            return;
        }
        if (spec.shutdownPolicy() != ProcessSpec.ShutdownPolicy.DETACH && exit == null) {
            sendKill();
        }
        end(cause);
    }

    // ------------------------------------------------------------------ endings

    private void maybeEnd() {
        if (!ended && exit != null && !stdoutOpen && !stderrOpen) {
            end(outputFailure);
        }
    }

    private void end(@Nullable Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        cancelKillTimer();
        pendingBytes = 0;
        try {
            releasePipes();
        } catch (RuntimeException e) {
            LOG.warn("releasing the pipes of process {} failed", pid, e);
        }
        reactor.untrack(this);
        if (!started) {
            return;
        }
        try {
            protocol.processEnded(exit, cause);
        } catch (RuntimeException e) {
            LOG.error("protocol {} threw from processEnded", protocol, e);
        }
    }

    private void protocolFailed(String method, RuntimeException e) {
        LOG.error("protocol {} threw from {}; aborting process {}", protocol, method, pid, e);
        if (ended) {
            return;
        }
        if (spec.shutdownPolicy() != ProcessSpec.ShutdownPolicy.DETACH && exit == null) {
            sendKill();
        }
        end(new ConnectionLostException("protocol threw from " + method + ": " + e, e));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[pid " + pid + ", " + spec.executable()
                + (ended ? ", ended" : exit != null ? ", " + exit : ", running") + "]";
    }
}
