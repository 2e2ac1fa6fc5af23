package dev.spindle.reactor;

import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A datagram was larger than the limit of its {@link DatagramTransport}: never truncated,
 * always reported.
 *
 * <ul>
 *   <li>On receive, the datagram did not fit in {@link UdpOptions#maxPacketSize()} bytes. Its
 *       bytes are dropped (not delivered in part) and this exception goes to
 *       {@link DatagramProtocol#errorReceived(ReactorException)}; {@link #peer()} is the sender
 *       and {@link #size()} is {@code -1}, since the kernel does not say how large the datagram
 *       was. Reading goes on with the next datagram.</li>
 *   <li>On send, it is thrown by {@link DatagramTransport#send} before anything is sent, when
 *       the datagram is larger than {@code maxPacketSize} or than what one IP datagram can carry
 *       (65,507 bytes of payload over IPv4, 65,527 over IPv6); {@link #peer()} is the
 *       destination and {@link #size()} the datagram's length.</li>
 * </ul>
 * Stackless when reported on receive (an expected event on a hot path).
 */
public final class DatagramTooLargeException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /** The sender (receive) or destination (send). */
    private final @Nullable SocketAddress peer;
    /** The limit exceeded, in bytes. */
    private final int limit;
    /** The datagram's length, or -1 if unknown. */
    private final int size;

    /**
     * Creates the exception.
     *
     * @param message names the sizes and the peer
     * @param peer the sender (receive) or destination (send), if known
     * @param limit the limit that was exceeded, in bytes
     * @param size the datagram's length, or -1 if unknown (receive)
     * @param stackTrace false for a stackless exception
     */
    public DatagramTooLargeException(String message, @Nullable SocketAddress peer, int limit, int size,
            boolean stackTrace) {
        super(message, null, stackTrace);
        this.peer = peer;
        this.limit = limit;
        this.size = size;
    }

    /**
     * The sender of a datagram that was too large to receive, or the destination of one that
     * was too large to send.
     *
     * @return the peer, or null if unknown
     */
    public @Nullable SocketAddress peer() {
        return peer;
    }

    /**
     * The limit that was exceeded.
     *
     * @return bytes
     */
    public int limit() {
        return limit;
    }

    /**
     * The datagram's length.
     *
     * @return bytes, or -1 for a received datagram (only known to exceed {@link #limit()})
     */
    public int size() {
        return size;
    }
}
