package dev.spindle.reactor;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The reactor side of a child process: its standard input with back-pressure, pausing of its
 * output, signals, and its exit. Loop-thread only: a call from another thread throws
 * {@link IllegalStateException}. Made by {@link DescriptorReactor#spawnProcess}.
 *
 * <h2>Writing and back-pressure</h2>
 * {@code write} never blocks the loop: the bytes are copied into the transport's pending input
 * and pass to the child's standard input as its pipe takes them. When pending input rises above
 * the high watermark the transport becomes unwritable and the protocol is told
 * ({@link ProcessProtocol#writabilityChanged}); at or below the low watermark it becomes writable
 * again. A write that would pass {@link ReactorConfig#maxPendingWriteBytes()} throws
 * {@link WriteBufferFullException} and queues nothing, as on a TCP transport. The watermarks
 * start at {@link ReactorConfig#writeLowWatermark()} and {@link ReactorConfig#writeHighWatermark()}.
 *
 * <h2>Reading</h2>
 * Output is delivered as the child writes it, in chunks of at most
 * {@link ReactorConfig#readBufferSize()} bytes. {@link #pauseReading()} stops delivery of both
 * output streams; the child then blocks once its pipes are full, which is the back-pressure a
 * pipe gives.
 */
public interface ProcessTransport {
    /**
     * The reactor this process belongs to.
     *
     * @return the reactor
     */
    Reactor reactor();

    /**
     * The child's process id.
     *
     * @return the pid
     */
    long pid();

    /**
     * What was started.
     *
     * @return the spec
     */
    ProcessSpec spec();

    /**
     * Writes the remaining bytes of {@code data} to the child's standard input, consuming the
     * buffer (its position moves to its limit; the bytes are copied).
     *
     * @param data the bytes
     * @throws IllegalStateException after {@link #closeStdin()}, after
     *     {@link ProcessProtocol#inputClosed} or {@code processEnded}, or off the reactor thread
     * @throws WriteBufferFullException past the hard limit
     */
    void write(ByteBuffer data);

    /**
     * Writes {@code data} to the child's standard input.
     *
     * @param data the bytes
     * @throws IllegalStateException after {@link #closeStdin()}, after
     *     {@link ProcessProtocol#inputClosed} or {@code processEnded}, or off the reactor thread
     * @throws WriteBufferFullException past the hard limit
     */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Closes the child's standard input once everything written before has reached the pipe: the
     * child reads end of file. {@link ProcessProtocol#inputClosed} follows with a null cause.
     * Further writes throw. Idempotent.
     */
    void closeStdin();

    /**
     * Whether our end of the child's standard input is still open for writing (not closed by
     * {@link #closeStdin()}, a failed write or the end of the process).
     *
     * @return true while writes are accepted
     */
    boolean isStdinOpen();

    /**
     * Whether pending input is at or below the high watermark (after having fallen to the low
     * one).
     *
     * @return true if more writes are welcome
     */
    boolean isWritable();

    /**
     * Bytes written and not yet taken by the child's standard input pipe.
     *
     * @return pending input size
     */
    long pendingWriteBytes();

    /**
     * Sets the watermarks of the pending input.
     *
     * @param low 0 ≤ low ≤ high
     * @param high ≤ {@link ReactorConfig#maxPendingWriteBytes()}
     * @throws IllegalArgumentException otherwise
     */
    void setWriteWatermarks(int low, int high);

    /** Stops delivering the child's output (both streams) until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Resumes delivering the child's output. Idempotent. */
    void resumeReading();

    /**
     * Whether reading is paused.
     *
     * @return true while paused
     */
    boolean isReadingPaused();

    /**
     * Asks the child to end: SIGTERM on POSIX systems ({@link ProcessHandle#destroy()}). Our pipes
     * stay open, so what the child writes while it ends (from a SIGTERM handler) is still
     * delivered. A no-op once its exit was observed or the transport ended.
     */
    void terminate();

    /**
     * Kills the child: SIGKILL on POSIX systems ({@link ProcessHandle#destroyForcibly()}). A
     * no-op once its exit was observed or the transport ended.
     */
    void kill();

    /**
     * Whether the child is running as far as the loop knows: its exit has not been observed and
     * the transport has not ended. A detached child may live on after this turns false.
     *
     * @return true while running and watched
     */
    boolean isAlive();

    /**
     * The child's exit, once {@link ProcessProtocol#processExited} was called.
     *
     * @return the exit, or null before
     */
    @Nullable ProcessExit exit();

    /**
     * Whether the transport is open: true until {@link ProcessProtocol#processEnded}.
     *
     * @return true until the end
     */
    boolean isOpen();
}
