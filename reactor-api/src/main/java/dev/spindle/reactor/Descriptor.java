package dev.spindle.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A non-blocking I/O handle created and owned by a reactor (for example an end of
 * {@link DescriptorReactor#openPipe}). Its {@link DescriptorHandler} is told about readiness once
 * it is added as a reader or writer. Loop-thread only.
 */
public interface Descriptor {
    /**
     * Reads what is available without blocking.
     *
     * @param dst the buffer to fill
     * @return bytes read, 0 if none are available, -1 at end of stream
     * @throws IOException on an I/O error
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes what the kernel accepts without blocking.
     *
     * @param src the bytes to write
     * @return bytes written, possibly 0
     * @throws IOException on an I/O error (for example a closed peer)
     */
    int write(ByteBuffer src) throws IOException;

    /** Closes the handle and removes it from the reactor's read and write sets. Idempotent. */
    void close();

    /**
     * Whether the handle is open.
     *
     * @return true until closed
     */
    boolean isOpen();
}
