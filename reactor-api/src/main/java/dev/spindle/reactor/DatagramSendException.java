package dev.spindle.reactor;

import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The operating system refused to send a datagram: a broadcast destination without
 * {@link UdpOptions#broadcast()}, no route to the network, an address of the wrong family.
 * Thrown by {@link DatagramTransport#send} when the first attempt fails; for a datagram that
 * had been queued (the socket buffer was full) and fails when flushed later, reported to
 * {@link DatagramProtocol#errorReceived(ReactorException)} and the datagram dropped. Either way
 * the transport stays open.
 */
public final class DatagramSendException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /** The destination. */
    private final @Nullable SocketAddress target;

    /**
     * Creates the exception.
     *
     * @param message names the destination and the reason
     * @param target the destination
     * @param cause the I/O error, or null
     */
    public DatagramSendException(String message, @Nullable SocketAddress target, @Nullable Throwable cause) {
        super(message, cause);
        this.target = target;
    }

    /**
     * The datagram's destination.
     *
     * @return the destination, or null if unknown
     */
    public @Nullable SocketAddress target() {
        return target;
    }
}
