package dev.spindle.reactor.contract;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * The base of the reactor contract suite: each backend subclasses every {@code *ContractTest}
 * in this package and supplies {@link #newReactor(ReactorConfig)}.
 *
 * <p>It creates reactors with daemon loop threads named after the test class, and after each
 * test releases every latch handed out by {@link #latch(int)}, terminates every reactor it created
 * and closes every resource given to {@link #closeLater}. Real sockets bind 127.0.0.1 only.
 */
@Timeout(30)
public abstract class ReactorContractSupport {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final List<Reactor> reactors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** For subclasses. */
    protected ReactorContractSupport() {
    }

    /**
     * Creates a reactor of the backend under test in state {@code INIT}.
     *
     * @param config the settings to honour
     * @return a new reactor
     */
    protected abstract Reactor newReactor(ReactorConfig config);

    /**
     * Creates a reactor with {@link #config()}.
     *
     * @return a new reactor
     */
    protected Reactor newReactor() {
        return newReactor(config().build());
    }

    /**
     * Settings every test starts from: a loop thread named {@code contract-<class>-<n>}, daemon.
     *
     * @return a builder
     */
    protected ReactorConfig.Builder config() {
        return ReactorConfig.builder()
                .threadName("contract-" + getClass().getSimpleName() + "-" + SEQ.incrementAndGet())
                .daemon(true);
    }

    /**
     * A harness around a new, unstarted reactor that is terminated after the test.
     *
     * @return the harness
     */
    protected final ReactorHarness harness() {
        return harness(newReactor());
    }

    /**
     * A harness around a new, unstarted reactor with {@code config}.
     *
     * @param config the settings
     * @return the harness
     */
    protected final ReactorHarness harness(ReactorConfig config) {
        return harness(newReactor(config));
    }

    /**
     * A harness around {@code reactor}, which is terminated after the test.
     *
     * @param reactor the reactor
     * @return the harness
     */
    protected final ReactorHarness harness(Reactor reactor) {
        reactors.add(reactor);
        return new ReactorHarness(reactor);
    }

    /**
     * A started reactor with the default test settings.
     *
     * @return its harness
     */
    protected final ReactorHarness started() {
        return harness().start();
    }

    /**
     * A started reactor.
     *
     * @param config the settings
     * @return its harness
     */
    protected final ReactorHarness started(ReactorConfig config) {
        return harness(config).start();
    }

    /**
     * A latch counted down to zero after the test, so a loop or worker blocked on it never
     * outlives a failed test.
     *
     * @param count the count
     * @return the latch
     */
    protected final CountDownLatch latch(int count) {
        CountDownLatch l = new CountDownLatch(count);
        latches.add(l);
        return l;
    }

    /**
     * Closes {@code resource} after the test.
     *
     * @param <T> the type
     * @param resource the resource
     * @return the resource
     */
    protected final <T extends AutoCloseable> T closeLater(T resource) {
        closeables.add(resource);
        return resource;
    }

    /**
     * Starts a daemon thread that is joined (bounded) after the test.
     *
     * @param name the thread name
     * @param body the body
     * @return the started thread
     */
    protected final Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /**
     * Waits (bounded) for a latch.
     *
     * @param latch the latch
     */
    protected static void await(CountDownLatch latch) {
        try {
            if (!latch.await(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("latch not released after " + ReactorHarness.WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Joins a thread (bounded).
     *
     * @param t the thread
     */
    protected static void join(Thread t) {
        try {
            t.join(ReactorHarness.WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (t.isAlive()) {
            throw new AssertionError("thread " + t.getName() + " still running after " + ReactorHarness.WAIT);
        }
    }

    @AfterEach
    protected final void releaseContractResources() throws Exception {
        for (CountDownLatch l : latches) {
            while (l.getCount() > 0) {
                l.countDown();
            }
        }
        List<Throwable> failures = new ArrayList<>();
        for (Reactor r : reactors) {
            terminateBounded(r, failures);
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Best effort: a socket the test already closed, or one reset by the reactor.
            }
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5).toMillis());
        }
        reactors.clear();
        closeables.clear();
        latches.clear();
        threads.clear();
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("terminate() threw after the test");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Terminates on a helper thread so that a reactor that never lets go fails the test instead of hanging it. */
    private static void terminateBounded(Reactor r, List<Throwable> failures) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.terminate();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "contract-cleanup-" + r.config().threadName());
        t.setDaemon(true);
        t.start();
        t.join(ReactorHarness.WAIT.toMillis());
        if (t.isAlive()) {
            failures.add(new AssertionError("terminate() did not return within " + ReactorHarness.WAIT
                    + " after the test: " + r + ", state " + r.state()));
        } else if (thrown.get() != null) {
            failures.add(thrown.get());
        }
    }

    // ------------------------------------------------------------------ TCP helpers

    /**
     * A listening port on 127.0.0.1 and a free port whose protocols come from {@code protocols}.
     *
     * @param h the reactor
     * @param protocols builds one protocol per accepted connection
     * @return the server
     */
    protected static Server listen(ReactorHarness h, Supplier<? extends RecordingProtocol> protocols) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> {
            ListeningPort lp = h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
                RecordingProtocol p = protocols.get();
                accepted.add(p);
                return p;
            });
            return new Server(lp, lp.port(), accepted);
        });
    }

    /**
     * Connects to 127.0.0.1:{@code port} and waits for the transport.
     *
     * @param h the reactor
     * @param port the port
     * @param protocol the client protocol
     * @return the transport
     */
    protected static Transport connect(ReactorHarness h, int port, Protocol protocol) {
        CompletionStage<Transport> result = h.call(() -> h.reactor().connectTcp("127.0.0.1", port, protocol).result());
        return ReactorHarness.await(result);
    }

    /**
     * On the loop: writes {@link StreamPattern} bytes in {@code chunk}-sized writes until at least
     * {@code minBytes} were written and the transport is no longer writable. Fails if it is still
     * writable after 48 MiB (a peer that does not read cannot absorb that much).
     *
     * @param t the transport
     * @param source the pattern source
     * @param chunk bytes per write
     * @param minBytes the minimum to write
     */
    protected static void fillUntilUnwritable(Transport t, StreamPattern.Source source, int chunk, long minBytes) {
        long cap = 48L << 20;
        while (source.offset() < minBytes || t.isWritable()) {
            if (source.offset() >= cap) {
                throw new AssertionError("transport still writable after " + source.offset()
                        + " bytes to a peer that does not read (pending " + t.pendingWriteBytes() + ")");
            }
            t.write(source.next(chunk));
        }
    }

    /** A listening port and the protocols of the connections it accepted. */
    protected static final class Server {
        private final ListeningPort port;
        private final int portNumber;
        private final BlockingQueue<RecordingProtocol> accepted;

        /**
         * Wraps a port whose factory adds each protocol it builds to {@code accepted}.
         *
         * @param port the port
         * @param portNumber its TCP port number, or -1
         * @param accepted where the factory puts the protocols
         */
        public Server(ListeningPort port, int portNumber, BlockingQueue<RecordingProtocol> accepted) {
            this.port = port;
            this.portNumber = portNumber;
            this.accepted = accepted;
        }

        /**
         * The listening port (loop thread only).
         *
         * @return the port
         */
        public ListeningPort listeningPort() {
            return port;
        }

        /**
         * The bound port number.
         *
         * @return the number
         */
        public int port() {
            return portNumber;
        }

        /**
         * The protocol of the next accepted connection, once it is made.
         *
         * @return the protocol
         */
        public RecordingProtocol next() {
            RecordingProtocol p;
            try {
                p = accepted.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (p == null) {
                throw new AssertionError("no connection accepted within " + ReactorHarness.WAIT);
            }
            ReactorHarness.await(p.made());
            return p;
        }

        /**
         * Connections accepted and not yet taken with {@link #next()}.
         *
         * @return the count
         */
        public int waiting() {
            return accepted.size();
        }
    }
}
