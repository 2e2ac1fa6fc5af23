package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ADD;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_CLEAR;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;
import static dev.spindle.reactor.kqueue.BsdPlatform.NOTE_TRIGGER;

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
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.spi.DescriptorSets;
import dev.spindle.reactor.spi.DescriptorTable;
import dev.spindle.reactor.spi.UnixSocketFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reactor on BSD {@code kqueue} (macOS, FreeBSD), reached through a {@link Kernel}: the C
 * library through the Foreign Function &amp; Memory API in production, a simulated BSD kernel in the
 * tests that run this class on Linux.
 *
 * <h2>Registration</h2>
 * Each descriptor the backend watches has a slot in a {@link DescriptorTable}; every knote carries the
 * slot's token ({@code generation << 32 | fd}) as {@code udata}, so an event for a descriptor closed
 * earlier in the same pass, its number possibly reused already, is dropped. Closing a descriptor
 * removes its knotes in the kernel; the backend only drops the changes it had not yet submitted.
 *
 * <h2>Changes</h2>
 * Interest changes are not system calls: they go into a {@link ChangeList} that the next
 * {@code kevent} submits together with the wait, one record per knote and pass at most. TCP
 * connections register {@code EVFILT_READ} and {@code EVFILT_WRITE} edge-triggered
 * ({@code EV_ADD | EV_CLEAR}); the write filter is enabled only while output is pending and the read
 * filter disabled while reading is paused ({@code EV_ENABLE}, {@code EV_DISABLE}), so an idle or
 * paused connection does not wake the loop. A read burst drains the socket until a short read or
 * {@code EAGAIN}; a burst stopped by the fairness cap, or reading resumed after a pause, puts the
 * connection on a "read again" list served on the next pass, which does not block while the list
 * is non-empty. Listening sockets and user descriptors are level-triggered, enabled only while
 * someone waits on them.
 *
 * <h2>Waiting and waking</h2>
 * {@code kevent} waits with a {@code struct timespec}, so timers keep their nanosecond deadline.
 * Wake-ups trigger a user event ({@code EVFILT_USER}, {@code NOTE_TRIGGER}) registered with
 * {@code EV_CLEAR}: each trigger is one event, consumed when reported, and needs no descriptor.
 *
 * <h2>Memory</h2>
 * The change and event arrays and the scratch memory of the system calls come from a confined arena
 * per loop run. The read buffer comes from an automatic arena, because the shared skeleton may hand
 * it to a transport's pending output and pool it across runs; protocols see it as a direct
 * {@link ByteBuffer} view, no copy.
 *
 * <p>Not final: tests subclass it to turn the loop by hand.
 */
class KqueueReactor extends AbstractReactor {
    private static final Logger LOG = LoggerFactory.getLogger(KqueueReactor.class);
    /** Events fetched per {@code kevent} at least (more when a pass submits more changes). */
    static final int MAX_EVENTS = 512;
    /** The {@code ident} of the wake-up's user event. */
    static final long WAKE_IDENT = 0x5350494EL;

    private final BsdPlatform platform;
    private final KeventCodec codec;
    private final Function<Arena, Kernel> kernels;
    /** The trigger record of wake-ups, from an automatic arena so any thread may pass it. */
    private final MemorySegment wakeChange;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile @Nullable Waker waker;

    // Per loop run (loop thread).
    private @Nullable Arena arena;
    private @Nullable BsdIo io;
    private int kq = -1;
    private MemorySegment changeArray = MemorySegment.NULL;
    private int changeCapacity;
    private MemorySegment events = MemorySegment.NULL;
    private int eventCapacity;
    private final DescriptorTable<KqueueHandler> handlers = new DescriptorTable<>();
    private final ChangeList changes = new ChangeList();
    private final ArrayDeque<KqueueTransport> readAgain = new ArrayDeque<>();
    private long staleEvents;
    private long passes;

    private ByteBuffer readBuffer;
    final DescriptorSets<KqueueDescriptor> descriptors =
            new DescriptorSets<>(this, KqueueDescriptor.class, d -> d.kqueue == this, KqueueDescriptor::interestChanged);

    /**
     * Creates the reactor in state {@code INIT}; nothing is opened before it runs.
     *
     * @param config the settings
     * @param platform the system's constants and layouts
     * @param kernels opens the system calls of one loop run on the run's arena
     */
    KqueueReactor(ReactorConfig config, BsdPlatform platform, Function<Arena, Kernel> kernels) {
        super(config);
        this.platform = Objects.requireNonNull(platform, "platform must not be null");
        this.codec = platform.kevents();
        this.kernels = Objects.requireNonNull(kernels, "kernels must not be null");
        MemorySegment trigger = Arena.ofAuto().allocate(codec.size(), 8);
        codec.put(trigger, 0, WAKE_IDENT, platform.evfiltUser(), 0, NOTE_TRIGGER, 0, 0);
        this.wakeChange = trigger;
        this.readBuffer = Arena.ofAuto().allocate(config.readBufferSize(), 4096).asByteBuffer();
    }

    @Override
    public String backendName() {
        return KqueueReactorProvider.NAME;
    }

    BsdPlatform platform() {
        return platform;
    }

    // ------------------------------------------------------------------ loop hooks

    @Override
    protected void openBackend() throws IOException {
        Arena a = Arena.ofConfined();
        arena = a;
        try {
            Kernel kernel = kernels.apply(a);
            BsdIo n = new BsdIo(a, kernel, platform);
            io = n;
            kq = n.kqueue();
            changeCapacity = 64;
            changeArray = a.allocate(codec.size() * changeCapacity, 8);
            eventCapacity = MAX_EVENTS;
            events = a.allocate(codec.size() * eventCapacity, 8);
            codec.put(changeArray, 0, WAKE_IDENT, platform.evfiltUser(), EV_ADD | EV_CLEAR, 0, 0, 0);
            n.keventNow(kq, changeArray, 1);
            waker = new Waker(kernel, kq);
        } catch (IOException | RuntimeException e) {
            closeBackend();
            throw e;
        }
    }

    @Override
    protected void poll(long timeoutNanos) throws IOException {
        BsdIo n = io();
        passes++;
        long timeout = readAgain.isEmpty() ? timeoutNanos : 0;
        int pending = changes.size();
        if (pending > changeCapacity) {
            changeCapacity = Math.max(pending, changeCapacity * 2);
            changeArray = arena().allocate(codec.size() * changeCapacity, 8);
        }
        int nchanges = changes.encode(changeArray, codec);
        // Room for an error event per change: with less, a failed change fails the whole call.
        int room = Math.max(MAX_EVENTS, nchanges);
        if (room > eventCapacity) {
            eventCapacity = room;
            events = arena().allocate(codec.size() * eventCapacity, 8);
        }
        int count;
        try {
            count = n.kevent(kq, changeArray, nchanges, events, room, n.timeout(timeout));
        } finally {
            changes.submitted();
        }
        MemorySegment ev = events;
        for (int i = 0; i < count; i++) {
            dispatch(ev, i);
            if (loopExiting()) {
                return;
            }
        }
        // Only those waiting now: a transport capped again waits for the next pass (fairness).
        for (int i = readAgain.size(); i > 0; i--) {
            KqueueTransport t = readAgain.pollFirst();
            if (t == null) {
                break;
            }
            t.readAgainNow();
            if (loopExiting()) {
                return;
            }
        }
    }

    /** Delivers event {@code i} to its handler if the descriptor it was meant for is still the one in the slot. */
    private void dispatch(MemorySegment ev, int i) {
        short filter = codec.filter(ev, i);
        if (filter == platform.evfiltUser()) {
            return; // a wake-up: its only job was to end the wait
        }
        int flags = codec.flags(ev, i);
        long data = codec.data(ev, i);
        if ((flags & EV_ERROR) != 0 && data == 0) {
            return; // a receipt, not an error
        }
        long token = codec.udata(ev, i);
        KqueueHandler h = handlers.lookup(token);
        if (h == null) {
            staleEvents++;
            return;
        }
        if ((flags & EV_ERROR) != 0) {
            // The change failed: the kernel holds no such knote.
            changes.unregister((int) token, filter);
        }
        h.ready(filter, flags, data, codec.fflags(ev, i));
    }

    @Override
    protected void wakeupBackend() {
        // Paired with closeBackend(): a waker that read a live kqueue finishes its call before the
        // kqueue can be closed (and its number reused).
        wakersInFlight.incrementAndGet();
        try {
            Waker w = waker;
            if (w != null) {
                w.kernel.keventWake(w.kq, wakeChange);
            }
        } finally {
            wakersInFlight.decrementAndGet();
            Reference.reachabilityFence(wakeChange);
        }
    }

    @Override
    protected void closeBackend() {
        waker = null;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        BsdIo n = io;
        descriptors.clear();
        readAgain.clear();
        if (n != null && n.isOpen()) {
            int leaked = 0;
            for (int fd = 0; fd < handlers.capacity(); fd++) {
                if (handlers.isInstalled(fd)) {
                    leaked++;
                    n.close(fd);
                }
            }
            if (leaked > 0) {
                LOG.warn("{} descriptors were still registered when the kqueue loop ended; closed them", leaked);
            }
            if (kq >= 0) {
                n.close(kq);
            }
        }
        handlers.clear();
        changes.reset();
        kq = -1;
        changeArray = MemorySegment.NULL;
        events = MemorySegment.NULL;
        changeCapacity = 0;
        eventCapacity = 0;
        io = null;
        Arena a = arena;
        arena = null;
        if (a != null) {
            a.close();
        }
    }

    // ------------------------------------------------------------------ the descriptor table

    BsdIo io() {
        BsdIo n = io;
        if (n == null) {
            throw new IllegalStateException("kqueue backend is not open (reactor " + state() + ")");
        }
        return n;
    }

    private Arena arena() {
        Arena a = arena;
        if (a == null) {
            throw new IllegalStateException("kqueue backend is not open (reactor " + state() + ")");
        }
        return a;
    }

    /**
     * Gives {@code fd} a slot with a fresh token, without telling the kernel.
     *
     * @return the token
     */
    long install(int fd, KqueueHandler handler) {
        return handlers.install(fd, handler);
    }

    /** The token of {@code fd}'s current incarnation: for tests. */
    long token(int fd) {
        return handlers.token(fd);
    }

    /** Hands an installed slot to another handler (a finished connect to its transport). */
    void replace(int fd, KqueueHandler handler) {
        handlers.replace(fd, handler);
    }

    /** Registers a knote of an installed descriptor with the next {@code kevent}. */
    void watch(int fd, short filter, boolean edgeTriggered, boolean enabled) {
        changes.add(fd, filter, edgeTriggered, enabled, handlers.token(fd));
    }

    /** Enables or disables a registered knote with the next {@code kevent}; nothing if it ends the pass unchanged. */
    void setEnabled(int fd, short filter, boolean on) {
        changes.enable(fd, filter, on, handlers.token(fd));
    }

    /**
     * Frees {@code fd}'s slot and drops its unsubmitted changes; called right before the
     * descriptor is closed (which removes its knotes). Events already fetched for it are dropped.
     */
    void release(int fd) {
        changes.forget(fd);
        handlers.remove(fd);
    }

    /** Queues {@code t} to read again on the next pass, which then does not block. */
    void readAgain(KqueueTransport t) {
        readAgain.addLast(t);
    }

    /** Events dropped because their descriptor was closed (or its slot reused) first: for tests. */
    long staleEvents() {
        return staleEvents;
    }

    /** Loop passes (calls of {@code kevent}) so far: for tests. */
    long passes() {
        return passes;
    }

    /** The pending changes: for tests. */
    ChangeList changes() {
        return changes;
    }

    // ------------------------------------------------------------------ read buffer

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Gives the current read buffer away (it becomes pending output) and installs another. */
    boolean detachReadBuffer(ByteBuffer buffer) {
        if (buffer != readBuffer) {
            return false;
        }
        readBuffer = acquireChunk();
        return true;
    }

    // ------------------------------------------------------------------ TCP

    @Override
    public ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options) {
        checkListenArguments(bindAddress, factory, options);
        BsdIo n = io();
        int fd = -1;
        try {
            fd = n.tcpSocket(bindAddress.getAddress());
            if (options.reuseAddress()) {
                n.setIntOption(fd, BsdPlatform.SOL_SOCKET, BsdPlatform.SO_REUSEADDR, 1, "SO_REUSEADDR");
            }
            n.bind(fd, bindAddress);
            n.listen(fd, options.backlog());
            KqueueListeningPort port = new KqueueListeningPort(this, n, fd, n.localAddress(fd), factory,
                    options.tcpNoDelay(), null);
            port.register();
            track(port);
            return port;
        } catch (IOException | RuntimeException e) {
            n.close(fd);
            throw new CannotListenException("cannot listen on " + bindAddress + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options, Protocol protocol,
            ConnectListener listener) throws IOException {
        BsdIo n = io();
        int fd = n.tcpSocket(target.getAddress());
        boolean installed = false;
        try {
            if (options.tcpNoDelay()) {
                n.setIntOption(fd, BsdPlatform.IPPROTO_TCP, BsdPlatform.TCP_NODELAY, 1, "TCP_NODELAY");
            }
            InetSocketAddress local = options.localAddress();
            if (local != null) {
                n.bind(fd, local);
            }
            boolean now = n.connect(fd, target);
            KqueueConnect c = connecting(fd, target, false, protocol, listener);
            installed = true;
            if (now) {
                c.connected();
            }
            return c;
        } catch (IOException | RuntimeException e) {
            if (installed) {
                release(fd);
            }
            n.close(fd);
            throw e;
        }
    }

    /** Gives a socket whose connect was started a slot and both filters, as a connection has them. */
    private KqueueConnect connecting(int fd, SocketAddress target, boolean unix, Protocol protocol,
            ConnectListener listener) {
        KqueueConnect c = new KqueueConnect(this, io(), fd, target, unix, protocol, listener);
        install(fd, c);
        // The write filter reports the connect's end.
        watch(fd, EVFILT_READ, true, true);
        watch(fd, BsdPlatform.EVFILT_WRITE, true, true);
        return c;
    }

    // ------------------------------------------------------------------ UDP

    @Override
    protected DatagramTransport bindUdp(InetSocketAddress bindAddress, StandardProtocolFamily family,
            DatagramProtocol protocol, UdpOptions options) {
        return KqueueDatagramTransport.open(this, io(), bindAddress, family, protocol, options);
    }

    // ------------------------------------------------------------------ UNIX-domain sockets

    /**
     * Listens on a socket file. The abstract namespace is Linux's only: the shared checks refuse
     * it with {@link UnsupportedOperationException} before this runs.
     */
    @Override
    public ListeningPort listenUnix(UnixAddress address, ProtocolFactory factory, UnixListenOptions options) {
        checkListenUnixArguments(address, factory, options);
        UnixSocketFile file = UnixSocketFile.prepare(address, options);
        BsdIo n = io();
        int fd = -1;
        try {
            fd = n.socket(BsdPlatform.AF_UNIX, BsdPlatform.SOCK_STREAM);
            n.bind(fd, address);
            file.bound();
            n.listen(fd, options.backlog());
            KqueueListeningPort port = new KqueueListeningPort(this, n, fd, address.toSocketAddress(), factory, false,
                    file);
            port.register();
            track(port);
            return port;
        } catch (IOException | RuntimeException e) {
            n.close(fd);
            file.remove();
            throw new CannotListenException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected PendingConnect beginConnectUnix(UnixAddress target, Protocol protocol, ConnectListener listener)
            throws IOException {
        BsdIo n = io();
        int fd = n.socket(BsdPlatform.AF_UNIX, BsdPlatform.SOCK_STREAM);
        boolean installed = false;
        try {
            boolean now = n.connect(fd, target);
            KqueueConnect c = connecting(fd, target.toSocketAddress(), true, protocol, listener);
            installed = true;
            if (now) {
                c.connected();
            }
            return c;
        } catch (IOException | RuntimeException e) {
            if (installed) {
                release(fd);
            }
            n.close(fd);
            throw e;
        }
    }

    // ------------------------------------------------------------------ descriptors

    @Override
    public Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler) {
        Objects.requireNonNull(sourceHandler, "sourceHandler must not be null");
        Objects.requireNonNull(sinkHandler, "sinkHandler must not be null");
        checkLoop("openPipe");
        checkActive("openPipe");
        BsdIo n = io();
        long fds;
        try {
            fds = n.pipe();
        } catch (ErrnoException e) {
            throw new ReactorException("cannot open a pipe: " + e.getMessage(), e);
        }
        KqueueDescriptor source = new KqueueDescriptor(this, n, (int) fds, true, sourceHandler, "pipe-source");
        KqueueDescriptor sink = new KqueueDescriptor(this, n, (int) (fds >>> 32), false, sinkHandler, "pipe-sink");
        return new PipeEnds(source, sink);
    }

    /** The two ends of a pipe. */
    private record PipeEnds(Descriptor source, Descriptor sink) implements Pipe {
    }

    @Override
    public void addReader(Descriptor descriptor) {
        descriptors.addReader(descriptor);
    }

    @Override
    public void addWriter(Descriptor descriptor) {
        descriptors.addWriter(descriptor);
    }

    @Override
    public void removeReader(Descriptor descriptor) {
        descriptors.removeReader(descriptor);
    }

    @Override
    public void removeWriter(Descriptor descriptor) {
        descriptors.removeWriter(descriptor);
    }

    @Override
    public List<Descriptor> removeAll() {
        return descriptors.removeAll();
    }

    @Override
    public List<Descriptor> readers() {
        return descriptors.readers();
    }

    @Override
    public List<Descriptor> writers() {
        return descriptors.writers();
    }

    /** What a wake-up needs, published together so that a waker never pairs a kqueue with another run's kernel. */
    private static final class Waker {
        final Kernel kernel;
        final int kq;

        Waker(Kernel kernel, int kq) {
            this.kernel = kernel;
            this.kq = kq;
        }
    }
}
