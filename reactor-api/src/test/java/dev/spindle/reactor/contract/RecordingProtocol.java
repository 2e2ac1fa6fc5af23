package dev.spindle.reactor.contract;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A protocol that records what the reactor tells it, for assertions on the test thread. Never
 * asserts inside a callback (an {@link Error} there would fail the loop); subclasses add
 * behaviour through the {@code on...} hooks.
 *
 * <p>Recorded: the ordered events ({@code made}, {@code data} (consecutive reads folded),
 * {@code eof}, {@code writable=...}, {@code lost}, and marks added by the test), the bytes
 * received (kept up to 1 MiB; all of them are counted and checked against
 * {@link StreamPattern} when asked), the cause given to {@code connectionLost}, and callbacks
 * that arrived off the loop thread.
 */
public class RecordingProtocol implements Protocol {
    private static final int KEEP_LIMIT = 1 << 20;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Transport> made = new CompletableFuture<>();
    private final CompletableFuture<@Nullable Throwable> lost = new CompletableFuture<>();
    private final AtomicInteger lostCalls = new AtomicInteger();
    private final AtomicInteger offLoopCalls = new AtomicInteger();
    private final List<Boolean> writability = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(); // guarded by itself
    private final StreamPattern.Check pattern = new StreamPattern.Check();
    private volatile boolean keepOpenOnEof;
    private volatile @Nullable Transport transport;

    /** Creates a protocol that closes on end of stream (the default {@code eofReceived}). */
    public RecordingProtocol() {
    }

    /**
     * Makes {@link #eofReceived()} return true: keep the sending half open after the peer's
     * end of stream.
     *
     * @return this protocol
     */
    public RecordingProtocol keepOpenOnEof() {
        this.keepOpenOnEof = true;
        return this;
    }

    @Override
    public final void connectionMade(Transport t) {
        this.transport = t;
        checkThread();
        events.add("made");
        made.complete(t);
        onConnectionMade(t);
    }

    @Override
    public final void dataReceived(ByteBuffer data) {
        checkThread();
        int n = events.size();
        if (n == 0 || !"data".equals(events.get(n - 1))) {
            events.add("data");
        }
        synchronized (kept) {
            if (kept.size() < KEEP_LIMIT) {
                int len = Math.min(data.remaining(), KEEP_LIMIT - kept.size());
                for (int k = 0; k < len; k++) {
                    kept.write(data.get(data.position() + k));
                }
            }
        }
        // Counted last: a test that saw the count reach n finds the n bytes kept.
        pattern.accept(data);
        onData(data);
    }

    @Override
    public final boolean eofReceived() {
        checkThread();
        events.add("eof");
        return onEof(keepOpenOnEof);
    }

    @Override
    public final void writabilityChanged(boolean writable) {
        checkThread();
        events.add("writable=" + writable);
        writability.add(writable);
        onWritabilityChanged(writable);
    }

    @Override
    public final void connectionLost(@Nullable Throwable cause) {
        checkThread();
        events.add("lost");
        lostCalls.incrementAndGet();
        lost.complete(cause);
        onConnectionLost(cause);
    }

    // ------------------------------------------------------------------ hooks (loop thread)

    /**
     * After {@code connectionMade} was recorded.
     *
     * @param t the transport
     */
    protected void onConnectionMade(Transport t) {
    }

    /**
     * After the bytes were recorded; the buffer's position is untouched.
     *
     * @param data the bytes
     */
    protected void onData(ByteBuffer data) {
    }

    /**
     * After {@code eof} was recorded.
     *
     * @param keepOpen what {@link #keepOpenOnEof()} configured
     * @return the value for {@code eofReceived}
     */
    protected boolean onEof(boolean keepOpen) {
        return keepOpen;
    }

    /**
     * After the change was recorded.
     *
     * @param writable the new writability
     */
    protected void onWritabilityChanged(boolean writable) {
    }

    /**
     * After {@code lost} was recorded.
     *
     * @param cause the cause
     */
    protected void onConnectionLost(@Nullable Throwable cause) {
    }

    // ------------------------------------------------------------------ for the test thread

    /**
     * Adds a mark to the event list (for ordering against the protocol's own events).
     *
     * @param mark the mark
     */
    public void mark(String mark) {
        events.add(mark);
    }

    /**
     * The events so far.
     *
     * @return a copy
     */
    public List<String> events() {
        return new ArrayList<>(events);
    }

    /**
     * Completes with the transport on {@code connectionMade}.
     *
     * @return the stage
     */
    public CompletableFuture<Transport> made() {
        return made;
    }

    /**
     * Completes with the cause (null for a clean close) on {@code connectionLost}.
     *
     * @return the stage
     */
    public CompletableFuture<@Nullable Throwable> lost() {
        return lost;
    }

    /**
     * How often {@code connectionLost} was called.
     *
     * @return the count
     */
    public int lostCalls() {
        return lostCalls.get();
    }

    /**
     * How many callbacks arrived off the loop thread.
     *
     * @return the count (0 expected)
     */
    public int offLoopCalls() {
        return offLoopCalls.get();
    }

    /**
     * The writability changes, in order.
     *
     * @return a copy
     */
    public List<Boolean> writability() {
        return new ArrayList<>(writability);
    }

    /**
     * Bytes received so far.
     *
     * @return the count
     */
    public long receivedBytes() {
        return pattern.count();
    }

    /**
     * The bytes received, if fewer than 1 MiB.
     *
     * @return a copy
     */
    public byte[] received() {
        synchronized (kept) {
            return kept.toByteArray();
        }
    }

    /**
     * The bytes received as UTF-8.
     *
     * @return the text
     */
    public String receivedText() {
        return new String(received(), StandardCharsets.UTF_8);
    }

    /**
     * The pattern check of everything received (meaningful when the peer sent
     * {@link StreamPattern}).
     *
     * @return the check
     */
    public StreamPattern.Check pattern() {
        return pattern;
    }

    /**
     * The transport, once made.
     *
     * @return the transport
     */
    public Transport transport() {
        Transport t = transport;
        if (t == null) {
            throw new AssertionError("connectionMade was not called");
        }
        return t;
    }

    private void checkThread() {
        Transport t = transport;
        if (t != null && !t.reactor().inLoop()) {
            offLoopCalls.incrementAndGet();
        }
    }

    /** A recording protocol that writes back what it receives. */
    public static class Echo extends RecordingProtocol {
        /** Creates the protocol. */
        public Echo() {
        }

        @Override
        protected void onData(ByteBuffer data) {
            transport().write(data);
        }
    }
}
