package dev.spindle.reactor;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The reactor side of a stream connection. Loop-thread only: a call from another thread throws
 * {@link IllegalStateException}.
 *
 * <h2>Writing and back-pressure</h2>
 * {@code write} tries the socket at once and copies what it does not take into the transport's
 * pending output, which is flushed when the socket is writable. When pending output rises above
 * the high watermark the transport becomes unwritable and the protocol is told
 * ({@link Protocol#writabilityChanged}); at or below the low watermark it becomes writable again.
 * A write that would pass {@link ReactorConfig#maxPendingWriteBytes()} throws
 * {@link WriteBufferFullException} and queues nothing.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops reading, flushes pending output, then closes; the protocol sees
 * {@code connectionLost(null)}. {@link #abort()} drops pending output and closes at once; the
 * protocol sees a {@link ConnectionLostException}. A write after either throws
 * {@link IllegalStateException}.
 */
public interface Transport {
    /**
     * The reactor this transport belongs to.
     *
     * @return the reactor
     */
    Reactor reactor();

    /**
     * Writes the remaining bytes of {@code data}, consuming the buffer (its position moves to its
     * limit). Pass the buffer received in {@code dataReceived} straight back to echo without a
     * copy when the socket takes it all.
     *
     * @param data the bytes
     * @throws IllegalStateException after close or abort, or off the reactor thread
     * @throws WriteBufferFullException past the hard limit
     */
    void write(ByteBuffer data);

    /**
     * Gathering write of the remaining bytes of each buffer, in order, as one write.
     *
     * @param data the buffers, consumed
     * @throws IllegalStateException after close or abort, or off the reactor thread
     * @throws WriteBufferFullException past the hard limit
     */
    void write(ByteBuffer[] data);

    /**
     * Writes {@code data}.
     *
     * @param data the bytes
     */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /** Closes after pending output is flushed. Idempotent. */
    void close();

    /** Closes at once, dropping pending output. Idempotent. */
    void abort();

    /**
     * Half-close: after pending output is flushed, shuts the sending half down (the peer reads
     * end of stream); reading goes on. Further writes throw.
     */
    void shutdownOutput();

    /** Stops reading from the socket until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Resumes reading. Idempotent. */
    void resumeReading();

    /**
     * Whether reading is paused.
     *
     * @return true while paused
     */
    boolean isReadingPaused();

    /**
     * Whether pending output is at or below the high watermark (after having fallen to the low
     * one).
     *
     * @return true if more writes are welcome
     */
    boolean isWritable();

    /**
     * Bytes written but not yet taken by the socket.
     *
     * @return pending output size
     */
    long pendingWriteBytes();

    /**
     * Sets this transport's watermarks.
     *
     * @param low 0 ≤ low ≤ high
     * @param high ≤ {@link ReactorConfig#maxPendingWriteBytes()}
     */
    void setWriteWatermarks(int low, int high);

    /**
     * Whether the transport is open (not yet lost).
     *
     * @return true until {@code connectionLost}
     */
    boolean isOpen();

    /**
     * The local address.
     *
     * @return the address
     */
    SocketAddress localAddress();

    /**
     * The peer's address.
     *
     * @return the address
     */
    SocketAddress remoteAddress();
}
