package dev.spindle.reactor.testing;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.spi.ReactorResource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reactor for unit tests: no threads, no sockets, no sleeps. Time is a {@link ManualClock}
 * that moves only when the test says so, and the loop turns only when the test turns it. In the
 * spirit of Twisted's {@code MemoryReactorClock} (SPEC NET-8, §5.6), but built on
 * {@link AbstractReactor}, so lifecycle, system-event triggers, the task queue, timers and
 * transports run exactly the code of the real backends.
 *
 * <h2>Driving it</h2>
 * The test thread is the loop thread. {@link #start()} activates the reactor on the calling
 * thread and runs startup as far as it can without waiting (with no trigger returning a pending
 * stage, the reactor is {@code STARTED} when {@code start()} returns). After that the test turns
 * the loop:
 * <ul>
 *   <li>{@link #advance(Duration)} moves the clock, then runs one loop pass;</li>
 *   <li>{@link #runPending()} runs one pass without moving the clock;</li>
 *   <li>{@link #runUntilIdle()} runs passes until nothing is left to do now;</li>
 *   <li>{@link #pump(Duration...)} is a sequence of advances (SPEC CLK-5);</li>
 *   <li>{@link #elapse(Duration)} lets time pass as on a running reactor, stopping at every
 *       timer deadline on the way.</li>
 * </ul>
 * {@link #run()} is not supported. When the reactor is inactive these methods only move the
 * clock.
 *
 * <pre>{@code
 * DeterministicReactor reactor = DeterministicReactor.create();
 * reactor.start();
 * ConnectAttempt attempt = reactor.connectTcp("127.0.0.1", 1883, protocol);
 * MemoryTransport socket = reactor.tcpConnects().get(0).succeed(); // connectionMade runs here
 * socket.deliver(responseBytes);            // dataReceived runs here
 * reactor.advance(Duration.ofSeconds(30));  // one pass: a keep-alive timer fires
 * assertArrayEquals(expectedBytes, socket.takeWritten());
 * reactor.terminate();
 * }</pre>
 *
 * <h2>Deliberate differences from Twisted's {@code Clock} (SPEC TW-DEF-1)</h2>
 * This reactor behaves like the real ones, not like Twisted's {@code Clock}:
 * <ul>
 *   <li>a call scheduled from inside a scheduled call runs in the <em>next</em> pass even when it
 *       is already due (SPEC TIME-5): call {@link #runPending()} (or {@code advance(Duration.ZERO)})
 *       again, or {@link #runUntilIdle()};</li>
 *   <li>negative delays are rejected with {@link IllegalArgumentException};</li>
 *   <li>calls due at the same instant run first-scheduled first (FIFO);</li>
 *   <li>an exception thrown by a task, timer, trigger or protocol is logged, not propagated to
 *       the test: assert on its effects. An {@link Error} moves the reactor to {@code ERROR}.</li>
 * </ul>
 *
 * <h2>Simulated I/O</h2>
 * In each pass, before tasks and timers, the reactor reports readiness as a real poller would:
 * <ul>
 *   <li>TCP: {@link #listenTcp} records a {@link TcpListener}; {@link #accept} builds the
 *       protocol of an incoming connection and returns its {@link MemoryTransport}. Outgoing
 *       {@code connectTcp} calls go through the real connector (timeout, several addresses,
 *       cancellation); each address attempt is recorded as a {@link PendingConnection} that the
 *       test completes with {@link PendingConnection#succeed()} or
 *       {@link PendingConnection#fail(Throwable)}. See {@link MemoryTransport} for scripting
 *       reads and partial writes.</li>
 *   <li>Name resolution: {@link #callInThread} runs its work on the loop thread in the next pass
 *       instead of on a worker pool, so {@code connectTcp("localhost", ...)} resolves in a known
 *       pass through {@link InetAddress}. Tests should prefer address literals, which are never
 *       resolved.</li>
 *   <li>Pipes: {@link #openPipe} makes in-memory pipes of {@value #PIPE_CAPACITY} bytes. A
 *       registered reader is reported readable in every pass while it has bytes or its peer is
 *       closed; a registered writer is reported writable in every pass while its pipe has room
 *       (or its reader is closed). Handlers that throw are removed and told
 *       {@code connectionLost} (SPEC FD-8); shutdown and terminate close every descriptor and
 *       tell the registered ones (FD-7).</li>
 * </ul>
 *
 * <p>Threading: everything except the thread-safe methods of {@link dev.spindle.reactor.CoreReactor}
 * must be called on the thread that called {@link #start()}. {@link #terminate()} must be called
 * on that thread too while the reactor is active (another thread would wait forever, since no
 * one turns the loop).
 */
public final class DeterministicReactor extends AbstractReactor {
    private static final Logger LOG = LoggerFactory.getLogger(DeterministicReactor.class);

    /** Passes {@link #runUntilIdle()} and {@link #elapse(Duration)} run before giving up. */
    public static final int MAX_PASSES = 10_000;
    /** Capacity of each in-memory pipe made by {@link #openPipe}, in bytes. */
    public static final int PIPE_CAPACITY = 65_536;
    /** The first fake port handed out for port 0 and for the local side of connections. */
    public static final int FIRST_EPHEMERAL_PORT = 40_000;

    private final ManualClock manualClock;
    private final ByteBuffer readBuffer;

    // Loop-thread state.
    private final Set<MemoryPipe.End> readers = new LinkedHashSet<>();
    private final Set<MemoryPipe.End> writers = new LinkedHashSet<>();
    private final Set<MemoryTransport> transports = new LinkedHashSet<>();
    private final List<TcpListener> listeners = new ArrayList<>();
    private final List<PendingConnection> connects = new ArrayList<>();
    private int nextEphemeralPort = FIRST_EPHEMERAL_PORT;
    private boolean inPass;
    private long lastPollTimeout = -1;
    private int lastDispatchCount;

    private DeterministicReactor(ReactorConfig config, ManualClock manualClock) {
        super(config);
        this.manualClock = manualClock;
        this.readBuffer = ByteBuffer.allocate(config.readBufferSize());
    }

    /**
     * A reactor with the default settings and a new {@link ManualClock} reading 0.
     *
     * @return a reactor in state {@code INIT}
     */
    public static DeterministicReactor create() {
        return create(ReactorConfig.defaults());
    }

    /**
     * A reactor with {@code config}, whose clock is forced to a {@link ManualClock}: the one in
     * {@code config} if it is one (so several reactors may share it), else a new one reading 0.
     *
     * @param config the settings
     * @return a reactor in state {@code INIT}
     */
    public static DeterministicReactor create(ReactorConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        ManualClock clock = config.clock() instanceof ManualClock ? (ManualClock) config.clock() : ManualClock.create();
        return new DeterministicReactor(config.toBuilder().clock(clock).build(), clock);
    }

    /**
     * The manual clock this reactor's timers run on; the same object as {@link #clock()}.
     *
     * @return the clock
     */
    public ManualClock manualClock() {
        return manualClock;
    }

    @Override
    public String backendName() {
        return "deterministic";
    }

    // ------------------------------------------------------------------ driving the loop

    /**
     * Activates the reactor on the calling thread, which becomes its loop thread, and runs
     * startup as far as it can without waiting: {@code STARTUP} triggers run inside this call,
     * and the reactor is {@code STARTED} when it returns unless a {@code BEFORE} trigger returned
     * a pending stage (it then stays {@code STARTING} until a later pass sees the stage complete,
     * or {@link ReactorConfig#shutdownTimeout()} passes on the clock). A no-op when active.
     *
     * @throws IllegalStateException from inside a loop pass (a callback restarting the reactor
     *     while the loop that stopped it is still unwinding)
     */
    @Override
    public void start() {
        if (state().isActive()) {
            return;
        }
        checkNotInPass("start");
        inPass = true;
        try {
            activateOnCurrentThread();
        } finally {
            inPass = false;
        }
    }

    /**
     * Not supported: the test drives the loop.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void run() {
        throw new UnsupportedOperationException("a DeterministicReactor is driven by the test: call start(), then "
                + "advance(Duration), runPending() or runUntilIdle() to turn the loop");
    }

    /**
     * Stops at once, as {@link dev.spindle.reactor.CoreReactor#terminate()}; on the loop thread
     * outside a pass it also releases the loop, so the reactor can be started again.
     *
     * @throws IllegalStateException if the reactor is active and this is not its thread
     */
    @Override
    public void terminate() {
        if (state().isActive() && !inLoop()) {
            throw new IllegalStateException("terminate() of a DeterministicReactor must be called on its loop thread, "
                    + "which no one else turns; called from thread " + Thread.currentThread().getName());
        }
        if (inPass || !inLoop()) {
            super.terminate();
            return;
        }
        // Outside a pass on the loop thread: callbacks run by terminate() (lifecycle listeners,
        // connectionLost) count as inside a pass, so they cannot restart the ending loop.
        inPass = true;
        try {
            super.terminate();
        } finally {
            inPass = false;
        }
        if (inLoop() && !state().isActive()) {
            // The loop ended outside a pass: one more (empty) pass releases it.
            turn();
        }
    }

    /**
     * Moves the clock by {@code by}, then runs one loop pass: I/O readiness, the tasks queued
     * when the pass began, the calls due that existed when the pass began, lifecycle progress.
     * Calls that become due during the pass run in a later one.
     *
     * @param by zero or positive
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException from inside a pass, or off the loop thread while active
     */
    public void advance(Duration by) {
        Objects.requireNonNull(by, "by must not be null");
        checkNotInPass("advance");
        manualClock.advance(by);
        if (loopAttached()) {
            turn();
        }
    }

    /**
     * Runs one loop pass without moving the clock.
     *
     * @throws IllegalStateException from inside a pass, or off the loop thread while active
     */
    public void runPending() {
        checkNotInPass("runPending");
        if (loopAttached()) {
            turn();
        }
    }

    /**
     * Runs passes without moving the clock until the loop is idle: no task queued, no call due,
     * no lifecycle step ready, and no I/O readiness to report (readable bytes, a writer with
     * room, a transport that can flush). Runs at least one pass.
     *
     * @throws IllegalStateException if the loop is still busy after {@value #MAX_PASSES} passes (a
     *     zero-interval looping call, a task that queues itself, a writer that stays registered);
     *     also from inside a pass, or off the loop thread while active
     */
    public void runUntilIdle() {
        checkNotInPass("runUntilIdle");
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (!loopAttached()) {
                return;
            }
            turn();
            // Idle when the pass found nothing to do when it began and dispatched no I/O.
            if (lastPollTimeout != 0 && lastDispatchCount == 0) {
                return;
            }
        }
        throw new IllegalStateException("the loop never became idle: still busy after " + MAX_PASSES
                + " passes (a zero-interval LoopingCall, a task or call that re-queues itself, or a descriptor "
                + "that stays ready?)");
    }

    /**
     * A sequence of {@link #advance(Duration)} calls (SPEC CLK-5).
     *
     * @param steps each zero or positive
     */
    public void pump(Duration... steps) {
        Objects.requireNonNull(steps, "steps must not be null");
        for (Duration step : steps) {
            advance(step);
        }
    }

    /**
     * Lets {@code duration} pass as it would on a running reactor: the clock moves to each timer
     * deadline on the way in turn and the loop runs until idle there, then the clock moves to the
     * end and the loop runs until idle again. Unlike {@link #advance(Duration)}, a repeating call
     * runs at every beat instead of once with the missed beats counted.
     *
     * @param duration zero or positive
     * @throws IllegalStateException if more than {@value #MAX_PASSES} deadlines fall on the way
     */
    public void elapse(Duration duration) {
        Objects.requireNonNull(duration, "duration must not be null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, found: " + duration);
        }
        checkNotInPass("elapse");
        long end = manualClock.nanoTime() + duration.toNanos();
        for (int step = 0; step < MAX_PASSES; step++) {
            if (!loopAttached()) {
                manualClock.advance(Duration.ofNanos(Math.max(0, end - manualClock.nanoTime())));
                return;
            }
            long next = end;
            List<ScheduledCall> pending = pendingCalls();
            if (!pending.isEmpty() && pending.get(0).deadline() - end < 0) {
                next = pending.get(0).deadline();
            }
            manualClock.advance(Duration.ofNanos(Math.max(0, next - manualClock.nanoTime())));
            runUntilIdle();
            if (next == end) {
                return;
            }
        }
        throw new IllegalStateException("more than " + MAX_PASSES + " timer deadlines fell within " + duration);
    }

    private boolean loopAttached() {
        // Active: turning is legal on the loop thread (runOneTurn names the threads otherwise).
        // Inactive but still our thread: the loop ended inside a callback and must be released.
        return state().isActive() || inLoop();
    }

    private void checkNotInPass(String operation) {
        if (inPass) {
            throw new IllegalStateException(operation + " must not be called from inside a loop pass or startup "
                    + "(a callback driving the loop re-entrantly)");
        }
    }

    private void turn() {
        inPass = true;
        try {
            runOneTurn();
        } finally {
            inPass = false;
        }
    }

    /**
     * {@link #checkActive(String)} for the other classes of this package.
     *
     * @param operation names the call in the message
     */
    void requireActive(String operation) {
        checkActive(operation);
    }

    /** For tests of the skeleton: the timeout the last pass was given (0: work was ready). */
    long lastPollTimeout() {
        return lastPollTimeout;
    }

    // ------------------------------------------------------------------ backend hooks

    @Override
    protected void openBackend() {
        lastPollTimeout = -1;
        lastDispatchCount = 0;
    }

    /** Never blocks: reports what is ready now, whatever the timeout. */
    @Override
    protected void poll(long timeoutNanos) {
        lastPollTimeout = timeoutNanos;
        int dispatched = 0;
        dispatched += pollUdp(); // UDP (issue 3)
        if (!readers.isEmpty()) {
            for (MemoryPipe.End d : readers.toArray(new MemoryPipe.End[0])) {
                if (loopExiting()) {
                    break;
                }
                if (readers.contains(d) && d.readable()) {
                    dispatched++;
                    dispatch(d, true);
                }
            }
        }
        if (!writers.isEmpty()) {
            for (MemoryPipe.End d : writers.toArray(new MemoryPipe.End[0])) {
                if (loopExiting()) {
                    break;
                }
                if (writers.contains(d) && d.writable()) {
                    dispatched++;
                    dispatch(d, false);
                }
            }
        }
        if (!transports.isEmpty()) {
            for (MemoryTransport t : transports.toArray(new MemoryTransport[0])) {
                if (loopExiting()) {
                    break;
                }
                if (t.readReady()) {
                    dispatched++;
                    t.onReadable();
                }
                if (loopExiting()) {
                    break;
                }
                if (t.writeReady()) {
                    dispatched++;
                    t.onWritable();
                }
            }
        }
        lastDispatchCount = dispatched;
    }

    private void dispatch(MemoryPipe.End d, boolean read) {
        try {
            if (read) {
                d.handler().readable(d);
            } else {
                d.handler().writable(d);
            }
        } catch (Exception e) {
            // SPEC FD-8: a failing handler is dropped and told why.
            LOG.warn("descriptor handler of {} threw from {}; removing it", d, read ? "readable" : "writable", e);
            readers.remove(d);
            writers.remove(d);
            d.lost(e);
        }
    }

    @Override
    protected void wakeupBackend() {
        // Nothing blocks.
    }

    @Override
    protected void closeBackend() {
        // Descriptors and transports are resources: the skeleton closed them already.
    }

    @Override
    protected PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options, Protocol protocol,
            ConnectListener listener) throws IOException {
        if (shuttingDown()) {
            throw new IOException("reactor is stopping; new connections are refused");
        }
        PendingConnection c = new PendingConnection(this, target, options, protocol, listener);
        connects.add(c);
        return c::abandon;
    }

    // ------------------------------------------------------------------ worker pool, inline

    /**
     * Runs {@code task} on the loop thread in the next pass, instead of on a worker pool, so that
     * blocking work (name resolution) completes in a known pass. When it was asked for on the
     * loop thread, a shutdown or terminate before that pass fails the stage with
     * {@link CancellationException}, as the real pool does with work still queued. A full task
     * queue fails it with {@link RejectedExecutionException}.
     *
     * @throws IllegalStateException if the reactor is inactive
     */
    @Override
    public <T> CompletionStage<T> callInThread(Callable<T> task) {
        Objects.requireNonNull(task, "task must not be null");
        if (!state().isActive()) {
            throw new IllegalStateException("callInThread needs an active reactor, found state: " + state());
        }
        InlineWork<T> work = new InlineWork<>(task);
        boolean tracked = inLoop();
        if (tracked) {
            track(work);
        }
        if (!tryExecute(work)) {
            if (tracked) {
                untrack(work);
            }
            work.result.completeExceptionally(new RejectedExecutionException("reactor task queue is full (capacity "
                    + config().taskQueueCapacity() + "); callInThread work refused: " + task));
        }
        return work.result;
    }

    private final class InlineWork<T> implements Runnable, ReactorResource {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Callable<T> task;

        InlineWork(Callable<T> task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (result.isDone()) {
                return;
            }
            untrack(this);
            T value;
            try {
                value = task.call();
            } catch (Throwable t) {
                result.completeExceptionally(t);
                return;
            }
            result.complete(value);
        }

        @Override
        public void shutdownGracefully() {
            forceClose(new CancellationException("the reactor stopped before the callInThread work ran: " + task));
        }

        @Override
        public void forceClose(Throwable cause) {
            untrack(this);
            result.completeExceptionally(cause instanceof CancellationException ? cause
                    : new CancellationException("the reactor stopped before the callInThread work ran: " + task));
        }

        @Override
        public String toString() {
            return "callInThread[" + task + "]";
        }
    }

    // ------------------------------------------------------------------ TCP

    /**
     * Records a listening port; no socket is opened. Port 0 gets a fake ephemeral port, from
     * {@value #FIRST_EPHEMERAL_PORT} up. Closed on shutdown.
     *
     * @throws CannotListenException if an open listener of this reactor has the same port on the
     *     same or a wildcard address
     */
    @Override
    public ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options) {
        checkListenArguments(bindAddress, factory, options);
        int port = bindAddress.getPort();
        if (port != 0) {
            for (TcpListener l : listeners) {
                if (l.isOpen() && l.port() == port && overlaps(l.localAddress().getAddress(), bindAddress.getAddress())) {
                    throw new CannotListenException("cannot listen on " + bindAddress + ": address already in use by "
                            + l, null);
                }
            }
        } else {
            port = ephemeralPort();
        }
        TcpListener l = new TcpListener(this, bindAddress, new InetSocketAddress(bindAddress.getAddress(), port),
                factory, options);
        listeners.add(l);
        track(l);
        return l;
    }

    private static boolean overlaps(InetAddress a, InetAddress b) {
        return a.equals(b) || a.isAnyLocalAddress() || b.isAnyLocalAddress();
    }

    /**
     * Every {@link #listenTcp} call so far, in order, open or closed: a snapshot.
     *
     * @return the listeners
     */
    public List<TcpListener> tcpListeners() {
        return Collections.unmodifiableList(new ArrayList<>(listeners));
    }

    /**
     * Every connect attempt to a resolved address so far, in order (one per address tried): a
     * snapshot. Complete a pending one with {@link PendingConnection#succeed()} or
     * {@link PendingConnection#fail(Throwable)}.
     *
     * @return the attempts
     */
    public List<PendingConnection> tcpConnects() {
        return Collections.unmodifiableList(new ArrayList<>(connects));
    }

    /**
     * Simulates a peer connecting to {@code port}: asks its factory for a protocol and, unless
     * the factory refuses (returns null or throws, which is logged), connects it to a new
     * {@link MemoryTransport} ({@code connectionMade} runs inside this call). While the reactor
     * is {@code STOPPING} the connection is refused, as real backends do.
     *
     * @param port a listening port of this reactor, still open
     * @param remoteAddress the peer's address
     * @return the server side of the connection, or null if refused
     * @throws IllegalArgumentException if {@code port} is not a listener of this reactor
     * @throws IllegalStateException if the port is closed, the reactor inactive, or off its thread
     */
    public @Nullable MemoryTransport accept(ListeningPort port, SocketAddress remoteAddress) {
        Objects.requireNonNull(port, "port must not be null");
        Objects.requireNonNull(remoteAddress, "remoteAddress must not be null");
        checkLoop("accept");
        checkActive("accept");
        if (!(port instanceof TcpListener) || ((TcpListener) port).owner() != this) {
            throw new IllegalArgumentException("port was not made by this reactor's listenTcp, found: " + port);
        }
        TcpListener l = (TcpListener) port;
        if (!l.isOpen()) {
            throw new IllegalStateException("cannot accept on a closed listener: " + l);
        }
        if (shuttingDown()) {
            return null;
        }
        Protocol protocol;
        try {
            protocol = l.factory().buildProtocol(remoteAddress);
        } catch (RuntimeException e) {
            LOG.error("protocol factory of {} threw; connection from {} refused", l, remoteAddress, e);
            return null;
        }
        if (protocol == null) {
            return null;
        }
        MemoryTransport t = new MemoryTransport(this, protocol, l.localAddress(), remoteAddress);
        t.start();
        return t;
    }

    int ephemeralPort() {
        int p = nextEphemeralPort;
        nextEphemeralPort = p == 65_535 ? FIRST_EPHEMERAL_PORT : p + 1;
        return p;
    }

    ByteBuffer sharedReadBuffer() {
        return readBuffer;
    }

    void transportOpened(MemoryTransport t) {
        transports.add(t);
    }

    void transportClosed(MemoryTransport t) {
        transports.remove(t);
    }

    // ------------------------------------------------------------------ descriptors

    /**
     * Creates an in-memory pipe of {@value #PIPE_CAPACITY} bytes. Both ends are tracked: they
     * are closed when the reactor stops or terminates.
     */
    @Override
    public Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler) {
        Objects.requireNonNull(sourceHandler, "sourceHandler must not be null");
        Objects.requireNonNull(sinkHandler, "sinkHandler must not be null");
        checkLoop("openPipe");
        checkActive("openPipe");
        MemoryPipe pipe = new MemoryPipe(this, sourceHandler, sinkHandler, PIPE_CAPACITY);
        track(pipe.sourceEnd());
        track(pipe.sinkEnd());
        return pipe;
    }

    @Override
    public void addReader(Descriptor descriptor) {
        readers.add(own(descriptor, "addReader"));
    }

    @Override
    public void addWriter(Descriptor descriptor) {
        writers.add(own(descriptor, "addWriter"));
    }

    private MemoryPipe.End own(Descriptor descriptor, String operation) {
        Objects.requireNonNull(descriptor, "descriptor must not be null");
        checkLoop(operation);
        checkActive(operation);
        if (!(descriptor instanceof MemoryPipe.End) || ((MemoryPipe.End) descriptor).owner() != this) {
            throw new IllegalArgumentException(operation + ": the descriptor was not created by this reactor, found: "
                    + descriptor);
        }
        if (!descriptor.isOpen()) {
            throw new IllegalArgumentException(operation + ": the descriptor is closed: " + descriptor);
        }
        return (MemoryPipe.End) descriptor;
    }

    @Override
    public void removeReader(Descriptor descriptor) {
        Objects.requireNonNull(descriptor, "descriptor must not be null");
        checkLoop("removeReader");
        readers.remove(descriptor);
    }

    @Override
    public void removeWriter(Descriptor descriptor) {
        Objects.requireNonNull(descriptor, "descriptor must not be null");
        checkLoop("removeWriter");
        writers.remove(descriptor);
    }

    @Override
    public List<Descriptor> removeAll() {
        checkLoop("removeAll");
        Set<Descriptor> all = new LinkedHashSet<>(readers);
        all.addAll(writers);
        readers.clear();
        writers.clear();
        return Collections.unmodifiableList(new ArrayList<>(all));
    }

    @Override
    public List<Descriptor> readers() {
        checkLoop("readers");
        return Collections.unmodifiableList(new ArrayList<>(readers));
    }

    @Override
    public List<Descriptor> writers() {
        checkLoop("writers");
        return Collections.unmodifiableList(new ArrayList<>(writers));
    }

    /** Removes {@code d} from both sets; returns whether it was in either. */
    boolean unregister(MemoryPipe.End d) {
        boolean r = readers.remove(d);
        boolean w = writers.remove(d);
        return r || w;
    }

    // ==== NAME RESOLUTION (issue 3): add members for this area directly below this line ====
    // (end of name resolution section)

    // ==== TLS (issue 3): add members for this area directly below this line ====
    // (end of tls section)

    // ==== UDP (issue 3): add members for this area directly below this line ====
    private final List<MemoryDatagramTransport> udpEndpoints = new ArrayList<>();

    /**
     * Makes an in-memory UDP endpoint ({@link MemoryDatagramTransport}); no socket is opened.
     * Port 0 gets a fake ephemeral port, from {@value #FIRST_EPHEMERAL_PORT} up. Datagrams
     * between endpoints of this reactor arrive in the next loop pass; see
     * {@link MemoryDatagramTransport} for what else the in-memory network does. Closed on
     * shutdown.
     *
     * @throws CannotListenException if an open endpoint of this reactor has the same port on the
     *     same or a wildcard address, unless both were bound with
     *     {@link UdpOptions#reuseAddress()}
     */
    @Override
    protected DatagramTransport bindUdp(InetSocketAddress bindAddress, StandardProtocolFamily family,
            DatagramProtocol protocol, UdpOptions options) {
        int port = bindAddress.getPort();
        if (port != 0) {
            for (MemoryDatagramTransport t : udpEndpoints) {
                if (t.isOpen() && t.port() == port && overlaps(t.localAddress().getAddress(), bindAddress.getAddress())
                        && !(options.reuseAddress() && t.options().reuseAddress())) {
                    throw new CannotListenException("cannot listen for UDP on " + bindAddress
                            + ": address already in use by " + t, null);
                }
            }
        } else {
            port = ephemeralPort();
        }
        MemoryDatagramTransport t = new MemoryDatagramTransport(this, protocol, options, bindAddress,
                new InetSocketAddress(bindAddress.getAddress(), port));
        udpEndpoints.add(t);
        t.start();
        return t;
    }

    /**
     * Every {@link #listenUdp} endpoint so far, in order, open or closed: a snapshot.
     *
     * @return the endpoints
     */
    public List<MemoryDatagramTransport> udpEndpoints() {
        return Collections.unmodifiableList(new ArrayList<>(udpEndpoints));
    }

    /** Reports the readiness of UDP endpoints, as fixed at the start of this pass. */
    private int pollUdp() {
        if (udpEndpoints.isEmpty()) {
            return 0;
        }
        MemoryDatagramTransport[] all = udpEndpointList();
        for (MemoryDatagramTransport t : all) {
            t.beginPoll();
        }
        int dispatched = 0;
        for (MemoryDatagramTransport t : all) {
            if (loopExiting()) {
                break;
            }
            dispatched += t.dispatchReady();
        }
        return dispatched;
    }

    /** The endpoints a datagram may be routed to: a snapshot, since delivery may bind more. */
    MemoryDatagramTransport[] udpEndpointList() {
        return udpEndpoints.toArray(new MemoryDatagramTransport[0]);
    }
    // (end of udp section)

    // ==== UNIX-DOMAIN SOCKETS (issue 3): add members for this area directly below this line ====

    private final List<UnixListener> unixListeners = new ArrayList<>();
    private final List<PendingUnixConnection> unixConnects = new ArrayList<>();

    /**
     * Records a listening UNIX-domain port; nothing is bound and no file is created, so the
     * file-system checks of a real backend (an existing file, the path length) do not apply.
     * Abstract names are accepted. Closed on shutdown.
     *
     * @throws CannotListenException if an open listener of this reactor has the same address
     */
    @Override
    public ListeningPort listenUnix(dev.spindle.reactor.UnixAddress address, ProtocolFactory factory,
            dev.spindle.reactor.UnixListenOptions options) {
        checkListenUnixArguments(address, factory, options);
        for (UnixListener l : unixListeners) {
            if (l.isOpen() && l.address().equals(address)) {
                throw new CannotListenException("cannot listen on " + address + ": address already in use by " + l, null);
            }
        }
        UnixListener l = new UnixListener(this, address, factory, options);
        unixListeners.add(l);
        track(l);
        return l;
    }

    /** No socket: abstract names work as well as paths. */
    @Override
    protected boolean supportsAbstractUnixNamespace() {
        return true;
    }

    @Override
    protected PendingConnect beginConnectUnix(dev.spindle.reactor.UnixAddress target, Protocol protocol,
            ConnectListener listener) throws IOException {
        if (shuttingDown()) {
            throw new IOException("reactor is stopping; new connections are refused");
        }
        PendingUnixConnection c = new PendingUnixConnection(this, target, protocol, listener);
        unixConnects.add(c);
        return c::abandon;
    }

    /**
     * Every {@link #listenUnix} call so far, in order, open or closed: a snapshot.
     *
     * @return the listeners
     */
    public List<UnixListener> unixListeners() {
        return Collections.unmodifiableList(new ArrayList<>(unixListeners));
    }

    /**
     * Every {@code connectUnix} attempt so far, in order: a snapshot. Complete a pending one with
     * {@link PendingUnixConnection#succeed()} or {@link PendingUnixConnection#fail(Throwable)}.
     *
     * @return the attempts
     */
    public List<PendingUnixConnection> unixConnects() {
        return Collections.unmodifiableList(new ArrayList<>(unixConnects));
    }

    /**
     * Simulates a client connecting to a UNIX listener, as {@link #accept} does for TCP: the
     * factory is asked with an unnamed remote address ({@code UnixDomainSocketAddress.of("")}, an
     * unbound client), and unless it refuses, the protocol is connected to a new
     * {@link MemoryTransport} ({@code connectionMade} runs inside this call). Refused while the
     * reactor is {@code STOPPING}.
     *
     * @param port a listening port from this reactor's {@code listenUnix}, still open
     * @return the server side of the connection, or null if refused
     * @throws IllegalArgumentException if {@code port} is not a UNIX listener of this reactor
     * @throws IllegalStateException if the port is closed, the reactor inactive, or off its thread
     */
    public @Nullable MemoryTransport acceptUnix(ListeningPort port) {
        Objects.requireNonNull(port, "port must not be null");
        checkLoop("acceptUnix");
        checkActive("acceptUnix");
        if (!(port instanceof UnixListener) || ((UnixListener) port).owner() != this) {
            throw new IllegalArgumentException("port was not made by this reactor's listenUnix, found: " + port);
        }
        UnixListener l = (UnixListener) port;
        if (!l.isOpen()) {
            throw new IllegalStateException("cannot accept on a closed listener: " + l);
        }
        SocketAddress remote = java.net.UnixDomainSocketAddress.of("");
        Protocol protocol = shuttingDown() ? null : buildGuarded(l.factory(), remote, l);
        if (protocol == null) {
            return null;
        }
        MemoryTransport t = new MemoryTransport(this, protocol, l.localAddress(), remote);
        t.start();
        return t;
    }

    private @Nullable Protocol buildGuarded(ProtocolFactory factory, SocketAddress remote, ListeningPort port) {
        try {
            return factory.buildProtocol(remote);
        } catch (RuntimeException e) {
            LOG.error("protocol factory of {} threw; connection from {} refused", port, remote, e);
            return null;
        }
    }
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====

    /** The pid of the first {@link ScriptedProcess}; the next ones count up. */
    public static final long FIRST_SCRIPTED_PID = 10_000;

    private final List<ScriptedProcess> processes = new ArrayList<>();
    private long nextPid = FIRST_SCRIPTED_PID;
    private @Nullable String nextSpawnFailure;

    /**
     * Starts nothing: records a {@link ScriptedProcess} that the test plays (output, exit,
     * standard input) and tells the protocol {@code processStarted} inside this call, as the
     * real backends do. Pids are fake, from {@value #FIRST_SCRIPTED_PID} up. The shutdown
     * policy applies on stop and terminate as on the real backends; the scripted child does not
     * die of signals by itself (see {@link ScriptedProcess}).
     *
     * @throws dev.spindle.reactor.ProcessStartException after {@link #failNextSpawn(String)},
     *     or while the reactor is stopping
     */
    @Override
    public dev.spindle.reactor.ProcessTransport spawnProcess(dev.spindle.reactor.ProcessSpec spec,
            dev.spindle.reactor.ProcessProtocol protocol) {
        checkSpawnArguments(spec, protocol);
        String failure = nextSpawnFailure;
        if (failure != null) {
            nextSpawnFailure = null;
            throw new dev.spindle.reactor.ProcessStartException(spec.command(), failure, null);
        }
        ScriptedProcess p = new ScriptedProcess(this, spec, protocol, nextPid++);
        processes.add(p);
        p.start();
        return p;
    }

    /**
     * Makes the next {@link #spawnProcess} throw {@link dev.spindle.reactor.ProcessStartException}
     * with {@code reason}, as when a command is not found; nothing is recorded.
     *
     * @param reason e.g. {@code error=2, No such file or directory}
     */
    public void failNextSpawn(String reason) {
        this.nextSpawnFailure = Objects.requireNonNull(reason, "reason must not be null");
    }

    /**
     * Every process spawned so far, in order, running or ended: a snapshot.
     *
     * @return the processes
     */
    public List<ScriptedProcess> processes() {
        return Collections.unmodifiableList(new ArrayList<>(processes));
    }
    // (end of child processes section)

}
