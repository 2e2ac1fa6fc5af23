package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.spi.ReactorResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user-visible descriptor (a pipe end) on the kqueue backend: one level-triggered filter
 * ({@code EVFILT_READ} for a read end, {@code EVFILT_WRITE} for a write end), registered the first
 * time someone waits on the descriptor and enabled only while someone does. A pipe whose other end
 * closed keeps reporting {@code EV_EOF}, which would otherwise spin the loop.
 */
final class KqueueDescriptor implements Descriptor, ReactorResource, KqueueHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KqueueDescriptor.class);

    final KqueueReactor reactor;
    private final BsdIo io;
    private final int fd;
    private final boolean readEnd;
    private final short filter;
    private final DescriptorHandler handler;
    private final String label;
    private boolean registered;
    private boolean open = true;
    private boolean lostNotified;

    KqueueDescriptor(KqueueReactor reactor, BsdIo io, int fd, boolean readEnd, DescriptorHandler handler, String label) {
        this.reactor = reactor;
        this.io = io;
        this.fd = fd;
        this.readEnd = readEnd;
        this.filter = readEnd ? EVFILT_READ : EVFILT_WRITE;
        this.handler = handler;
        this.label = label;
        reactor.install(fd, this);
        reactor.track(this);
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    private boolean wanted() {
        return readEnd ? reactor.descriptors.isReader(this) : reactor.descriptors.isWriter(this);
    }

    void updateInterest() {
        if (!open) {
            return;
        }
        boolean want = wanted();
        if (registered) {
            reactor.setEnabled(fd, filter, want);
        } else if (want) {
            reactor.watch(fd, filter, false, true);
            registered = true;
        }
    }

    @Override
    public void ready(short eventFilter, int flags, long data, int fflags) {
        if ((flags & EV_ERROR) != 0) {
            // The kernel refused to watch the descriptor (closed behind our back, say): it holds
            // no knote for it. The handler is dropped and told, as when it throws.
            registered = false;
            ErrnoException e = io.platform().error("kevent change for " + this, (int) data);
            LOG.warn("the kernel refused to watch {}: {}; removing it", this, e.getMessage());
            reactor.descriptors.forget(this);
            notifyLost(e);
            return;
        }
        try {
            if (!open || eventFilter != filter || !wanted()) {
                return;
            }
            if (readEnd) {
                handler.readable(this);
            } else {
                handler.writable(this);
            }
        } catch (Exception e) {
            // SPEC FD-8: a failing handler is dropped and told why.
            LOG.warn("descriptor handler {} threw; removing {}", handler, this, e);
            reactor.descriptors.forget(this);
            updateInterest();
            notifyLost(e);
        }
    }

    private void notifyLost(Throwable cause) {
        if (lostNotified) {
            return;
        }
        lostNotified = true;
        try {
            handler.connectionLost(this, cause);
        } catch (RuntimeException e) {
            LOG.error("descriptor handler {} threw from connectionLost", handler, e);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        reactor.checkLoop("Descriptor.read");
        if (!readEnd) {
            throw new IOException(label + " is not readable");
        }
        checkOpen();
        return io.read(fd, dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        reactor.checkLoop("Descriptor.write");
        if (readEnd) {
            throw new IOException(label + " is not writable");
        }
        checkOpen();
        return io.write(fd, src);
    }

    private void checkOpen() throws IOException {
        if (!open) {
            throw new IOException(label + " is closed");
        }
    }

    @Override
    public void close() {
        reactor.checkLoop("Descriptor.close");
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        reactor.descriptors.forget(this);
        if (io.isOpen()) {
            reactor.release(fd);
            io.close(fd);
        }
        registered = false;
        reactor.untrack(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void shutdownGracefully() {
        forceClose(new ConnectionLostException("reactor stopping", null));
    }

    @Override
    public void forceClose(Throwable cause) {
        // SPEC FD-7: every registered descriptor is told, then everything the reactor made is closed.
        boolean wasRegistered = reactor.descriptors.isReader(this) || reactor.descriptors.isWriter(this);
        closeNow();
        if (wasRegistered) {
            notifyLost(cause);
        }
    }

    @Override
    public String toString() {
        return "Descriptor[" + label + (open ? "" : ", closed") + "]";
    }
}
