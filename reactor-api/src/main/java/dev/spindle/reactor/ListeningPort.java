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
     */
    default int port() {
        return ((InetSocketAddress) localAddress()).getPort();
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
