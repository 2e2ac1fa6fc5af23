package dev.spindle.reactor.select;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.spi.ReactorResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user-visible descriptor (a pipe end) on the select backend. */
final class SelectDescriptor implements Descriptor, ReactorResource, SelectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SelectDescriptor.class);

    final SelectReactor reactor;
    private final SelectableChannel channel;
    private final DescriptorHandler handler;
    private final String label;
    private final SelectionKey key;
    private boolean open = true;
    private boolean lostNotified;

    SelectDescriptor(SelectReactor reactor, SelectableChannel channel, DescriptorHandler handler, String label)
            throws IOException {
        this.reactor = reactor;
        this.channel = channel;
        this.handler = handler;
        this.label = label;
        channel.configureBlocking(false);
        this.key = reactor.register(channel, 0, this);
        reactor.track(this);
    }

    void updateInterest() {
        if (!open || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (reactor.readers.contains(this)) {
            ops |= channel.validOps() & SelectionKey.OP_READ;
        }
        if (reactor.writers.contains(this)) {
            ops |= channel.validOps() & SelectionKey.OP_WRITE;
        }
        key.interestOps(ops);
    }

    @Override
    public void ready(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_READ) != 0 && reactor.readers.contains(this)) {
                handler.readable(this);
            }
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && open && reactor.writers.contains(this)) {
                handler.writable(this);
            }
        } catch (Exception e) {
            // SPEC FD-8: a failing handler is dropped and told why.
            LOG.warn("descriptor handler {} threw; removing {}", handler, this, e);
            reactor.readers.remove(this);
            reactor.writers.remove(this);
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
        if (!(channel instanceof ReadableByteChannel)) {
            throw new IOException(label + " is not readable");
        }
        return ((ReadableByteChannel) channel).read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        reactor.checkLoop("Descriptor.write");
        if (!(channel instanceof WritableByteChannel) && !(channel instanceof ByteChannel)) {
            throw new IOException(label + " is not writable");
        }
        return ((WritableByteChannel) channel).write(src);
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
        reactor.readers.remove(this);
        reactor.writers.remove(this);
        key.cancel();
        SelectReactor.closeQuietly(channel);
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
        boolean registered = reactor.readers.contains(this) || reactor.writers.contains(this);
        closeNow();
        if (registered) {
            notifyLost(cause);
        }
    }

    @Override
    public String toString() {
        return "Descriptor[" + label + (open ? "" : ", closed") + "]";
    }
}
