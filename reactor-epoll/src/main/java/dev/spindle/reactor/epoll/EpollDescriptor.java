package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLERR;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLHUP;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.spi.ReactorResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user-visible descriptor (a pipe end) on the epoll backend: level-triggered, in the epoll set
 * only while it is a reader or a writer (a pipe whose other end closed reports {@code EPOLLHUP} or
 * {@code EPOLLERR} whatever the mask, which would otherwise spin the loop).
 */
final class EpollDescriptor implements Descriptor, ReactorResource, EpollHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EpollDescriptor.class);

    final EpollReactor reactor;
    private final NativeIo io;
    private final int fd;
    private final boolean readEnd;
    private final DescriptorHandler handler;
    private final String label;
    private int registered;
    private boolean open = true;
    private boolean lostNotified;

    EpollDescriptor(EpollReactor reactor, NativeIo io, int fd, boolean readEnd, DescriptorHandler handler, String label) {
        this.reactor = reactor;
        this.io = io;
        this.fd = fd;
        this.readEnd = readEnd;
        this.handler = handler;
        this.label = label;
        reactor.install(fd, this);
        reactor.track(this);
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    void updateInterest() {
        if (!open) {
            return;
        }
        int want = 0;
        if (readEnd && reactor.descriptors.isReader(this)) {
            want |= EPOLLIN;
        }
        if (!readEnd && reactor.descriptors.isWriter(this)) {
            want |= EPOLLOUT;
        }
        try {
            reactor.control(fd, registered, want);
            registered = want;
        } catch (ErrnoException e) {
            throw new ReactorException("cannot watch " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void ready(int events) {
        try {
            if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && readEnd && reactor.descriptors.isReader(this)) {
                handler.readable(this);
            }
            if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0 && !readEnd && open && reactor.descriptors.isWriter(this)) {
                handler.writable(this);
            }
        } catch (Exception e) {
            // SPEC FD-8: a failing handler is dropped and told why.
            LOG.warn("descriptor handler {} threw; removing {}", handler, this, e);
            reactor.descriptors.forget(this);
            try {
                updateInterest();
            } catch (ReactorException ctl) {
                e.addSuppressed(ctl);
            }
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
            reactor.deregister(fd, registered != 0);
            io.close(fd);
        }
        registered = 0;
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
