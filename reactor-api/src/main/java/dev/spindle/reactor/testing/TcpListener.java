package dev.spindle.reactor.testing;

import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.spi.ReactorResource;
import java.net.InetSocketAddress;

/**
 * A {@link DeterministicReactor#listenTcp} call: the {@link ListeningPort} it returned, with the
 * arguments it was given. No socket is bound; connections arrive through
 * {@link DeterministicReactor#accept}. Closed by {@link #close()} or when the reactor stops.
 * Loop thread only.
 */
public final class TcpListener implements ListeningPort, ReactorResource {
    private final DeterministicReactor reactor;
    private final InetSocketAddress requestedAddress;
    private final InetSocketAddress localAddress;
    private final ProtocolFactory factory;
    private final ListenOptions options;
    private boolean open = true;

    TcpListener(DeterministicReactor reactor, InetSocketAddress requestedAddress, InetSocketAddress localAddress,
            ProtocolFactory factory, ListenOptions options) {
        this.reactor = reactor;
        this.requestedAddress = requestedAddress;
        this.localAddress = localAddress;
        this.factory = factory;
        this.options = options;
    }

    DeterministicReactor owner() {
        return reactor;
    }

    /**
     * The address passed to {@code listenTcp} (port 0 if an ephemeral port was asked for).
     *
     * @return the requested address
     */
    public InetSocketAddress requestedAddress() {
        return requestedAddress;
    }

    /**
     * The "bound" address: the requested one, with the fake ephemeral port if port 0 was asked
     * for.
     *
     * @return the address
     */
    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * The factory passed to {@code listenTcp}.
     *
     * @return the factory
     */
    public ProtocolFactory factory() {
        return factory;
    }

    /**
     * The options passed to {@code listenTcp}.
     *
     * @return the options
     */
    public ListenOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        reactor.untrack(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void shutdownGracefully() {
        close();
    }

    @Override
    public void forceClose(Throwable cause) {
        close();
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + (open ? "" : ", closed") + "]";
    }
}
