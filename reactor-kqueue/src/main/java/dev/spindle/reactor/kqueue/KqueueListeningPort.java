package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.spi.ReactorResource;
import dev.spindle.reactor.spi.UnixSocketFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP or UNIX-domain socket on the kqueue backend: {@code EVFILT_READ}, level-triggered, whose
 * {@code data} is the number of connections waiting. When the process or system runs out of
 * descriptors or memory ({@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, {@code ENOMEM}) the
 * connection stays in the kernel's queue and the filter would fire again at once: the filter is
 * disabled for {@value #PAUSE_MILLIS} ms instead ({@code EV_DISABLE}, then {@code EV_ENABLE}), so
 * the loop neither spins nor stops serving its other connections. Errors that concern one connection
 * only ({@code ECONNABORTED}, {@code EPERM} from a firewall...) skip it.
 */
final class KqueueListeningPort implements ListeningPort, ReactorResource, KqueueHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KqueueListeningPort.class);
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    static final long PAUSE_MILLIS = 100;

    private final KqueueReactor reactor;
    private final BsdIo io;
    private final int fd;
    /** The address of a UNIX-domain socket that did not bind: a client's, as its server sees it. */
    static final SocketAddress UNNAMED = UnixDomainSocketAddress.of("");

    private final SocketAddress local;
    private final boolean wildcard;
    private final ProtocolFactory factory;
    private final boolean tcpNoDelay;
    /** The socket file of a UNIX-domain port, removed on close if still ours; null for TCP. */
    private final @Nullable UnixSocketFile file;
    private final Runnable resumeAccepting = this::resumeAccepting;
    private boolean open = true;
    private boolean accepting;
    private long acceptFailures;
    private long pauses;

    KqueueListeningPort(KqueueReactor reactor, BsdIo io, int fd, SocketAddress local, ProtocolFactory factory,
            boolean tcpNoDelay, @Nullable UnixSocketFile file) {
        this.reactor = reactor;
        this.io = io;
        this.fd = fd;
        this.local = local;
        this.wildcard = local instanceof InetSocketAddress inet && inet.getAddress().isAnyLocalAddress();
        this.factory = factory;
        this.tcpNoDelay = tcpNoDelay;
        this.file = file;
    }

    void register() {
        reactor.install(fd, this);
        reactor.watch(fd, EVFILT_READ, false, true);
        accepting = true;
    }

    @Override
    public void ready(short filter, int flags, long data, int fflags) {
        if ((flags & EV_ERROR) != 0) {
            LOG.error("the kernel refused to watch the listening socket {}: {}; closing it", local,
                    io.platform().error("kevent", (int) data).getMessage());
            closeNow();
            return;
        }
        // data is the backlog's length; accept until EAGAIN all the same (more may have come).
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && open && accepting; i++) {
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
        return errno == BsdErrno.EMFILE || errno == BsdErrno.ENFILE || errno == BsdErrno.ENOBUFS
                || errno == BsdErrno.ENOMEM;
    }

    private void pause(ErrnoException e) {
        pauses++;
        LOG.warn("accept on {} failed ({}); pausing accepts for {} ms", local, e.getMessage(), PAUSE_MILLIS);
        reactor.setEnabled(fd, EVFILT_READ, false);
        accepting = false;
        reactor.schedule(PAUSE_MILLIS, TimeUnit.MILLISECONDS, resumeAccepting);
    }

    private void resumeAccepting() {
        if (!open || accepting) {
            return;
        }
        reactor.setEnabled(fd, EVFILT_READ, true);
        accepting = true;
    }

    private void accepted(int c) {
        SocketAddress remote;
        SocketAddress localOfConnection;
        try {
            // A UNIX client is unnamed unless it bound, which Spindle's never do.
            remote = file != null ? UNNAMED : io.acceptedPeer();
            if (tcpNoDelay) {
                io.setIntOption(c, BsdPlatform.IPPROTO_TCP, BsdPlatform.TCP_NODELAY, 1, "TCP_NODELAY");
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
        KqueueTransport t = new KqueueTransport(reactor, io, protocol, c, localOfConnection, remote);
        t.registerAccepted();
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

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
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
        accepting = false;
        if (io.isOpen()) {
            reactor.release(fd);
            io.close(fd);
        }
        if (file != null) {
            file.remove();
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
