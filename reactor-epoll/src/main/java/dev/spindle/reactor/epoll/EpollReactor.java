package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLET;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLL_CTL_ADD;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLL_CTL_DEL;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLL_CTL_MOD;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.spi.DescriptorSets;
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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reactor on Linux {@code epoll}, reached through the Foreign Function &amp; Memory API.
 *
 * <h2>Registration</h2>
 * Each descriptor the backend watches has a slot in a table indexed by its number, holding its
 * {@link EpollHandler} and a generation. The 64-bit {@code epoll_event.data} carries both
 * ({@code generation << 32 | fd}); an event whose generation no longer matches the slot belongs to
 * a descriptor closed earlier in the same pass (its number possibly reused already) and is dropped.
 * Descriptors are removed from the epoll set ({@code EPOLL_CTL_DEL}) before they are closed.
 *
 * <h2>Triggering</h2>
 * TCP connections are registered once, edge-triggered, for input, output and peer shutdown
 * ({@code EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET}), from the start of the connect until close:
 * read and write interest then live in Java fields and cost no system call to change. A read burst
 * drains the socket until a read comes back short (a stream socket is then empty) or would block;
 * a burst stopped by the fairness cap, or reading resumed after a pause, puts the connection on a
 * "read again" list served on the next pass, which does not block while the list is non-empty.
 * Listening sockets and user descriptors are level-triggered, registered only while someone
 * waits on them (so a hung-up pipe cannot make the loop spin).
 *
 * <h2>UDP, UNIX-domain sockets, TLS and processes</h2>
 * UDP sockets ({@link EpollDatagramTransport}) are level-triggered and in the epoll set only while
 * reading or waiting to send. UNIX-domain stream sockets are TCP's classes with another address
 * family: paths, and Linux abstract names bound length-exact (a leading NUL, no terminator).
 * TLS is the shared, backend-neutral layer over these transports. Child processes need no thread:
 * {@link EpollProcessTransport} spawns them with {@code posix_spawnp} and watches their pipes and
 * a pidfd here (the portable implementation where Linux or glibc is too old for that).
 *
 * <h2>Waiting and waking</h2>
 * {@code epoll_pwait2} waits with a nanosecond timeout where the C library and kernel have it
 * (glibc 2.35, Linux 5.11); elsewhere {@code epoll_wait} with the timeout rounded up to whole
 * milliseconds. Wake-ups write to an eventfd registered edge-triggered: each write is one edge and
 * the counter is never read back (2<sup>64</sup> wake-ups per loop run would be needed to fill it).
 *
 * <h2>Memory</h2>
 * The scratch memory of the system calls and the event array come from a confined arena per loop
 * run. The read buffer comes from an automatic arena, because the shared skeleton may hand it to a
 * transport's pending output and pool it across runs; protocols see it as a direct
 * {@link ByteBuffer} view, no copy.
 */
final class EpollReactor extends AbstractReactor {
    private static final Logger LOG = LoggerFactory.getLogger(EpollReactor.class);
    static final int MAX_EVENTS = 512;
    private static final EpollHandler WAKER = events -> {
    };

    private final LinuxLayout layout;
    private final boolean nanosecondWaits;
    private final long eventSize;
    private final long eventsOffset;
    private final long dataOffset;
    /** Holds the 8-byte 1 that wake-ups write; {@link #wakeValue} is its address. */
    private final MemorySegment wakeOne;
    private final long wakeValue;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile int wakeFd = -1;

    // Per loop run (loop thread).
    private @Nullable Arena arena;
    private @Nullable NativeIo io;
    private int epfd = -1;
    private MemorySegment events = MemorySegment.NULL;
    private EpollHandler[] handlers = new EpollHandler[64];
    private int[] generations = new int[64];
    private int generation;
    private final ArrayDeque<EpollTransport> readAgain = new ArrayDeque<>();
    /** Native child processes where available; tests turn it off to run the portable ones here. */
    boolean nativeProcesses = true;
    /** Datagrams per {@code recvmmsg}/{@code sendmmsg} for new UDP transports; 1 is unbatched. Tests change it. */
    int udpBatch = EpollDatagramTransport.DEFAULT_BATCH;
    private long staleEvents;

    private ByteBuffer readBuffer;
    final DescriptorSets<EpollDescriptor> descriptors =
            new DescriptorSets<>(this, EpollDescriptor.class, d -> d.reactor == this, EpollDescriptor::updateInterest);

    /**
     * Creates the reactor in state {@code INIT}; nothing native is opened before it runs.
     *
     * @param config the settings
     * @param layout the architecture's structures
     * @param nanosecondWaits use {@code epoll_pwait2} when available (tests turn it off to cover
     *     the millisecond fallback)
     */
    EpollReactor(ReactorConfig config, LinuxLayout layout, boolean nanosecondWaits) {
        super(config);
        this.layout = layout;
        this.nanosecondWaits = nanosecondWaits;
        this.eventSize = layout.epollEventSize();
        this.eventsOffset = layout.epollEventsOffset();
        this.dataOffset = layout.epollDataOffset();
        MemorySegment one = Arena.ofAuto().allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        this.wakeOne = one;
        this.wakeValue = one.address();
        this.readBuffer = Arena.ofAuto().allocate(config.readBufferSize(), 4096).asByteBuffer();
    }

    @Override
    public String backendName() {
        return EpollReactorProvider.NAME;
    }

    // ------------------------------------------------------------------ loop hooks

    @Override
    protected void openBackend() throws IOException {
        Arena a = Arena.ofConfined();
        arena = a;
        try {
            NativeIo n = new NativeIo(a, layout, nanosecondWaits);
            io = n;
            epfd = n.epollCreate();
            events = a.allocate(eventSize * MAX_EVENTS, 8);
            int efd = n.eventfd();
            try {
                register(efd, WAKER, EPOLLIN | EPOLLET);
            } catch (ErrnoException e) {
                n.close(efd);
                throw e;
            }
            wakeFd = efd;
        } catch (IOException | RuntimeException e) {
            closeBackend();
            throw e;
        }
    }

    @Override
    protected void poll(long timeoutNanos) throws IOException {
        NativeIo n = io();
        long timeout = readAgain.isEmpty() ? timeoutNanos : 0;
        int count = n.epollWait(epfd, events.address(), MAX_EVENTS, timeout);
        MemorySegment ev = events;
        for (int i = 0; i < count; i++) {
            long at = i * eventSize;
            dispatch(ev.get(JAVA_INT, at + eventsOffset), ev.get(JAVA_LONG_UNALIGNED, at + dataOffset));
            if (loopExiting()) {
                return;
            }
        }
        // Only those waiting now: a transport capped again waits for the next pass (fairness).
        for (int i = readAgain.size(); i > 0; i--) {
            EpollTransport t = readAgain.pollFirst();
            if (t == null) {
                break;
            }
            t.readAgainNow();
            if (loopExiting()) {
                return;
            }
        }
    }

    /** Delivers one event to its handler if the descriptor it was meant for is still the one in the slot. */
    void dispatch(int mask, long data) {
        int fd = (int) data;
        int gen = (int) (data >>> 32);
        EpollHandler[] h = handlers;
        if (fd >= 0 && fd < h.length && generations[fd] == gen) {
            EpollHandler handler = h[fd];
            if (handler != null) {
                handler.ready(mask);
                return;
            }
        }
        staleEvents++;
    }

    @Override
    protected void wakeupBackend() {
        // Paired with closeBackend(): a waker that read a valid descriptor number finishes its
        // write before the descriptor can be closed (and its number reused).
        wakersInFlight.incrementAndGet();
        try {
            int fd = wakeFd;
            if (fd >= 0) {
                Libc.wakeWrite(fd, wakeValue, 8);
            }
        } finally {
            wakersInFlight.decrementAndGet();
            Reference.reachabilityFence(wakeOne);
        }
    }

    @Override
    protected void closeBackend() {
        int wfd = wakeFd;
        wakeFd = -1;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        NativeIo n = io;
        descriptors.clear();
        readAgain.clear();
        if (n != null && n.isOpen()) {
            int leaked = 0;
            for (int fd = 0; fd < handlers.length; fd++) {
                if (handlers[fd] != null) {
                    if (fd != wfd) {
                        leaked++;
                    }
                    n.close(fd);
                }
            }
            if (leaked > 0) {
                LOG.warn("{} descriptors were still registered when the epoll loop ended; closed them", leaked);
            }
            if (epfd >= 0) {
                n.close(epfd);
            }
        }
        Arrays.fill(handlers, null);
        Arrays.fill(generations, 0);
        epfd = -1;
        events = MemorySegment.NULL;
        io = null;
        Arena a = arena;
        arena = null;
        if (a != null) {
            a.close();
        }
    }

    // ------------------------------------------------------------------ the descriptor table

    NativeIo io() {
        NativeIo n = io;
        if (n == null) {
            throw new IllegalStateException("epoll backend is not open (reactor " + state() + ")");
        }
        return n;
    }

    private static long token(int fd, int gen) {
        return ((long) gen << 32) | (fd & 0xFFFF_FFFFL);
    }

    /** Gives {@code fd} a slot and a fresh generation, without telling the kernel. */
    void install(int fd, EpollHandler handler) {
        if (fd >= handlers.length) {
            int size = Math.max(fd + 1, handlers.length * 2);
            handlers = Arrays.copyOf(handlers, size);
            generations = Arrays.copyOf(generations, size);
        }
        int gen = ++generation;
        if (gen == 0) {
            gen = ++generation;
        }
        handlers[fd] = handler;
        generations[fd] = gen;
    }

    /** Installs {@code fd} and adds it to the epoll set. */
    void register(int fd, EpollHandler handler, int mask) throws ErrnoException {
        install(fd, handler);
        try {
            io().epollCtl(epfd, EPOLL_CTL_ADD, fd, mask, token(fd, generations[fd]));
        } catch (ErrnoException e) {
            handlers[fd] = null;
            generations[fd] = 0;
            throw e;
        }
    }

    /** Hands an installed slot to another handler (a finished connect to its transport). */
    void replace(int fd, EpollHandler handler) {
        handlers[fd] = handler;
    }

    /**
     * Moves an installed descriptor from one level-triggered mask to another: ADD from 0, DEL to
     * 0, else MOD.
     */
    void control(int fd, int from, int to) throws ErrnoException {
        if (from == to) {
            return;
        }
        int op = from == 0 ? EPOLL_CTL_ADD : to == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
        io().epollCtl(epfd, op, fd, to, token(fd, generations[fd]));
    }

    /**
     * Removes {@code fd} from the epoll set (if {@code registered}) and frees its slot; called
     * before the descriptor is closed. Events already fetched for it are dropped.
     */
    void deregister(int fd, boolean registered) {
        if (fd < 0 || fd >= handlers.length) {
            return;
        }
        if (registered && io != null && epfd >= 0) {
            try {
                io.epollCtl(epfd, EPOLL_CTL_DEL, fd, 0, 0);
            } catch (ErrnoException e) {
                LOG.debug("EPOLL_CTL_DEL of fd {} failed", fd, e);
            }
        }
        handlers[fd] = null;
        generations[fd] = 0;
    }

    /** Queues {@code t} to read again on the next pass, which then does not block. */
    void readAgain(EpollTransport t) {
        readAgain.addLast(t);
    }

    /** Events dropped because their descriptor was closed (or its slot reused) first: for tests. */
    long staleEvents() {
        return staleEvents;
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
        NativeIo n = io();
        int fd = -1;
        try {
            fd = n.tcpSocket(bindAddress.getAddress());
            if (options.reuseAddress()) {
                n.setIntOption(fd, LinuxLayout.SOL_SOCKET, LinuxLayout.SO_REUSEADDR, 1, "SO_REUSEADDR");
            }
            n.bind(fd, bindAddress);
            n.listen(fd, options.backlog());
            EpollListeningPort port = new EpollListeningPort(this, n, fd, n.localAddress(fd), factory, options.tcpNoDelay(), null);
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
        NativeIo n = io();
        int fd = n.tcpSocket(target.getAddress());
        try {
            if (options.tcpNoDelay()) {
                n.setIntOption(fd, LinuxLayout.IPPROTO_TCP, LinuxLayout.TCP_NODELAY, 1, "TCP_NODELAY");
            }
            InetSocketAddress local = options.localAddress();
            if (local != null) {
                n.bind(fd, local);
            }
            boolean now = n.connect(fd, target);
            return connecting(n, fd, target, false, now, protocol, listener);
        } catch (IOException | RuntimeException e) {
            n.close(fd);
            throw e;
        }
    }

    /**
     * Registers a socket whose connect was started and hands it to an {@link EpollConnect}. On
     * failure the slot is freed; the caller closes the socket.
     */
    private EpollConnect connecting(NativeIo n, int fd, SocketAddress remote, boolean unix, boolean now,
            Protocol protocol, ConnectListener listener) throws ErrnoException {
        EpollConnect c = new EpollConnect(this, n, fd, remote, unix, protocol, listener);
        // Registered after connect(): an unconnected socket reports EPOLLOUT | EPOLLHUP.
        register(fd, c, EpollTransport.EVENTS);
        if (now) {
            try {
                c.connected(0);
            } catch (RuntimeException e) {
                deregister(fd, true);
                throw e;
            }
        }
        return c;
    }

    // ------------------------------------------------------------------ UDP

    @Override
    protected DatagramTransport bindUdp(InetSocketAddress bindAddress, StandardProtocolFamily family,
            DatagramProtocol protocol, UdpOptions options) {
        return EpollDatagramTransport.open(this, io(), bindAddress, family, protocol, options, udpBatch);
    }

    // ------------------------------------------------------------------ UNIX-domain sockets

    /** Linux binds abstract names directly: a leading NUL and a length that ends the name. */
    @Override
    protected boolean supportsAbstractUnixNamespace() {
        return true;
    }

    @Override
    public ListeningPort listenUnix(UnixAddress address, ProtocolFactory factory, UnixListenOptions options) {
        checkListenUnixArguments(address, factory, options);
        UnixSocketFile file = UnixSocketFile.prepare(address, options);
        NativeIo n = io();
        int fd = -1;
        try {
            fd = n.socket(LinuxLayout.AF_UNIX, LinuxLayout.SOCK_STREAM);
            n.bind(fd, address);
            file.bound();
            n.listen(fd, options.backlog());
            EpollListeningPort port = new EpollListeningPort(this, n, fd, address.toSocketAddress(), factory, false, file);
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
        NativeIo n = io();
        int fd = n.socket(LinuxLayout.AF_UNIX, LinuxLayout.SOCK_STREAM);
        try {
            boolean now = n.connect(fd, target);
            return connecting(n, fd, target.toSocketAddress(), true, now, protocol, listener);
        } catch (IOException | RuntimeException e) {
            n.close(fd);
            throw e;
        }
    }

    // ------------------------------------------------------------------ child processes

    /**
     * Starts a child without a thread of its own ({@link EpollProcessTransport}: posix_spawn,
     * pipes and a pidfd in the epoll set) where the kernel and C library allow, else with the
     * portable implementation.
     */
    @Override
    public ProcessTransport spawnProcess(ProcessSpec spec, ProcessProtocol protocol) {
        checkSpawnArguments(spec, protocol);
        NativeIo n = io();
        if (nativeProcesses && EpollProcessTransport.available(n)) {
            return EpollProcessTransport.spawn(this, n, layout, spec, protocol);
        }
        return super.spawnProcess(spec, protocol);
    }

    // ------------------------------------------------------------------ descriptors

    @Override
    public Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler) {
        Objects.requireNonNull(sourceHandler, "sourceHandler must not be null");
        Objects.requireNonNull(sinkHandler, "sinkHandler must not be null");
        checkLoop("openPipe");
        checkActive("openPipe");
        NativeIo n = io();
        long fds;
        try {
            fds = n.pipe();
        } catch (ErrnoException e) {
            throw new ReactorException("cannot open a pipe: " + e.getMessage(), e);
        }
        EpollDescriptor source = new EpollDescriptor(this, n, (int) fds, true, sourceHandler, "pipe-source");
        EpollDescriptor sink = new EpollDescriptor(this, n, (int) (fds >>> 32), false, sinkHandler, "pipe-sink");
        return new Pipe() {
            @Override
            public Descriptor source() {
                return source;
            }

            @Override
            public Descriptor sink() {
                return sink;
            }
        };
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
}
