package dev.spindle.reactor;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The application side of a stream connection (Twisted's split: a protocol reacts, a
 * {@link Transport} acts). All methods run on the reactor thread; an exception thrown by one is
 * logged and aborts that connection only.
 *
 * <p>Order: {@code connectionMade} once, then any number of {@code dataReceived},
 * {@code eofReceived} and {@code writabilityChanged}, then {@code connectionLost} exactly once.
 */
public interface Protocol {
    /**
     * The connection is up.
     *
     * @param transport the transport to write to; valid until {@code connectionLost}
     */
    default void connectionMade(Transport transport) {
    }

    /**
     * Bytes arrived.
     *
     * @param data the bytes, between position and limit; valid for this call only (copy what
     *     you keep)
     */
    void dataReceived(ByteBuffer data);

    /**
     * The peer closed its sending half (end of stream).
     *
     * @return true to keep our sending half open (half-close: write, then {@code close()});
     *     false (the default) to close the connection once pending output is flushed
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * Pending output crossed a watermark: false after it rose above the high watermark, true
     * after it fell to the low one again.
     *
     * @param writable whether writing more is welcome
     */
    default void writabilityChanged(boolean writable) {
    }

    /**
     * The connection is closed. Called exactly once.
     *
     * @param cause null after a clean close (by either side, pending output flushed); otherwise
     *     why it ended, usually a {@link ConnectionLostException}
     */
    default void connectionLost(@Nullable Throwable cause) {
    }
}
