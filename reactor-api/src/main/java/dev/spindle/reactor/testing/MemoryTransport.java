package dev.spindle.reactor.testing;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractStreamTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory socket under the real {@link AbstractStreamTransport}: write queueing,
 * watermarks, close, abort, half-close and read pausing are the code the backends run; only the
 * socket calls are simulated. The test plays the peer (haka-mqtt's scripted socket, SPEC
 * HK-TT-1):
 * <ul>
 *   <li>what the protocol wrote and the socket took is collected: {@link #written()} and
 *       {@link #takeWritten()};</li>
 *   <li>{@link #setWriteCapacity(int)} bounds how many bytes each socket write takes (0: the
 *       socket is full), to script partial writes; the rest queues in the transport. While
 *       output is pending and the capacity is above 0, every loop pass reports the socket
 *       writable, as a real poller would; {@link #flushWritable()} reports it once, at once;</li>
 *   <li>{@link #deliver(byte[])} and {@link #deliverEof()} make bytes and end of stream arrive:
 *       when the transport is reading they go through the real read path at once
 *       ({@code dataReceived} runs inside the call); while reading is paused they wait and are
 *       read in the first pass after {@code resumeReading()};</li>
 *   <li>{@link #reset(IOException)} simulates a connection reset by the peer.</li>
 * </ul>
 * Loop thread only.
 */
public final class MemoryTransport extends AbstractStreamTransport {
    /** The default write capacity: each socket write takes everything. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final DeterministicReactor owner;
    private final Protocol protocol;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    // The peer's view of the socket.
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final ArrayDeque<ByteBuffer> inbound = new ArrayDeque<>();
    private int writeCapacity = UNLIMITED;
    private boolean eofDelivered;
    private @Nullable IOException resetCause;
    private boolean readInterest;
    private boolean writeInterest;
    private boolean outputShutdown;
    private boolean socketClosed;

    MemoryTransport(DeterministicReactor owner, Protocol protocol, SocketAddress localAddress, SocketAddress remoteAddress) {
        super(owner, protocol);
        this.owner = owner;
        this.protocol = protocol;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        owner.transportOpened(this);
    }

    /**
     * The protocol attached to this transport.
     *
     * @return the protocol
     */
    public Protocol protocol() {
        return protocol;
    }

    // ------------------------------------------------------------------ the peer's side

    /**
     * The bytes the socket has taken so far and that were not taken by {@link #takeWritten()}:
     * a copy. Still readable after the transport closed.
     *
     * @return the bytes, in order
     */
    public byte[] written() {
        return written.toByteArray();
    }

    /**
     * Returns the bytes the socket has taken so far and forgets them.
     *
     * @return the bytes, in order
     */
    public byte[] takeWritten() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }

    /**
     * Bounds how many bytes each socket write takes from now on; the transport queues the rest
     * (and flushes it when the socket is writable again). 0 models a full socket.
     *
     * @param bytesPerWrite 0 or more; {@link #UNLIMITED} is the default
     * @throws IllegalArgumentException if negative
     */
    public void setWriteCapacity(int bytesPerWrite) {
        if (bytesPerWrite < 0) {
            throw new IllegalArgumentException("bytesPerWrite must not be negative, found: " + bytesPerWrite);
        }
        this.writeCapacity = bytesPerWrite;
    }

    /**
     * The current bound of each socket write.
     *
     * @return bytes per write, {@link #UNLIMITED} by default
     */
    public int writeCapacity() {
        return writeCapacity;
    }

    /**
     * Simulates the socket becoming writable once, now: pending output is flushed as far as the
     * write capacity allows (the real {@code onWritable} path).
     *
     * @throws IllegalStateException off the loop thread
     */
    public void flushWritable() {
        if (socketClosed) {
            return;
        }
        owner.checkLoop("MemoryTransport.flushWritable");
        onWritable();
    }

    /**
     * Bytes arrive from the peer (copied). Read at once if the transport is reading, else kept
     * until it reads again. Ignored once the socket is closed, as a closed socket drops input.
     *
     * @param data the bytes
     * @throws IllegalStateException after {@link #deliverEof()}, or off the loop thread
     */
    public void deliver(byte[] data) {
        Objects.requireNonNull(data, "data must not be null");
        deliver(ByteBuffer.wrap(data));
    }

    /**
     * Bytes arrive from the peer: the remaining bytes of {@code data} are copied and the buffer
     * consumed. Read at once if the transport is reading, else kept until it reads again.
     * Ignored once the socket is closed.
     *
     * @param data the bytes
     * @throws IllegalStateException after {@link #deliverEof()}, or off the loop thread
     */
    public void deliver(ByteBuffer data) {
        Objects.requireNonNull(data, "data must not be null");
        if (socketClosed) {
            data.position(data.limit());
            return;
        }
        owner.checkLoop("MemoryTransport.deliver");
        if (eofDelivered) {
            throw new IllegalStateException("deliver after deliverEof(): the peer already closed its sending half");
        }
        if (!data.hasRemaining()) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        inbound.add(copy);
        readNowIfReading();
    }

    /**
     * The peer shuts its sending half down: after the bytes already delivered, reads see end of
     * stream and the protocol's {@code eofReceived} runs (at once if the transport is reading).
     * Idempotent; ignored once the socket is closed.
     *
     * @throws IllegalStateException off the loop thread
     */
    public void deliverEof() {
        if (eofDelivered || socketClosed) {
            return;
        }
        owner.checkLoop("MemoryTransport.deliverEof");
        eofDelivered = true;
        readNowIfReading();
    }

    /**
     * The peer resets the connection: bytes not yet read are dropped, and the next read or write
     * fails with {@code cause} (at once if the transport is reading), so the protocol sees
     * {@code connectionLost} with a {@link dev.spindle.reactor.ConnectionLostException} caused
     * by it. Ignored once the socket is closed.
     *
     * @param cause the error the socket reports, e.g. {@code new IOException("Connection reset by peer")}
     * @throws IllegalStateException off the loop thread
     */
    public void reset(IOException cause) {
        Objects.requireNonNull(cause, "cause must not be null");
        if (socketClosed) {
            return;
        }
        owner.checkLoop("MemoryTransport.reset");
        inbound.clear();
        resetCause = cause;
        readNowIfReading();
    }

    private void readNowIfReading() {
        if (readReady()) {
            onReadable();
        }
    }

    /**
     * Whether the transport has asked to read (it is not paused, closing or past end of stream).
     *
     * @return the read interest
     */
    public boolean wantsRead() {
        return readInterest;
    }

    /**
     * Whether the transport has asked to be told when the socket is writable (output is pending).
     *
     * @return the write interest
     */
    public boolean wantsWrite() {
        return writeInterest;
    }

    /**
     * Whether the transport shut the socket's sending half down (after {@code shutdownOutput()}
     * and a flush of pending output).
     *
     * @return true once shut
     */
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    /**
     * Whether the transport closed the socket.
     *
     * @return true once closed
     */
    public boolean isSocketClosed() {
        return socketClosed;
    }

    // ------------------------------------------------------------------ readiness, for the reactor

    boolean readReady() {
        return readInterest && !socketClosed && (!inbound.isEmpty() || eofDelivered || resetCause != null);
    }

    boolean writeReady() {
        return writeInterest && !socketClosed && writeCapacity > 0;
    }

    // ------------------------------------------------------------------ socket hooks

    @Override
    protected int readInto(ByteBuffer dst) throws IOException {
        if (socketClosed) {
            throw new IOException("socket closed");
        }
        IOException reset = resetCause;
        if (reset != null) {
            throw reset;
        }
        int n = 0;
        while (dst.hasRemaining() && !inbound.isEmpty()) {
            ByteBuffer head = inbound.peekFirst();
            int k = Math.min(dst.remaining(), head.remaining());
            int limit = head.limit();
            head.limit(head.position() + k);
            dst.put(head);
            head.limit(limit);
            n += k;
            if (!head.hasRemaining()) {
                inbound.pollFirst();
            }
        }
        if (n == 0 && eofDelivered) {
            return -1;
        }
        return n;
    }

    @Override
    protected int writeFrom(ByteBuffer src) throws IOException {
        checkWritableSocket();
        return take(src, writeCapacity);
    }

    @Override
    protected long writeFrom(ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkWritableSocket();
        int budget = writeCapacity;
        long total = 0;
        for (int i = offset; i < offset + length && budget > 0; i++) {
            int n = take(srcs[i], budget);
            budget -= n;
            total += n;
        }
        return total;
    }

    private void checkWritableSocket() throws IOException {
        if (socketClosed) {
            throw new IOException("socket closed");
        }
        if (outputShutdown) {
            throw new IOException("socket output is shut down");
        }
        IOException reset = resetCause;
        if (reset != null) {
            throw reset;
        }
    }

    private int take(ByteBuffer src, int budget) {
        int n = Math.min(src.remaining(), budget);
        if (n == 0) {
            return 0;
        }
        if (src.hasArray()) {
            written.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.position() + n);
        } else {
            byte[] b = new byte[n];
            src.get(b);
            written.write(b, 0, n);
        }
        return n;
    }

    @Override
    protected void shutdownOutputNow() {
        outputShutdown = true;
    }

    @Override
    protected void closeNow() {
        if (socketClosed) {
            return;
        }
        socketClosed = true;
        readInterest = false;
        writeInterest = false;
        inbound.clear();
        owner.transportClosed(this);
    }

    @Override
    protected void interestRead(boolean on) {
        readInterest = on && !socketClosed;
    }

    @Override
    protected void interestWrite(boolean on) {
        writeInterest = on && !socketClosed;
    }

    @Override
    protected ByteBuffer readBuffer() {
        return owner.sharedReadBuffer();
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }
}
