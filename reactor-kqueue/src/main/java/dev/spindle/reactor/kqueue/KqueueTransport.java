package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_EOF;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.EdgeTriggeredStreamTransport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A TCP connection on the kqueue backend. Both filters are registered edge-triggered
 * ({@code EV_CLEAR}) for the connection's whole life; the read filter is disabled while reading is
 * paused and the write filter enabled only while output waits, each change a record in the
 * reactor's {@link ChangeList}, so an idle or paused connection never wakes the loop. The
 * edge-triggered reading rules are {@link EdgeTriggeredStreamTransport}'s. Writing waits for
 * {@code EVFILT_WRITE} only after the kernel refused bytes, so the socket's next drain is a new
 * edge; a drain that happens before the enabling change reaches the kernel is kept by the disabled
 * knote and reported once it is enabled.
 */
final class KqueueTransport extends EdgeTriggeredStreamTransport implements KqueueHandler {
    private final KqueueReactor kqueue;
    private final BsdIo io;
    private final int fd;
    private final SocketAddress local;
    private final SocketAddress remote;
    /** The read filter's state in the kernel: registered enabled, off while reading is paused. */
    private boolean readKnoteOn = true;
    /** The write filter's state in the kernel: registered disabled, on while output waits. */
    private boolean writeKnoteOn;

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
        } else if (filter == EVFILT_READ) {
            readable((flags & EV_EOF) != 0);
        } else if (filter == EVFILT_WRITE && writeKnoteOn && !isSocketClosed()) {
            // With EV_EOF the peer is gone: the flush fails with the socket's error and ends the connection.
            onWritable();
        }
    }

    /** Reads on the next pass: its first input was reported to the connect, before this transport existed. */
    void readReportedEarlier() {
        readSoon();
    }

    @Override
    protected void scheduleReadAgain() {
        kqueue.readAgain(this);
    }

    @Override
    protected void readInterestChanged(boolean on) {
        if (on != readKnoteOn) {
            readKnoteOn = on;
            kqueue.setEnabled(fd, EVFILT_READ, on);
        }
    }

    @Override
    protected void interestWrite(boolean on) {
        if (on != writeKnoteOn && !isSocketClosed()) {
            writeKnoteOn = on;
            kqueue.setEnabled(fd, EVFILT_WRITE, on);
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
    protected void closeSocket() {
        writeKnoteOn = false;
        if (io.isOpen()) {
            kqueue.release(fd);
            io.close(fd);
        }
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
