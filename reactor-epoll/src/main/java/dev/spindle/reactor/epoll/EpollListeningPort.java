package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.spi.ReactorResource;
import dev.spindle.reactor.spi.UnixSocketFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP or UNIX-domain socket on the epoll backend, level-triggered. A UNIX port owns
 * its {@link UnixSocketFile} and removes it when it closes. When the process or system runs
 * out of descriptors or memory ({@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, {@code ENOMEM})
 * the pending connection stays in the kernel's queue and the socket would be reported ready again
 * at once: accepting pauses for {@value #PAUSE_MILLIS} ms instead (the socket leaves the epoll set),
 * so the loop neither spins nor stops serving its other connections. Errors that concern one
 * connection only ({@code ECONNABORTED}, {@code EPERM} from a firewall, {@code EPROTO}...) skip it.
 */
final class EpollListeningPort implements ListeningPort, ReactorResource, EpollHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EpollListeningPort.class);
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    static final long PAUSE_MILLIS = 100;

    private final EpollReactor reactor;
    private final NativeIo io;
    private final int fd;
    private final SocketAddress local;
    private final boolean wildcard;
    private final ProtocolFactory factory;
    private final boolean tcpNoDelay;
    // UNIX ports only: the socket file (a no-op for an abstract name), removed on close.
    private final @Nullable UnixSocketFile socketFile;
    private final Runnable resumeAccepting = this::resumeAccepting;
    private boolean open = true;
    private boolean registered;
    private long acceptFailures;
    private long pauses;

    /**
     * @param local the bound address
     * @param tcpNoDelay set {@code TCP_NODELAY} on accepted TCP connections
     * @param socketFile for a UNIX-domain port, its socket file; null for TCP
     */
    EpollListeningPort(EpollReactor reactor, NativeIo io, int fd, SocketAddress local, ProtocolFactory factory,
            boolean tcpNoDelay, @Nullable UnixSocketFile socketFile) {
        this.reactor = reactor;
        this.io = io;
        this.fd = fd;
        this.local = local;
        this.wildcard = local instanceof InetSocketAddress && ((InetSocketAddress) local).getAddress().isAnyLocalAddress();
        this.factory = factory;
        this.tcpNoDelay = tcpNoDelay;
        this.socketFile = socketFile;
    }

    void register() throws ErrnoException {
        reactor.register(fd, this, EPOLLIN);
        registered = true;
    }

    @Override
    public void ready(int events) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && open && registered; i++) {
            int c;
            try {
                c = io.accept(fd);
            } catch (ErrnoException e) {
                acceptFailures++;
                if (exhausted(e.errno())) {
                    pause(e);
                    return;
                }
                LOG.debug("accept on {} failed for one connection: {}", local, e.getMessage());
                continue;
            }
            if (c < 0) {
                return;
            }
            accepted(c);
        }
    }

    private static boolean exhausted(int errno) {
        return errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM;
    }

    private void pause(ErrnoException e) {
        pauses++;
        LOG.warn("accept on {} failed ({}); pausing accepts for {} ms", local, e.getMessage(), PAUSE_MILLIS);
        try {
            reactor.control(fd, EPOLLIN, 0);
            registered = false;
        } catch (ErrnoException ctl) {
            LOG.warn("cannot pause accepting on {}: {}", local, ctl.getMessage());
            return;
        }
        reactor.schedule(PAUSE_MILLIS, TimeUnit.MILLISECONDS, resumeAccepting);
    }

    private void resumeAccepting() {
        if (!open || registered) {
            return;
        }
        try {
            reactor.control(fd, 0, EPOLLIN);
            registered = true;
        } catch (ErrnoException e) {
            LOG.warn("cannot resume accepting on {}: {}; trying again in {} ms", local, e.getMessage(), PAUSE_MILLIS);
            reactor.schedule(PAUSE_MILLIS, TimeUnit.MILLISECONDS, resumeAccepting);
        }
    }

    private void accepted(int c) {
        SocketAddress remote;
        SocketAddress localOfConnection;
        try {
            remote = socketFile != null ? io.acceptedUnixPeer() : io.acceptedPeer();
            if (tcpNoDelay) {
                io.setIntOption(c, LinuxLayout.IPPROTO_TCP, LinuxLayout.TCP_NODELAY, 1, "TCP_NODELAY");
            }
            localOfConnection = wildcard ? io.localAddress(c) : local;
        } catch (IOException e) {
            LOG.debug("dropping a connection accepted on {}: {}", local, e.getMessage());
            io.close(c);
            return;
        }
        Protocol protocol;
        try {
            protocol = factory.buildProtocol(remote);
        } catch (RuntimeException e) {
            LOG.error("protocol factory {} threw for {}; connection closed", factory, remote, e);
            io.close(c);
            return;
        }
        if (protocol == null) {
            io.close(c);
            return;
        }
        EpollTransport t = new EpollTransport(reactor, io, protocol, c, localOfConnection, remote);
        try {
            reactor.register(c, t, EpollTransport.EVENTS);
        } catch (ErrnoException e) {
            LOG.warn("cannot register the connection from {}: {}", remote, e.getMessage());
            io.close(c);
            return;
        }
        t.start();
    }

    /** Accepts that failed: for tests. */
    long acceptFailures() {
        return acceptFailures;
    }

    /** Times accepting was paused for lack of descriptors or memory: for tests. */
    long pauses() {
        return pauses;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        reactor.checkLoop("ListeningPort.close");
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        if (io.isOpen()) {
            reactor.deregister(fd, registered);
            io.close(fd);
        }
        registered = false;
        UnixSocketFile f = socketFile;
        if (f != null) {
            f.remove();
        }
        reactor.untrack(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void shutdownGracefully() {
        closeNow();
    }

    @Override
    public void forceClose(Throwable cause) {
        closeNow();
    }

    @Override
    public String toString() {
        return "ListeningPort[" + local + (open ? "" : ", closed") + "]";
    }
}
