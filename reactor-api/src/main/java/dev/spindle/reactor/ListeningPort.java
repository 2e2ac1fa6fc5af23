package dev.spindle.reactor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A listening socket. Loop-thread only. */
public interface ListeningPort {
    /**
     * The bound address (with the port chosen when bound to port 0).
     *
     * @return the address
     */
    SocketAddress localAddress();

    /**
     * The bound TCP port.
     *
     * @return the port
     * @throws IllegalStateException if this port does not listen on an IP address (a UNIX-domain
     *     socket: use {@link #localAddress()})
     */
    default int port() {
        SocketAddress a = localAddress();
        if (!(a instanceof InetSocketAddress)) {
            throw new IllegalStateException("port() is for ports bound to an IP address; this one listens on " + a
                    + " (" + a.getClass().getSimpleName() + "): use localAddress()");
        }
        return ((InetSocketAddress) a).getPort();
    }

    /** Stops listening; connections already accepted stay open. Idempotent. */
    void close();

    /**
     * Whether still listening.
     *
     * @return true until closed
     */
    boolean isOpen();
}
