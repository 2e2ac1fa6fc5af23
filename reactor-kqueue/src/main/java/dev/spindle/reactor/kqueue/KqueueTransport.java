package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_EOF;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractStreamTransport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A TCP connection on the kqueue backend. Both filters are registered edge-triggered
 * ({@code EV_CLEAR}) for the connection's whole life; the read filter is disabled while reading is
 * paused and the write filter enabled only while output waits, each change a record in the
 * reactor's {@link ChangeList}. With edge triggering an event must not be left half-served:
 * reading drains until a short read or {@code EAGAIN} (the shared
 * {@link AbstractStreamTransport#onReadable()} does that), and whenever reading is switched on
 * again, or a burst hit its cap, the transport goes on the reactor's read-again list. Writing waits
 * for {@code EVFILT_WRITE} only after the kernel refused bytes, so the socket's next drain is a new
 * edge; a drain that happens before the enabling change reaches the kernel is kept by the disabled
 * knote and reported once it is enabled.
 */
final class KqueueTransport extends AbstractStreamTransport implements KqueueHandler {
    private final KqueueReactor kqueue;
    private final BsdIo io;
    private final int fd;
    private final SocketAddress local;
    private final SocketAddress remote;
    private boolean readInterest;
    /** The read filter's state in the kernel: registered enabled, off while reading is paused. */
    private boolean readKnoteOn = true;
    /** Also the write filter's state in the kernel: registered disabled, on while output waits. */
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

    KqueueTransport(KqueueReactor reactor, BsdIo io, Protocol protocol, int fd, SocketAddress local, SocketAddress remote) {
        super(reactor, protocol);
        this.kqueue = reactor;
        this.io = io;
        this.fd = fd;
        this.local = local;
        this.remote = remote;
    }

    /** Registers an accepted connection's two filters: reading on, writing off until output waits. */
    void registerAccepted() {
        kqueue.install(fd, this);
        kqueue.watch(fd, EVFILT_READ, true, true);
        kqueue.watch(fd, EVFILT_WRITE, true, false);
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    @Override
    public void ready(short filter, int flags, long data, int fflags) {
        if ((flags & EV_ERROR) != 0) {
            ErrnoException e = io.platform().error("kevent change for fd " + fd + " (filter " + filter + ")", (int) data);
            forceClose(new ConnectionLostException("the kernel refused to watch the connection: " + e.getMessage(), e));
            return;
        }
        if (filter == EVFILT_READ) {
            if ((flags & EV_EOF) != 0) {
                inputEnded = true;
            }
            if (readInterest) {
                read();
            }
        } else if (filter == EVFILT_WRITE && writeInterest && !fdClosed) {
            // With EV_EOF the peer is gone: the flush fails with the socket's error and ends the connection.
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

    /** Reads on the next pass: for a connection whose first data was reported before it existed. */
    void readSoon() {
        queueRead();
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
            kqueue.readAgain(this);
        }
    }

    @Override
    protected int readInto(ByteBuffer dst) throws IOException {
        return io.read(fd, dst);
    }

    @Override
    protected int writeFrom(ByteBuffer src) throws IOException {
        return io.send(fd, src);
    }

    @Override
    protected long writeFrom(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return io.send(fd, srcs, offset, length);
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
            kqueue.release(fd);
            io.close(fd);
        }
    }

    @Override
    protected void interestRead(boolean on) {
        if (on) {
            setReadKnote(true);
            if (!readInterest) {
                readInterest = true;
                // Edge-triggered: bytes that arrived while reading was off may have raised their
                // edge already (and the event was passed over).
                if (!fresh) {
                    queueRead();
                }
            }
        } else {
            setReadKnote(false);
            readInterest = false;
        }
        fresh = false;
    }

    private void setReadKnote(boolean on) {
        if (on != readKnoteOn && !fdClosed) {
            readKnoteOn = on;
            kqueue.setEnabled(fd, EVFILT_READ, on);
        }
    }

    @Override
    protected void interestWrite(boolean on) {
        if (on != writeInterest) {
            writeInterest = on;
            if (!fdClosed) {
                kqueue.setEnabled(fd, EVFILT_WRITE, on);
            }
        }
    }

    @Override
    protected void readBudgetExhausted() {
        queueRead();
    }

    @Override
    protected ByteBuffer readBuffer() {
        return kqueue.readBuffer();
    }

    @Override
    protected boolean detachReadBuffer(ByteBuffer buffer) {
        return kqueue.detachReadBuffer(buffer);
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
