package dev.spindle.reactor.contract;

import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.ReactorException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A datagram protocol that records what the reactor tells it, for assertions on the test thread.
 * Never asserts inside a callback; subclasses add behaviour through the {@code on...} hooks.
 *
 * <p>Recorded: the ordered events ({@code started}, {@code datagram}, {@code error:<type>},
 * {@code writable=...}, {@code stopped}), every datagram with its sender (copied), every error,
 * the cause given to {@code stopped}, and callbacks that arrived off the loop thread.
 */
public class RecordingDatagramProtocol implements DatagramProtocol {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Received> datagrams = new LinkedBlockingQueue<>();
    private final List<Received> all = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ReactorException> errors = new LinkedBlockingQueue<>();
    private final CompletableFuture<DatagramTransport> started = new CompletableFuture<>();
    private final CompletableFuture<@Nullable Throwable> stopped = new CompletableFuture<>();
    private final AtomicInteger stoppedCalls = new AtomicInteger();
    private final AtomicInteger offLoopCalls = new AtomicInteger();
    private volatile @Nullable DatagramTransport transport;

    /** Creates the protocol. */
    public RecordingDatagramProtocol() {
    }

    @Override
    public final void started(DatagramTransport t) {
        this.transport = t;
        checkThread();
        events.add("started");
        started.complete(t);
        onStarted(t);
    }

    @Override
    public final void datagramReceived(ByteBuffer data, SocketAddress sender) {
        checkThread();
        events.add("datagram");
        byte[] copy = new byte[data.remaining()];
        data.get(data.position(), copy);
        Received r = new Received(copy, sender);
        all.add(r);
        datagrams.add(r);
        onDatagram(data, sender);
    }

    @Override
    public final void errorReceived(ReactorException error) {
        checkThread();
        events.add("error:" + error.getClass().getSimpleName());
        errors.add(error);
        onError(error);
    }

    @Override
    public final void writabilityChanged(boolean writable) {
        checkThread();
        events.add("writable=" + writable);
    }

    @Override
    public final void stopped(@Nullable Throwable cause) {
        checkThread();
        events.add("stopped");
        stoppedCalls.incrementAndGet();
        stopped.complete(cause);
    }

    // ------------------------------------------------------------------ hooks (loop thread)

    /**
     * After {@code started} was recorded.
     *
     * @param t the transport
     */
    protected void onStarted(DatagramTransport t) {
    }

    /**
     * After the datagram was recorded; the buffer's position is untouched.
     *
     * @param data the datagram
     * @param sender the sender
     */
    protected void onDatagram(ByteBuffer data, SocketAddress sender) {
    }

    /**
     * After the error was recorded.
     *
     * @param error the error
     */
    protected void onError(ReactorException error) {
    }

    // ------------------------------------------------------------------ for the test thread

    /**
     * The next datagram not yet taken, waiting for it (bounded).
     *
     * @return the datagram
     */
    public Received next() {
        Received r = poll(datagrams);
        if (r == null) {
            throw new AssertionError("no datagram within " + ReactorHarness.WAIT + "; events so far: " + events);
        }
        return r;
    }

    /**
     * The next error not yet taken, waiting for it (bounded).
     *
     * @return the error
     */
    public ReactorException nextError() {
        ReactorException e = poll(errors);
        if (e == null) {
            throw new AssertionError("no error reported within " + ReactorHarness.WAIT + "; events so far: " + events);
        }
        return e;
    }

    private static <T> @Nullable T poll(BlockingQueue<T> q) {
        try {
            return q.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Datagrams received and not yet taken with {@link #next()}.
     *
     * @return the count
     */
    public int waiting() {
        return datagrams.size();
    }

    /**
     * Errors reported and not yet taken with {@link #nextError()}.
     *
     * @return the count
     */
    public int waitingErrors() {
        return errors.size();
    }

    /**
     * Every datagram received so far, taken or not, in order.
     *
     * @return a copy
     */
    public List<Received> all() {
        return new ArrayList<>(all);
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
     * Completes with the transport on {@code started}.
     *
     * @return the stage
     */
    public CompletableFuture<DatagramTransport> startedStage() {
        return started;
    }

    /**
     * Completes with the cause on {@code stopped}.
     *
     * @return the stage
     */
    public CompletableFuture<@Nullable Throwable> stoppedStage() {
        return stopped;
    }

    /**
     * How often {@code stopped} was called.
     *
     * @return the count
     */
    public int stoppedCalls() {
        return stoppedCalls.get();
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
     * The transport, once started.
     *
     * @return the transport
     */
    public DatagramTransport transport() {
        DatagramTransport t = transport;
        if (t == null) {
            throw new AssertionError("started was not called");
        }
        return t;
    }

    private void checkThread() {
        DatagramTransport t = transport;
        if (t != null && !t.reactor().inLoop()) {
            offLoopCalls.incrementAndGet();
        }
    }

    /** A datagram as received: a copy of its bytes and its sender. */
    public static final class Received {
        private final byte[] data;
        private final SocketAddress sender;

        Received(byte[] data, SocketAddress sender) {
            this.data = data;
            this.sender = sender;
        }

        /**
         * The bytes.
         *
         * @return the bytes (not copied)
         */
        public byte[] data() {
            return data;
        }

        /**
         * The bytes as UTF-8.
         *
         * @return the text
         */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /**
         * The sender.
         *
         * @return the address
         */
        public SocketAddress sender() {
            return sender;
        }

        @Override
        public String toString() {
            return "Received[" + data.length + " bytes from " + sender + "]";
        }
    }

    /** A recording protocol that sends every datagram back to its sender. */
    public static class Echo extends RecordingDatagramProtocol {
        /** Creates the protocol. */
        public Echo() {
        }

        @Override
        protected void onDatagram(ByteBuffer data, SocketAddress sender) {
            transport().send(data, sender);
        }
    }
}
