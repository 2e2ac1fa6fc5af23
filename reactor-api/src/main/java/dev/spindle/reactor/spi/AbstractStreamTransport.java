package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-neutral part of a stream transport: pending output, watermarks and writability
 * events, graceful close, abort, half-close, read pausing, and the exactly-once
 * {@code connectionLost}, and the reports to the reactor's
 * {@link dev.spindle.reactor.ConnectionListener}s (after the protocol's {@code connectionMade} in
 * {@link #start()}, after its {@code connectionLost} when the connection ends). A backend supplies
 * the socket calls and interest changes.
 *
 * <p>Hot path: a read fills the reactor's shared read buffer and hands it to the protocol; a
 * write goes straight to the socket while nothing is pending. Only output the socket refuses is
 * copied, into chunks that later writes fill up: direct buffers from the reactor's small pool
 * (so a flush needs no further copy), or heap buffers when the pool is empty.
 * Loop thread only.
 */
public abstract class AbstractStreamTransport implements Transport, ReactorResource {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractStreamTransport.class);
    private static final int MAX_GATHER = 64;
    /** Below this, copying into the tail chunk is cheaper than taking the read buffer over. */
    private static final int MIN_DETACH = 8192;
    /** From this size a write made during a read burst is not deferred to the burst's end. */
    private static final int MIN_WRITE_THROUGH = 8192;
    private static final int MAX_READS_PER_EVENT = 16;

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    private final Protocol protocol;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private long pendingBytes;
    private int lowWatermark;
    private int highWatermark;
    private final long maxPending;
    private boolean writable = true;
    private boolean started;
    private boolean closing;
    private boolean outputShutdownRequested;
    private boolean outputShut;
    private boolean eofSeen;
    private boolean readPaused;
    private boolean closed;
    private boolean deferWrites;
    // The reactor's connection listeners when this connection was reported made, and how many
    // of them were told (all, unless one of them ended the connection).
    private ConnectionListeners.Entry[] told = ConnectionListeners.NONE;
    private int toldCount;

    /**
     * Creates the transport; call {@link #start()} once the socket is registered.
     *
     * @param reactor the owning reactor
     * @param protocol the protocol
     */
    protected AbstractStreamTransport(AbstractReactor reactor, Protocol protocol) {
        this.reactor = reactor;
        this.protocol = Objects.requireNonNull(protocol, "protocol must not be null");
        this.lowWatermark = reactor.config().writeLowWatermark();
        this.highWatermark = reactor.config().writeHighWatermark();
        this.maxPending = reactor.config().maxPendingWriteBytes();
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Reads without blocking.
     *
     * @param dst the buffer
     * @return bytes read, 0 if none, -1 at end of stream
     * @throws IOException on error
     */
    protected abstract int readInto(ByteBuffer dst) throws IOException;

    /**
     * Writes without blocking.
     *
     * @param src the buffer
     * @return bytes written
     * @throws IOException on error
     */
    protected abstract int writeFrom(ByteBuffer src) throws IOException;

    /**
     * Gathering write without blocking.
     *
     * @param srcs the buffers
     * @param offset first buffer
     * @param length number of buffers
     * @return bytes written
     * @throws IOException on error
     */
    protected abstract long writeFrom(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Shuts the socket's sending half down.
     *
     * @throws IOException on error
     */
    protected abstract void shutdownOutputNow() throws IOException;

    /** Deregisters and closes the socket. Idempotent; must not throw. */
    protected abstract void closeNow();

    /**
     * Turns read interest on or off.
     *
     * @param on the interest
     */
    protected abstract void interestRead(boolean on);

    /**
     * Turns write interest on or off.
     *
     * @param on the interest
     */
    protected abstract void interestWrite(boolean on);

    /**
     * The reactor's shared read buffer, handed to the protocol for one call.
     *
     * @return the buffer
     */
    protected abstract ByteBuffer readBuffer();

    /**
     * Hands the read buffer over to this transport's pending output and installs a fresh one,
     * when a protocol writes back the very buffer it was given and the socket does not take it
     * all (echo, proxies): the bytes then wait without a copy. Backends that cannot replace their
     * read buffer keep the default.
     *
     * @param buffer the buffer {@link #readBuffer()} returned
     * @return true if the transport now owns {@code buffer}
     */
    protected boolean detachReadBuffer(ByteBuffer buffer) {
        return false;
    }

    /** Called after reading was resumed; edge-triggered backends read what arrived meanwhile. */
    protected void readingResumed() {
    }

    /**
     * Called when {@link #onReadable()} stopped after its cap of full-buffer reads, so that one
     * busy connection cannot starve the others: more data may be waiting. Edge-triggered
     * backends, which get no second event for it, remember the transport and call
     * {@link #onReadable()} again on their next pass without blocking; level-triggered ones keep
     * the default.
     */
    protected void readBudgetExhausted() {
    }

    // ------------------------------------------------------------------ events from the backend

    /**
     * Tells the protocol the connection is made, then the reactor's
     * {@link dev.spindle.reactor.ConnectionListener}s (if it is still open), and starts reading.
     * Loop thread.
     */
    public final void start() {
        reactor.track(this);
        started = true;
        try {
            protocol.connectionMade(this);
        } catch (RuntimeException e) {
            protocolFailed("connectionMade", e);
            return;
        }
        if (!closed) {
            reportMade();
        }
        if (!closed && !readPaused && !closing) {
            interestRead(true);
        }
    }

    /** The socket may be readable. Loop thread. */
    public final void onReadable() {
        boolean deferred = false;
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
                if (closed || closing || readPaused || eofSeen) {
                    return;
                }
                // Fetched each time: the protocol's write may have taken the last one over.
                ByteBuffer buf = readBuffer();
                buf.clear();
                int n;
                try {
                    n = readInto(buf);
                } catch (IOException e) {
                    lose(new ConnectionLostException("read failed: " + e.getMessage(), e));
                    return;
                }
                if (n > 0) {
                    buf.flip();
                    // A full buffer means more reads follow in this burst: writes made meanwhile
                    // are queued and leave in one gathering write at its end, as a flush would.
                    deferWrites = n == buf.capacity();
                    deferred |= deferWrites;
                    try {
                        protocol.dataReceived(buf);
                    } catch (RuntimeException e) {
                        protocolFailed("dataReceived", e);
                        return;
                    } finally {
                        deferWrites = false;
                    }
                    if (n < buf.capacity()) {
                        return;
                    }
                } else if (n < 0) {
                    onEof();
                    return;
                } else {
                    return;
                }
            }
            readBudgetExhausted();
        } finally {
            if (deferred && !closed && !pending.isEmpty()) {
                flush();
            }
        }
    }

    /** The socket may be writable. Loop thread. */
    public final void onWritable() {
        if (!closed) {
            flush();
        }
    }

    private void reportMade() {
        ConnectionListeners.Entry[] ls = reactor.connectionListeners.snapshot();
        if (ls.length == 0) {
            return;
        }
        told = ls;
        // A listener may end the connection: the ones told so far then hear of it from lose().
        for (int i = 0; i < ls.length && !closed; i++) {
            toldCount = i + 1;
            ConnectionListeners.made(ls[i], this);
        }
    }

    private void onEof() {
        eofSeen = true;
        interestRead(false);
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (RuntimeException e) {
            protocolFailed("eofReceived", e);
            return;
        }
        if (closed) {
            return;
        }
        if (!keepOpen) {
            close();
        } else if (outputShut) {
            finishClose();
        }
    }

    private void flush() {
        while (!pending.isEmpty()) {
            int count = 0;
            for (ByteBuffer b : pending) {
                gather[count++] = b;
                if (count == MAX_GATHER) {
                    break;
                }
            }
            long written;
            try {
                written = count == 1 ? writeFrom(gather[0]) : writeFrom(gather, 0, count);
            } catch (IOException e) {
                Arrays.fill(gather, 0, count, null);
                lose(new ConnectionLostException("write failed: " + e.getMessage(), e));
                return;
            }
            Arrays.fill(gather, 0, count, null);
            pendingBytes -= written;
            while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) {
                reactor.releaseChunk(pending.pollFirst());
            }
            if (!pending.isEmpty() && count < MAX_GATHER) {
                break;
            }
            if (written == 0) {
                break;
            }
        }
        if (pending.isEmpty()) {
            interestWrite(false);
            if (closing) {
                finishClose();
                return;
            }
            if (outputShutdownRequested && !outputShut) {
                doShutdownOutput();
                if (closed) {
                    return;
                }
            }
        } else {
            interestWrite(true);
        }
        checkWritability();
    }

    // ------------------------------------------------------------------ Transport

    @Override
    public final Reactor reactor() {
        return reactor;
    }

    @Override
    public final void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data must not be null");
        checkWrite();
        int len = data.remaining();
        if (len == 0) {
            return;
        }
        checkLimit(len);
        // Within a read burst small writes wait for the gathering write at its end; a large one
        // (a proxy or an echo handing back a full read) leaves at once, from the caller's buffer,
        // which stays hot in cache and is reused by the next read instead of being detached.
        if (pending.isEmpty() && (!deferWrites || len >= MIN_WRITE_THROUGH)) {
            try {
                writeFrom(data);
            } catch (IOException e) {
                data.position(data.limit());
                lose(new ConnectionLostException("write failed: " + e.getMessage(), e));
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            interestWrite(true);
        }
        if (data.remaining() >= MIN_DETACH && data.isDirect() && data.capacity() == AbstractReactor.CHUNK_SIZE
                && detachReadBuffer(data)) {
            // A view keeps the caller's buffer consumed, as write promises; the memory is ours now.
            pending.addLast(data.duplicate());
            pendingBytes += data.remaining();
            data.position(data.limit());
        } else {
            enqueue(data);
        }
        if (!deferWrites) {
            checkWritability();
        }
    }

    @Override
    public final void write(ByteBuffer[] data) {
        Objects.requireNonNull(data, "data must not be null");
        checkWrite();
        long len = 0;
        for (ByteBuffer b : data) {
            Objects.requireNonNull(b, "data must not contain null buffers");
            len += b.remaining();
        }
        if (len == 0) {
            return;
        }
        checkLimit(len);
        if (pending.isEmpty() && !deferWrites) {
            try {
                writeFrom(data, 0, data.length);
            } catch (IOException e) {
                for (ByteBuffer b : data) {
                    b.position(b.limit());
                }
                lose(new ConnectionLostException("write failed: " + e.getMessage(), e));
                return;
            }
            boolean left = false;
            for (ByteBuffer b : data) {
                if (b.hasRemaining()) {
                    left = true;
                    break;
                }
            }
            if (!left) {
                return;
            }
            interestWrite(true);
        }
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                enqueue(b);
            }
        }
        if (!deferWrites) {
            checkWritability();
        }
    }

    private void checkWrite() {
        reactor.checkLoop("Transport.write");
        if (closed) {
            throw new IllegalStateException("write on a closed transport (" + this + ")");
        }
        if (closing || outputShutdownRequested) {
            throw new IllegalStateException("write after " + (closing ? "close()" : "shutdownOutput()") + " (" + this + ")");
        }
    }

    private void checkLimit(long len) {
        if (pendingBytes + len > maxPending) {
            throw new WriteBufferFullException("write of " + len + " bytes would raise pending output from "
                    + pendingBytes + " to " + (pendingBytes + len) + " bytes, over the limit of " + maxPending);
        }
    }

    private void enqueue(ByteBuffer data) {
        int len = data.remaining();
        while (data.hasRemaining()) {
            ByteBuffer tail = pending.peekLast();
            int room = tail == null ? 0 : tail.capacity() - tail.limit();
            if (room == 0) {
                tail = reactor.acquireChunk();
                pending.addLast(tail);
                room = tail.capacity();
            }
            int n = Math.min(room, data.remaining());
            int at = tail.limit();
            tail.limit(at + n);
            tail.put(at, data, data.position(), n);
            data.position(data.position() + n);
        }
        pendingBytes += len;
    }

    private void checkWritability() {
        if (writable && pendingBytes > highWatermark) {
            writable = false;
            notifyWritability(false);
        } else if (!writable && pendingBytes <= lowWatermark) {
            writable = true;
            notifyWritability(true);
        }
    }

    private void notifyWritability(boolean now) {
        try {
            protocol.writabilityChanged(now);
        } catch (RuntimeException e) {
            protocolFailed("writabilityChanged", e);
        }
    }

    @Override
    public final void close() {
        reactor.checkLoop("Transport.close");
        if (closed || closing) {
            return;
        }
        closing = true;
        interestRead(false);
        if (pending.isEmpty()) {
            finishClose();
        } else {
            interestWrite(true);
        }
    }

    @Override
    public final void abort() {
        reactor.checkLoop("Transport.abort");
        if (closed) {
            return;
        }
        lose(new ConnectionLostException("connection aborted locally", null));
    }

    @Override
    public final void shutdownOutput() {
        reactor.checkLoop("Transport.shutdownOutput");
        if (closed || closing || outputShutdownRequested) {
            return;
        }
        outputShutdownRequested = true;
        if (pending.isEmpty()) {
            doShutdownOutput();
        }
    }

    private void doShutdownOutput() {
        outputShut = true;
        try {
            shutdownOutputNow();
        } catch (IOException e) {
            lose(new ConnectionLostException("shutdown of output failed: " + e.getMessage(), e));
            return;
        }
        if (eofSeen) {
            finishClose();
        }
    }

    private void finishClose() {
        lose(null);
    }

    @Override
    public final void pauseReading() {
        reactor.checkLoop("Transport.pauseReading");
        if (readPaused || closed) {
            return;
        }
        readPaused = true;
        interestRead(false);
    }

    @Override
    public final void resumeReading() {
        reactor.checkLoop("Transport.resumeReading");
        if (!readPaused || closed) {
            return;
        }
        readPaused = false;
        if (!eofSeen && !closing) {
            interestRead(true);
            readingResumed();
        }
    }

    @Override
    public final boolean isReadingPaused() {
        return readPaused;
    }

    @Override
    public final boolean isWritable() {
        return writable && !closed;
    }

    @Override
    public final long pendingWriteBytes() {
        return pendingBytes;
    }

    @Override
    public final void setWriteWatermarks(int low, int high) {
        reactor.checkLoop("Transport.setWriteWatermarks");
        if (low < 0 || high < low || high > maxPending) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high <= " + maxPending
                    + ", found: low=" + low + ", high=" + high);
        }
        lowWatermark = low;
        highWatermark = high;
        checkWritability();
    }

    @Override
    public final boolean isOpen() {
        return !closed;
    }

    // ------------------------------------------------------------------ ReactorResource

    @Override
    public final void shutdownGracefully() {
        if (!closed) {
            close();
        }
    }

    @Override
    public final void forceClose(Throwable cause) {
        lose(cause);
    }

    // ------------------------------------------------------------------ endings

    /**
     * Ends the connection: closes the socket and tells the protocol once, then the connection
     * listeners that were told it was made.
     *
     * @param cause null for a clean close
     */
    protected final void lose(@Nullable Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuffer chunk;
        while ((chunk = pending.pollFirst()) != null) {
            reactor.releaseChunk(chunk);
        }
        pendingBytes = 0;
        closeNow();
        reactor.untrack(this);
        if (!started) {
            return;
        }
        try {
            protocol.connectionLost(cause);
        } catch (RuntimeException e) {
            LOG.error("protocol {} threw from connectionLost", protocol, e);
        }
        int n = toldCount;
        if (n > 0) {
            ConnectionListeners.Entry[] ls = told;
            toldCount = 0;
            told = ConnectionListeners.NONE;
            ConnectionListeners.lost(ls, n, this, cause);
        }
    }

    private void protocolFailed(String method, RuntimeException e) {
        LOG.error("protocol {} threw from {}; aborting its connection {}", protocol, method, this, e);
        lose(new ConnectionLostException("protocol threw from " + method + ": " + e, e));
    }

    @Override
    public String toString() {
        String s;
        try {
            s = localAddress() + " <-> " + remoteAddress();
        } catch (RuntimeException e) {
            s = "?";
        }
        return getClass().getSimpleName() + "[" + s + (closed ? ", closed" : closing ? ", closing" : "") + "]";
    }
}
