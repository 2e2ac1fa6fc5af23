package dev.spindle.reactor.testing;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.spi.ReactorResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory pipe of {@link DeterministicReactor}: a bounded byte buffer between a source and
 * a sink descriptor. Closing the sink gives the source end of stream once the buffer is drained;
 * closing the source makes writes to the sink fail ("broken pipe"). Loop thread only.
 */
final class MemoryPipe implements Pipe {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryPipe.class);

    private final ByteBuffer buffer; // write mode: bytes between 0 and position
    private final End source;
    private final End sink;

    MemoryPipe(DeterministicReactor reactor, DescriptorHandler sourceHandler, DescriptorHandler sinkHandler, int capacity) {
        this.buffer = ByteBuffer.allocate(capacity);
        this.source = new End(reactor, sourceHandler, true);
        this.sink = new End(reactor, sinkHandler, false);
    }

    @Override
    public Descriptor source() {
        return source;
    }

    @Override
    public Descriptor sink() {
        return sink;
    }

    End sourceEnd() {
        return source;
    }

    End sinkEnd() {
        return sink;
    }

    /** One end of the pipe: a descriptor and a resource of its reactor. */
    final class End implements Descriptor, ReactorResource {
        private final DeterministicReactor reactor;
        private final DescriptorHandler handler;
        private final boolean isSource;
        private boolean open = true;
        private boolean lost;

        End(DeterministicReactor reactor, DescriptorHandler handler, boolean isSource) {
            this.reactor = reactor;
            this.handler = handler;
            this.isSource = isSource;
        }

        DeterministicReactor owner() {
            return reactor;
        }

        DescriptorHandler handler() {
            return handler;
        }

        /** Readable: a source with bytes, or whose sink is closed (end of stream). */
        boolean readable() {
            return open && isSource && (buffer.position() > 0 || !sink.open);
        }

        /** Writable: a sink with room, or whose source is closed (the write fails). */
        boolean writable() {
            return open && !isSource && (buffer.hasRemaining() || !source.open);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!open) {
                throw new IOException("read on a closed descriptor: " + this);
            }
            if (!isSource) {
                throw new IOException("read on the sink end of a pipe: " + this);
            }
            if (buffer.position() == 0) {
                return sink.open ? 0 : -1;
            }
            buffer.flip();
            int n = Math.min(dst.remaining(), buffer.remaining());
            int limit = buffer.limit();
            buffer.limit(buffer.position() + n);
            dst.put(buffer);
            buffer.limit(limit);
            buffer.compact();
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) {
                throw new IOException("write on a closed descriptor: " + this);
            }
            if (isSource) {
                throw new IOException("write on the source end of a pipe: " + this);
            }
            if (!source.open) {
                throw new IOException("Broken pipe: the source end is closed (" + this + ")");
            }
            int n = Math.min(src.remaining(), buffer.remaining());
            int limit = src.limit();
            src.limit(src.position() + n);
            buffer.put(src);
            src.limit(limit);
            return n;
        }

        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            reactor.unregister(this);
            reactor.untrack(this);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        /** Tells the handler, at most once. */
        void lost(Throwable cause) {
            if (lost) {
                return;
            }
            lost = true;
            try {
                handler.connectionLost(this, cause);
            } catch (RuntimeException e) {
                LOG.error("descriptor handler of {} threw from connectionLost", this, e);
            }
        }

        // SPEC FD-7 / CORE-4: on shutdown, remove, close, then tell the registered ones.
        @Override
        public void shutdownGracefully() {
            forceClose(new ConnectionLostException("reactor stopping", null));
        }

        @Override
        public void forceClose(Throwable cause) {
            boolean registered = reactor.unregister(this);
            close();
            reactor.untrack(this);
            if (registered) {
                lost(cause);
            }
        }

        @Override
        public String toString() {
            return "MemoryPipe." + (isSource ? "source" : "sink") + "@" + Integer.toHexString(System.identityHashCode(MemoryPipe.this))
                    + (open ? "" : "[closed]");
        }
    }
}
