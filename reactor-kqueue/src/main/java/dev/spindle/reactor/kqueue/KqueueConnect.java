package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_EOF;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractReactor;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * One non-blocking connect in progress. Its socket is already registered the way a connection is
 * (both filters, edge-triggered); {@code EVFILT_WRITE} reports that the connect finished, and
 * {@code EV_EOF} with the error in {@code fflags} that it failed ({@code SO_ERROR} is read either
 * way). On success the transport takes the same slot over and the write filter is disabled until
 * output waits: connecting costs no registration of its own.
 */
final class KqueueConnect implements KqueueHandler, AbstractReactor.PendingConnect {
    private final KqueueReactor reactor;
    private final BsdIo io;
    private final int fd;
    private final SocketAddress target;
    private final boolean unix;
    private final Protocol protocol;
    private final AbstractReactor.ConnectListener listener;
    /** Data was reported before the connect's end was: its edge is spent, the transport must read. */
    private boolean sawReadable;
    private boolean done;
    private boolean closed;

    KqueueConnect(KqueueReactor reactor, BsdIo io, int fd, SocketAddress target, boolean unix, Protocol protocol,
            AbstractReactor.ConnectListener listener) {
        this.reactor = reactor;
        this.io = io;
        this.fd = fd;
        this.target = target;
        this.unix = unix;
        this.protocol = protocol;
        this.listener = listener;
    }

    @Override
    public void ready(short filter, int flags, long data, int fflags) {
        if (done) {
            return;
        }
        if ((flags & EV_ERROR) != 0) {
            fail(io.platform().error("kevent change for the socket connecting to " + target, (int) data));
            return;
        }
        if (filter == EVFILT_READ && (flags & EV_EOF) == 0) {
            sawReadable = true;
            return;
        }
        int error;
        try {
            error = io.intOption(fd, BsdPlatform.SOL_SOCKET, BsdPlatform.SO_ERROR, "SO_ERROR");
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (error == 0 && (flags & EV_EOF) != 0 && fflags != 0 && filter == EVFILT_WRITE) {
            // The kernel reported the failure with the event; SO_ERROR may have been consumed.
            error = fflags;
        }
        if (error != 0) {
            fail(io.platform().error("connect to " + target, error));
        } else {
            // Connected; an end of stream reported on the read filter is the transport's to read.
            sawReadable |= filter == EVFILT_READ;
            connected();
        }
    }

    /** The socket is connected: the transport replaces this handler and starts. */
    void connected() {
        done = true;
        KqueueTransport t;
        try {
            // A UNIX client that did not bind is unnamed.
            SocketAddress local = unix ? KqueueListeningPort.UNNAMED : io.localAddress(fd);
            t = new KqueueTransport(reactor, io, protocol, fd, local, target);
        } catch (IOException | RuntimeException e) {
            done = false;
            fail(e);
            return;
        }
        reactor.replace(fd, t);
        reactor.setEnabled(fd, EVFILT_WRITE, false);
        t.start();
        listener.connected(t);
        if (sawReadable) {
            t.readReportedEarlier();
        }
    }

    private void fail(Exception e) {
        done = true;
        close();
        listener.failed(e);
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        done = true;
        close();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (io.isOpen()) {
            reactor.release(fd);
            io.close(fd);
        }
    }

    @Override
    public String toString() {
        return "Connect[" + target + (done ? ", done" : "") + "]";
    }
}
