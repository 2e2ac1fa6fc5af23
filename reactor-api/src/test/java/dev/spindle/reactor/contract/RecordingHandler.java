package dev.spindle.reactor.contract;

import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.Reactor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A descriptor handler that records its calls. On {@code readable} it reads what is available
 * (a level-triggered reactor would otherwise call it again at once); at end of stream it records
 * that and stops reading. Never asserts inside a callback.
 */
public class RecordingHandler implements DescriptorHandler {
    private final Reactor reactor;
    private final AtomicInteger readable = new AtomicInteger();
    private final AtomicInteger writable = new AtomicInteger();
    private final AtomicInteger lostCalls = new AtomicInteger();
    private final AtomicInteger offLoopCalls = new AtomicInteger();
    private final CompletableFuture<Throwable> lost = new CompletableFuture<>();
    private final CompletableFuture<Void> eof = new CompletableFuture<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(); // guarded by itself

    /**
     * Creates the handler.
     *
     * @param reactor the reactor the descriptor belongs to
     */
    public RecordingHandler(Reactor reactor) {
        this.reactor = reactor;
    }

    @Override
    public void readable(Descriptor descriptor) throws Exception {
        checkThread();
        readable.incrementAndGet();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int n;
        while ((n = descriptor.read(buf)) > 0) {
            synchronized (data) {
                data.write(buf.array(), 0, n);
            }
            buf.clear();
        }
        if (n < 0) {
            reactor.removeReader(descriptor);
            eof.complete(null);
        }
    }

    @Override
    public void writable(Descriptor descriptor) throws Exception {
        checkThread();
        writable.incrementAndGet();
    }

    @Override
    public void connectionLost(Descriptor descriptor, Throwable cause) {
        checkThread();
        lostCalls.incrementAndGet();
        lost.complete(cause);
    }

    private void checkThread() {
        if (!reactor.inLoop()) {
            offLoopCalls.incrementAndGet();
        }
    }

    /**
     * Calls of {@code readable}.
     *
     * @return the count
     */
    public int readableCalls() {
        return readable.get();
    }

    /**
     * Calls of {@code writable}.
     *
     * @return the count
     */
    public int writableCalls() {
        return writable.get();
    }

    /**
     * Calls of {@code connectionLost}.
     *
     * @return the count
     */
    public int lostCalls() {
        return lostCalls.get();
    }

    /**
     * Callbacks that arrived off the loop thread.
     *
     * @return the count (0 expected)
     */
    public int offLoopCalls() {
        return offLoopCalls.get();
    }

    /**
     * Completes with the cause on {@code connectionLost}.
     *
     * @return the stage
     */
    public CompletableFuture<Throwable> lost() {
        return lost;
    }

    /**
     * Completes when a read returned end of stream.
     *
     * @return the stage
     */
    public CompletableFuture<Void> eof() {
        return eof;
    }

    /**
     * The bytes read so far.
     *
     * @return a copy
     */
    public byte[] data() {
        synchronized (data) {
            return data.toByteArray();
        }
    }
}
