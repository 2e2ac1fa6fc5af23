package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.spi.AbstractDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A user-visible descriptor (a pipe end) on the kqueue backend: one level-triggered filter
 * ({@code EVFILT_READ} for a read end, {@code EVFILT_WRITE} for a write end), registered the first
 * time someone waits on the descriptor and enabled only while someone does. A pipe whose other end
 * closed keeps reporting {@code EV_EOF}, which would otherwise spin the loop.
 */
final class KqueueDescriptor extends AbstractDescriptor<KqueueDescriptor> implements KqueueHandler {
    final KqueueReactor kqueue;
    private final BsdIo io;
    private final int fd;
    private final short filter;
    private boolean registered;
    private boolean released;

    KqueueDescriptor(KqueueReactor reactor, BsdIo io, int fd, boolean readEnd, DescriptorHandler handler, String label) {
        super(reactor, reactor.descriptors, readEnd, handler, label);
        this.kqueue = reactor;
        this.io = io;
        this.fd = fd;
        this.filter = readEnd ? EVFILT_READ : EVFILT_WRITE;
        reactor.install(fd, this);
        reactor.track(this);
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    @Override
    protected void interestChanged() {
        if (released) {
            return;
        }
        boolean want = wanted();
        if (registered) {
            kqueue.setEnabled(fd, filter, want);
        } else if (want) {
            kqueue.watch(fd, filter, false, true);
            registered = true;
        }
    }

    @Override
    public void ready(short eventFilter, int flags, long data, int fflags) {
        if ((flags & EV_ERROR) != 0) {
            // Closed behind the backend's back, say: the kernel holds no knote for it.
            registered = false;
            refused(io.platform().error("kevent change for " + this, (int) data));
        } else if (eventFilter == filter) {
            ready();
        }
    }

    @Override
    protected int readNow(ByteBuffer dst) throws IOException {
        return io.read(fd, dst);
    }

    @Override
    protected int writeNow(ByteBuffer src) throws IOException {
        return io.write(fd, src);
    }

    @Override
    protected void release() {
        released = true;
        registered = false;
        if (io.isOpen()) {
            kqueue.release(fd);
            io.close(fd);
        }
    }
}
