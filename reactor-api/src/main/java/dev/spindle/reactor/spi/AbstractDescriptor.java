package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-neutral part of a descriptor a reactor created (a pipe end): one direction, read or
 * write; the checks of {@link #read} and {@link #write}; the handler call on readiness, where a
 * handler that throws is removed as reader and writer and told {@code connectionLost} with that
 * exception, once (SPEC FD-8); and closing, where a descriptor that was registered is told
 * {@code connectionLost} when the reactor stops (FD-7). A backend supplies the system calls and
 * turns {@link DescriptorSets} membership into kernel interest. Loop thread only.
 *
 * @param <D> the backend's descriptor type, the element type of its {@link DescriptorSets}
 */
public abstract class AbstractDescriptor<D extends AbstractDescriptor<D>> implements Descriptor, ReactorResource {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractDescriptor.class);

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    private final DescriptorSets<D> sets;
    private final boolean readEnd;
    private final DescriptorHandler handler;
    private final String label;
    private boolean open = true;
    private boolean lostNotified;

    /**
     * Creates the descriptor. The backend then tracks it ({@link AbstractReactor#track}) so that it
     * is closed when the reactor stops.
     *
     * @param reactor the owning reactor
     * @param sets the reactor's readers and writers
     * @param readEnd true for a read end, false for a write end
     * @param handler told of readiness
     * @param label names the descriptor in messages, e.g. {@code pipe-source}
     */
    protected AbstractDescriptor(AbstractReactor reactor, DescriptorSets<D> sets, boolean readEnd, DescriptorHandler handler,
            String label) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.sets = Objects.requireNonNull(sets, "sets must not be null");
        this.readEnd = readEnd;
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
        this.label = Objects.requireNonNull(label, "label must not be null");
    }

    @SuppressWarnings("unchecked")
    private D self() {
        return (D) this;
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Reads without blocking.
     *
     * @param dst the buffer
     * @return bytes read, 0 if none, -1 at end of stream
     * @throws IOException on error
     */
    protected abstract int readNow(ByteBuffer dst) throws IOException;

    /**
     * Writes without blocking.
     *
     * @param src the buffer
     * @return bytes written
     * @throws IOException on error
     */
    protected abstract int writeNow(ByteBuffer src) throws IOException;

    /** Stops watching the descriptor and closes it; called once. Must not throw. */
    protected abstract void release();

    /** Membership in the reader or writer set changed: update the kernel's interest from {@link #wanted()}. */
    protected abstract void interestChanged();

    // ------------------------------------------------------------------ for backends

    /** Whether this is a read end. */
    public final boolean isReadEnd() {
        return readEnd;
    }

    /**
     * Whether someone waits on this descriptor: a read end that is a reader, a write end that is a
     * writer.
     *
     * @return the interest the kernel should have
     */
    protected final boolean wanted() {
        return readEnd ? sets.isReader(self()) : sets.isWriter(self());
    }

    /**
     * The backend saw the descriptor ready in its direction: calls the handler if someone still
     * waits on it. A handler that throws is removed and told (FD-8).
     */
    protected final void ready() {
        if (!open || !wanted()) {
            return;
        }
        try {
            if (readEnd) {
                handler.readable(this);
            } else {
                handler.writable(this);
            }
        } catch (Exception e) {
            LOG.warn("descriptor handler {} threw; removing {}", handler, this, e);
            sets.forget(self());
            interestChanged();
            notifyLost(e);
        }
    }

    /**
     * The kernel refused to watch the descriptor: it is removed as reader and writer and its
     * handler told {@code cause}, once. The backend has already forgotten its kernel registration.
     *
     * @param cause why
     */
    protected final void refused(Throwable cause) {
        LOG.warn("the kernel refused to watch {}: {}; removing it", this, cause.getMessage());
        sets.forget(self());
        notifyLost(cause);
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

    // ------------------------------------------------------------------ Descriptor

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        reactor.checkLoop("Descriptor.read");
        if (!readEnd) {
            throw new IOException(label + " is not readable");
        }
        checkOpen();
        return readNow(dst);
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        reactor.checkLoop("Descriptor.write");
        if (readEnd) {
            throw new IOException(label + " is not writable");
        }
        checkOpen();
        return writeNow(src);
    }

    private void checkOpen() throws IOException {
        if (!open) {
            throw new IOException(label + " is closed");
        }
    }

    @Override
    public final void close() {
        reactor.checkLoop("Descriptor.close");
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        sets.forget(self());
        release();
        reactor.untrack(this);
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    // ------------------------------------------------------------------ ReactorResource

    @Override
    public final void shutdownGracefully() {
        forceClose(new ConnectionLostException("reactor stopping", null));
    }

    @Override
    public final void forceClose(Throwable cause) {
        // SPEC FD-7: every registered descriptor is told, then everything the reactor made is closed.
        boolean wasRegistered = sets.isReader(self()) || sets.isWriter(self());
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
