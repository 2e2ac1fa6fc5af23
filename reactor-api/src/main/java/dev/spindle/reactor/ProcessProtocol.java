package dev.spindle.reactor;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The application side of a child process (Twisted's {@code ProcessProtocol}): it reacts to the
 * child's output and its end; a {@link ProcessTransport} acts on the child. All methods run on
 * the reactor thread; an exception thrown by one is logged and aborts that process only (its
 * pipes are closed and, unless its {@link ProcessSpec.ShutdownPolicy} is {@code DETACH}, it is
 * killed), and {@code processEnded} reports the exception.
 *
 * <h2>Order</h2>
 * {@code processStarted} once, first (inside {@link DescriptorReactor#spawnProcess}); then any
 * number of {@code outputReceived}, {@code writabilityChanged}, and at most once each
 * {@code outputClosed} per piped stream, {@code inputClosed} and {@code processExited}; then
 * {@code processEnded} exactly once, last. {@code processExited} may come before the last output:
 * a child's exit and the end of its pipes are separate events (Twisted's distinction), and
 * {@code processEnded} waits for both, so all output is delivered before it.
 */
public interface ProcessProtocol {
    /**
     * The child is running.
     *
     * @param transport the transport to write to and signal through; valid until
     *     {@code processEnded}
     */
    default void processStarted(ProcessTransport transport) {
    }

    /**
     * The child wrote to one of its piped output streams. Not called while reading is paused.
     *
     * @param stream which stream
     * @param data the bytes, between position and limit; valid for this call only (copy what you
     *     keep)
     */
    void outputReceived(ProcessStream stream, ByteBuffer data);

    /**
     * End of file on one of the child's piped output streams: the child (and every process that
     * inherited the pipe) closed it, usually by exiting. Called once per piped stream, after its
     * last {@code outputReceived}. Not called for a stream that is discarded, inherited or merged.
     *
     * @param stream which stream
     */
    default void outputClosed(ProcessStream stream) {
    }

    /**
     * Input pending for the child's standard input crossed a watermark: false after it rose above
     * the high watermark, true after it fell to the low one again.
     *
     * @param writable whether writing more is welcome
     */
    default void writabilityChanged(boolean writable) {
    }

    /**
     * Our end of the child's standard input is closed. Called at most once, before
     * {@code processEnded}, and not at all if the process ends first.
     *
     * @param cause null after {@link ProcessTransport#closeStdin()}, once everything written
     *     before it reached the pipe; otherwise why writing failed (the child closed its standard
     *     input or died: usually a {@link ConnectionLostException} caused by
     *     "Broken pipe"), in which case input still pending was dropped
     */
    default void inputClosed(@Nullable Throwable cause) {
    }

    /**
     * The child exited (its status was collected). Called at most once; output written before
     * the exit may still follow.
     *
     * @param exit the exit code or signal
     */
    default void processExited(ProcessExit exit) {
    }

    /**
     * The end: called exactly once, last. After it the transport is closed.
     *
     * <p>Normally the child has exited and all its piped output was delivered: {@code exit} is
     * set and {@code cause} is null. {@code cause} is set when the reactor stopped watching
     * before that: the reactor was terminated or its stop timed out, the process was detached, a
     * callback threw, or reading an output failed; {@code exit} is then set only if the exit had
     * been observed (and {@code processExited} called) before.
     *
     * @param exit the exit, or null if it was not observed
     * @param cause null after a normal end; otherwise why it ended, usually a
     *     {@link ConnectionLostException}
     */
    default void processEnded(@Nullable ProcessExit exit, @Nullable Throwable cause) {
    }
}
