package dev.spindle.reactor;

import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The peer of a connected {@link DatagramTransport} refused a datagram sent earlier: the host
 * answered with ICMP "port unreachable" (nothing listens there). Reported to
 * {@link DatagramProtocol#errorReceived(ReactorException)}; the transport stays open and may
 * go on sending (the peer may come up later). Only connected transports learn of this: the
 * kernel does not tell unconnected sockets (Twisted's {@code connectionRefused}).
 *
 * <p>The error belongs to no particular datagram: the kernel keeps one pending error per socket
 * and reports it on the next receive or send. Stackless.
 */
public final class DatagramRefusedException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /** The connected peer. */
    private final @Nullable SocketAddress peer;

    /**
     * Creates the exception.
     *
     * @param message names the peer
     * @param peer the connected peer
     * @param cause the JDK's {@code PortUnreachableException}, or null
     */
    public DatagramRefusedException(String message, @Nullable SocketAddress peer, @Nullable Throwable cause) {
        super(message, cause, false);
        this.peer = peer;
    }

    /**
     * The peer the transport was connected to when the refusal was reported.
     *
     * @return the peer, or null if unknown
     */
    public @Nullable SocketAddress peer() {
        return peer;
    }
}
