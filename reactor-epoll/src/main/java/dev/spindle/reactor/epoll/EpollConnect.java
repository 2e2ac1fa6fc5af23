package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLERR;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLHUP;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLRDHUP;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractReactor;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * One non-blocking connect in progress, TCP or UNIX-domain. Its socket is already registered the
 * way a connection is ({@link EpollTransport#EVENTS}); on success the transport takes the same
 * slot over, so connecting costs no further {@code epoll_ctl}.
 */
final class EpollConnect implements EpollHandler, AbstractReactor.PendingConnect {
    private final EpollReactor reactor;
    private final NativeIo io;
    private final int fd;
    private final SocketAddress target;
    private final boolean unix;
    private final Protocol protocol;
    private final AbstractReactor.ConnectListener listener;
    private boolean done;
    private boolean closed;

    /**
     * @param target the peer as the transport reports it
     * @param unix a UNIX-domain socket (its local address is decoded as one)
     */
    EpollConnect(EpollReactor reactor, NativeIo io, int fd, SocketAddress target, boolean unix, Protocol protocol,
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
    public void ready(int events) {
        if (done || (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) {
            return;
        }
        int error;
        try {
            error = io.intOption(fd, LinuxLayout.SOL_SOCKET, LinuxLayout.SO_ERROR, "SO_ERROR");
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (error != 0) {
            fail(ErrnoException.connectFailure("connect to " + target, error));
        } else if ((events & EPOLLOUT) != 0) {
            connected(events);
        }
    }

    /**
     * The socket is connected: the transport replaces this handler and starts.
     *
     * @param events the event that told, whose input part the transport serves (edge-triggered,
     *     it will not be reported again)
     */
    void connected(int events) {
        done = true;
        EpollTransport t;
        try {
            t = new EpollTransport(reactor, io, protocol, fd, unix ? io.unixLocalAddress(fd) : io.localAddress(fd), target);
        } catch (IOException | RuntimeException e) {
            done = false;
            fail(e);
            return;
        }
        reactor.replace(fd, t);
        t.start();
        listener.connected(t);
        if ((events & (EPOLLIN | EPOLLRDHUP)) != 0) {
            t.ready(events & ~EPOLLOUT);
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
            reactor.deregister(fd, true);
            io.close(fd);
        }
    }

    @Override
    public String toString() {
        return "Connect[" + target + (done ? ", done" : "") + "]";
    }
}
