package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLERR;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLET;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLHUP;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLRDHUP;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractStreamTransport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A TCP connection on the epoll backend. Registered once, edge-triggered, for everything
 * ({@link #EVENTS}); read and write interest are fields, so pausing, resuming and waiting for
 * output cost no system call. With edge triggering an event must not be left half-served:
 * reading drains until a short read or {@code EAGAIN} (the shared
 * {@link AbstractStreamTransport#onReadable()} does that), and whenever reading is switched on
 * again, or a burst hit its cap, the transport goes on the reactor's read-again list. Writing
 * waits for {@code EPOLLOUT} only after the kernel refused bytes, which guarantees a new edge.
 */
final class EpollTransport extends AbstractStreamTransport implements EpollHandler {
    /** The mask every connection is registered with, for its whole life. */
    static final int EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    private static final int READ_EVENTS = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
    private static final int WRITE_EVENTS = EPOLLOUT | EPOLLHUP | EPOLLERR;
    private static final int END_EVENTS = EPOLLRDHUP | EPOLLHUP | EPOLLERR;

    private final EpollReactor epoll;
    private final NativeIo io;
    private final int fd;
    private final SocketAddress local;
    private final SocketAddress remote;
    private boolean readInterest;
    private boolean writeInterest;
    private boolean readQueued;
    private boolean fdClosed;
    /**
     * The peer shut its side down (or the connection failed): the end of stream, or the error,
     * waits behind the data and raises no further edge, so reading goes on until it is seen.
     */
    private boolean inputEnded;
    /** The registration already reports data that arrived before reading was first switched on. */
    private boolean fresh = true;

    EpollTransport(EpollReactor reactor, NativeIo io, Protocol protocol, int fd, SocketAddress local, SocketAddress remote) {
        super(reactor, protocol);
        this.epoll = reactor;
        this.io = io;
        this.fd = fd;
        this.local = local;
        this.remote = remote;
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    @Override
    public void ready(int events) {
        if ((events & END_EVENTS) != 0) {
            inputEnded = true;
        }
        if ((events & READ_EVENTS) != 0 && readInterest) {
            read();
        }
        if ((events & WRITE_EVENTS) != 0 && writeInterest && !fdClosed) {
            onWritable();
        }
    }

    /** Served from the reactor's read-again list. */
    void readAgainNow() {
        readQueued = false;
        if (readInterest && !fdClosed) {
            read();
        }
    }

    private void read() {
        onReadable();
        // A short read ended the burst; with the stream's end pending, read on to reach it.
        if (inputEnded && readInterest && !fdClosed) {
            queueRead();
        }
    }

    private void queueRead() {
        if (!readQueued && !fdClosed) {
            readQueued = true;
            epoll.readAgain(this);
        }
    }

    @Override
    protected int readInto(ByteBuffer dst) throws IOException {
        return io.read(fd, dst);
    }

    @Override
    protected int writeFrom(ByteBuffer src) throws IOException {
        return io.write(fd, src);
    }

    @Override
    protected long writeFrom(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return io.write(fd, srcs, offset, length);
    }

    @Override
    protected void shutdownOutputNow() throws IOException {
        io.shutdownOutput(fd);
    }

    @Override
    protected void closeNow() {
        if (fdClosed) {
            return;
        }
        fdClosed = true;
        readInterest = false;
        writeInterest = false;
        if (io.isOpen()) {
            epoll.deregister(fd, true);
            // A FIN first, as the JDK's channels send before closing: a close (or abort) with
            // unread input then reaches the peer as an end of stream followed by a reset, not
            // as a bare reset that could overtake what was sent before, so both backends end
            // connections alike (a TLS peer sees the missing close_notify, not ECONNRESET).
            io.shutdownOutputQuietly(fd);
            io.close(fd);
        }
    }

    @Override
    protected void interestRead(boolean on) {
        if (on && !readInterest) {
            readInterest = true;
            // Edge-triggered: bytes that arrived while reading was off raised no new edge.
            if (!fresh) {
                queueRead();
            }
            fresh = false;
        } else if (!on) {
            readInterest = false;
            fresh = false;
        }
    }

    @Override
    protected void interestWrite(boolean on) {
        writeInterest = on;
    }

    @Override
    protected void readBudgetExhausted() {
        queueRead();
    }

    @Override
    protected ByteBuffer readBuffer() {
        return epoll.readBuffer();
    }

    @Override
    protected boolean detachReadBuffer(ByteBuffer buffer) {
        return epoll.detachReadBuffer(buffer);
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }
}
