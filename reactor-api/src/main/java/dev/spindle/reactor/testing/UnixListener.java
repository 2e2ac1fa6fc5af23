package dev.spindle.reactor.testing;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.spi.ReactorResource;
import java.net.SocketAddress;

/**
 * A {@link DeterministicReactor#listenUnix} call: the {@link ListeningPort} it returned, with
 * the arguments it was given. Nothing is bound and no file is created; connections arrive
 * through {@link DeterministicReactor#acceptUnix}. Closed by {@link #close()} or when the reactor
 * stops. Loop thread only.
 */
public final class UnixListener implements ListeningPort, ReactorResource {
    private final DeterministicReactor reactor;
    private final UnixAddress address;
    private final ProtocolFactory factory;
    private final UnixListenOptions options;
    private boolean open = true;

    UnixListener(DeterministicReactor reactor, UnixAddress address, ProtocolFactory factory, UnixListenOptions options) {
        this.reactor = reactor;
        this.address = address;
        this.factory = factory;
        this.options = options;
    }

    DeterministicReactor owner() {
        return reactor;
    }

    /**
     * The address passed to {@code listenUnix}.
     *
     * @return the address
     */
    public UnixAddress address() {
        return address;
    }

    /**
     * As a real backend reports it: a {@link java.net.UnixDomainSocketAddress} for a path, the
     * {@link UnixAddress} for an abstract name.
     *
     * @return the address
     */
    @Override
    public SocketAddress localAddress() {
        return address.toSocketAddress();
    }

    /**
     * The factory passed to {@code listenUnix}.
     *
     * @return the factory
     */
    public ProtocolFactory factory() {
        return factory;
    }

    /**
     * The options passed to {@code listenUnix}.
     *
     * @return the options
     */
    public UnixListenOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            reactor.untrack(this);
        }
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
        return "UnixListener[" + address + (open ? "" : ", closed") + "]";
    }
}
