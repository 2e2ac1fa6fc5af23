package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLERR;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLHUP;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;
import static dev.spindle.reactor.epoll.LinuxLayout.IPPROTO_IP;
import static dev.spindle.reactor.epoll.LinuxLayout.IPPROTO_IPV6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractDatagramTransport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket on the epoll backend: {@code socket(SOCK_DGRAM)}, {@code recvmsg}/{@code sendmsg}
 * and {@code recvmmsg}/{@code sendmmsg} through FFM, the shared rules of
 * {@link AbstractDatagramTransport} on top.
 *
 * <p>Level-triggered and in the epoll set only while reading or a queued send waits for room
 * (a socket with a pending ICMP error reports {@code EPOLLERR} whatever its mask, so one left in
 * the set while paused would wake the loop over and over). Pausing and resuming cost one
 * {@code epoll_ctl} each; a read burst that stops at the per-event cap is reported again on the
 * next pass.
 *
 * <h2>Batches</h2>
 * With a batch size N above 1 ({@link #DEFAULT_BATCH}, the system property
 * {@value #BATCH_PROPERTY}), a readiness event receives with {@code recvmmsg}: up to N datagrams
 * per call into N slots of {@code maxPacketSize} bytes, and again while a call fills every slot,
 * up to {@value AbstractDatagramTransport#MAX_DATAGRAMS_PER_EVENT} datagrams per event. Each
 * is handed to the protocol in order as a view of its slot (no copy). A datagram the kernel cut
 * ({@code MSG_TRUNC} in its {@code msg_flags}) is reported as a {@code DatagramTooLargeException}
 * and the others of the batch are delivered. A protocol that pauses reading in the middle of a
 * batch gets the rest, in order, after it resumes (from a loop task, never from inside
 * {@code resumeReading}); they wait in their slots, so no more than N are ever kept. When two or
 * more datagrams are queued for sending, up to N leave with one {@code sendmmsg}; what the kernel
 * does not take stays queued, with the writability events of an unbatched send. With N = 1 each
 * datagram is one {@code recvmsg} or {@code sendmsg}.
 *
 * <p>Memory: the slots, their {@code mmsghdr}s, {@code iovec}s and addresses are one off-heap
 * block per transport of at most {@value #BATCH_MEMORY} bytes of slots (N is lowered for large
 * {@code maxPacketSize}: 16 slots of the default 8,192 bytes, 4 of 65,527), plus, from the first
 * queued or heap-buffer send, a staging block of the same size for datagrams whose bytes are on
 * the Java heap. The block belongs to an arena of the transport's own, closed with the socket.
 *
 * <p>Hot path: the sender's address is decoded only when its raw {@code sockaddr} differs from
 * the previous datagram's, and a send encodes its target only when it differs from the previous
 * one, so a ping-pong with one peer allocates nothing.
 *
 * <p>An {@code AF_INET6} socket is dual-stack ({@code IPV6_V6ONLY} off): IPv4 peers are reached as
 * IPv4-mapped addresses and reported as {@link Inet4Address}es, as the JDK's channels do. Linux
 * gives an ephemeral port back when a socket is disconnected; it is bound again, so the local
 * address survives {@link #disconnect()}.
 */
final class EpollDatagramTransport extends AbstractDatagramTransport implements EpollHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EpollDatagramTransport.class);
    private static final int READ_EVENTS = EPOLLIN | EPOLLERR | EPOLLHUP;
    private static final int WRITE_EVENTS = EPOLLOUT | EPOLLERR | EPOLLHUP;

    /** The system property that sets the batch size N: 1 (no batching) .. {@value AbstractDatagramTransport#MAX_DATAGRAMS_PER_EVENT}. */
    static final String BATCH_PROPERTY = "spindle.epoll.udp.batch";
    /** Datagrams per {@code recvmmsg}/{@code sendmmsg} unless {@value #BATCH_PROPERTY} says otherwise. */
    static final int DEFAULT_BATCH = batchSize(System.getProperty(BATCH_PROPERTY));
    /** The most bytes of receive slots per transport; N is lowered to keep under it. */
    static final int BATCH_MEMORY = 256 * 1024;
    /** Room for a sender's or target's address: a {@code sockaddr_in6}, rounded to 8 bytes. */
    private static final int NAME_SIZE = 32;
    private static final int NAME_LENGTH = (int) LinuxLayout.SOCKADDR_IN6.byteSize();
    private static final long MMSG = LinuxLayout.MMSGHDR.byteSize();
    private static final long IOV = LinuxLayout.IOVEC.byteSize();
    /** Where the single {@code message}'s {@code iovec} sits, after its {@code msghdr} (its address follows). */
    private static final long MESSAGE_IOV = LinuxLayout.MSGHDR.byteSize();

    private final EpollReactor epoll;
    private final NativeIo io;
    private final int fd;
    private final boolean inet6;
    /** The address bound, with the port the kernel chose: bound again after a disconnect. */
    private final InetSocketAddress bound;
    private final List<Membership> memberships = new ArrayList<>();
    private SocketAddress local;
    private boolean readInterest;
    private boolean writeInterest;
    private int registered;
    private boolean fdClosed;

    // Off-heap memory: the transport's own, closed with the socket (or after the delivery that closed it).
    private final Arena memory;
    private boolean memoryClosed;
    private boolean delivering;
    private final int maxPacket;
    // Receiving: N slots with an mmsghdr, an iovec and an address each (N = 0: one recvmsg at a time).
    private final int slots;
    private final long slotSize;
    private final MemorySegment receiveVector;
    private final MemorySegment receiveNames;
    private final ByteBuffer[] views;
    /** The datagrams in the slots from the last {@code recvmmsg}, and the next to deliver. */
    private int filled;
    private int next;
    private boolean keptScheduled;
    private final Runnable deliverKept = this::deliverKept;
    // Sending: one msghdr and iovec for single sends; N of each and their targets for sendmmsg (lazily).
    private final MemorySegment message;
    private @Nullable MemorySegment sendVector;
    private @Nullable MemorySegment staging;

    // Counters for tests: the most datagrams one recvmmsg returned; sendmmsg calls, and those that sent fewer than offered.
    private int largestReceiveBatch;
    private long sendBatches;
    private long shortSendBatches;

    // The last target encoded, and the last sender decoded (native copies of their sockaddr).
    private final MemorySegment target;
    private int targetLength;
    private @Nullable InetSocketAddress encodedTarget;
    private final MemorySegment sender;
    private int senderLength;
    private @Nullable InetSocketAddress decodedSender;

    private EpollDatagramTransport(EpollReactor reactor, NativeIo io, int fd, boolean inet6, InetSocketAddress bound,
            DatagramProtocol protocol, UdpOptions options, int batch) {
        super(reactor, protocol, options);
        this.epoll = reactor;
        this.io = io;
        this.fd = fd;
        this.inet6 = inet6;
        this.bound = bound;
        this.local = bound;
        this.maxPacket = options.maxPacketSize();
        this.slotSize = (maxPacket + 7L) & ~7L;
        this.slots = batch <= 1 ? 0 : (int) Math.max(2, Math.min(batch, BATCH_MEMORY / slotSize));
        Arena arena = Arena.ofShared();
        this.memory = arena;
        try {
            this.target = arena.allocate(NAME_SIZE, 8);
            this.sender = arena.allocate(NAME_SIZE, 8);
            // One msghdr, its iovec and an address: single sends, and receives when unbatched.
            this.message = arena.allocate(LinuxLayout.MSGHDR.byteSize() + IOV + NAME_SIZE, 8);
            int n = Math.max(slots, 1);
            MemorySegment block = arena.allocate(n * (MMSG + IOV + NAME_SIZE) + slots * slotSize, 64);
            this.receiveVector = block.asSlice(0, n * MMSG);
            MemorySegment iovs = block.asSlice(n * MMSG, n * IOV);
            this.receiveNames = block.asSlice(n * (MMSG + IOV), n * NAME_SIZE);
            MemorySegment data = block.asSlice(n * (MMSG + IOV + NAME_SIZE));
            this.views = new ByteBuffer[slots];
            for (int i = 0; i < slots; i++) {
                MemorySegment slot = data.asSlice(i * slotSize, maxPacket);
                views[i] = slot.asByteBuffer();
                header(receiveVector, i * MMSG, iovs, i * IOV, slot.address(), maxPacket,
                        receiveNames.address() + i * NAME_SIZE, NAME_LENGTH);
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Fills a {@code msghdr} at {@code vector + at} for one buffer and one address, no control
     * data, no flags, and its {@code iovec} at {@code iovs + iovAt}.
     */
    private static void header(MemorySegment vector, long at, MemorySegment iovs, long iovAt, long bytes, long length,
            long name, int nameLength) {
        iovs.set(JAVA_LONG, iovAt + LinuxLayout.IOV_BASE, bytes);
        iovs.set(JAVA_LONG, iovAt + LinuxLayout.IOV_LEN, length);
        long iov = iovs.address() + iovAt;
        vector.set(JAVA_LONG, at + LinuxLayout.MSG_NAME, name);
        vector.set(JAVA_INT, at + LinuxLayout.MSG_NAMELEN, nameLength);
        vector.set(JAVA_LONG, at + LinuxLayout.MSG_IOV, iov);
        vector.set(JAVA_LONG, at + LinuxLayout.MSG_IOVLEN, 1);
        vector.set(JAVA_LONG, at + LinuxLayout.MSG_CONTROL, 0);
        vector.set(JAVA_LONG, at + LinuxLayout.MSG_CONTROLLEN, 0);
        vector.set(JAVA_INT, at + LinuxLayout.MSG_FLAGS, 0);
    }

    /** The batch size a value of {@value #BATCH_PROPERTY} asks for: 16 when unset or not a number. */
    static int batchSize(@Nullable String property) {
        int n = 16;
        if (property != null) {
            try {
                n = Integer.parseInt(property.strip());
            } catch (NumberFormatException e) {
                LOG.warn("{} must be a number in 1..{}, found: {}; using {}", BATCH_PROPERTY, MAX_DATAGRAMS_PER_EVENT,
                        property, n);
            }
        }
        return Math.max(1, Math.min(MAX_DATAGRAMS_PER_EVENT, n));
    }

    /**
     * Opens, configures and binds a socket, gives it a slot in the reactor's table, then starts
     * the transport.
     *
     * @throws CannotListenException if any of that fails; the socket is closed
     */
    static EpollDatagramTransport open(EpollReactor reactor, NativeIo io, InetSocketAddress bindAddress,
            StandardProtocolFamily family, DatagramProtocol protocol, UdpOptions options, int batch) {
        boolean inet6 = family == StandardProtocolFamily.INET6;
        int fd = -1;
        EpollDatagramTransport t = null;
        try {
            fd = io.socket(inet6 ? LinuxLayout.AF_INET6 : LinuxLayout.AF_INET, LinuxLayout.SOCK_DGRAM);
            configure(io, fd, inet6, options);
            io.bind(fd, bindAddress, inet6);
            t = new EpollDatagramTransport(reactor, io, fd, inet6, io.localAddress(fd), protocol, options, batch);
            reactor.install(fd, t);
        } catch (IOException | RuntimeException e) {
            if (t != null) {
                t.releaseMemory();
            }
            io.close(fd);
            throw new CannotListenException("cannot listen for UDP on " + bindAddress + " (" + family + "): "
                    + e.getMessage(), e);
        }
        t.start();
        return t;
    }

    private static void configure(NativeIo io, int fd, boolean inet6, UdpOptions options) throws IOException {
        int sol = LinuxLayout.SOL_SOCKET;
        if (inet6) {
            // Dual-stack whatever net.ipv6.bindv6only says, as the JDK's channels are.
            io.setIntOption(fd, IPPROTO_IPV6, LinuxLayout.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
        }
        if (options.reuseAddress()) {
            io.setIntOption(fd, sol, LinuxLayout.SO_REUSEADDR, 1, "SO_REUSEADDR");
        }
        if (options.broadcast()) {
            io.setIntOption(fd, sol, LinuxLayout.SO_BROADCAST, 1, "SO_BROADCAST");
        }
        if (options.receiveBufferSize() > 0) {
            io.setIntOption(fd, sol, LinuxLayout.SO_RCVBUF, options.receiveBufferSize(), "SO_RCVBUF");
        }
        if (options.sendBufferSize() > 0) {
            io.setIntOption(fd, sol, LinuxLayout.SO_SNDBUF, options.sendBufferSize(), "SO_SNDBUF");
        }
        NetworkInterface ni = options.multicastInterface();
        if (ni != null) {
            // ip_mreqn with the interface index; an AF_INET6 socket also takes the IPv4 option, for IPv4 groups.
            MemorySegment m = io.option();
            m.set(JAVA_INT, LinuxLayout.IMR_IFINDEX, ni.getIndex());
            io.setOption(fd, IPPROTO_IP, LinuxLayout.IP_MULTICAST_IF, (int) LinuxLayout.IP_MREQN.byteSize(),
                    "IP_MULTICAST_IF " + ni.getName());
            if (inet6) {
                io.setIntOption(fd, IPPROTO_IPV6, LinuxLayout.IPV6_MULTICAST_IF, ni.getIndex(),
                        "IPV6_MULTICAST_IF " + ni.getName());
            }
        }
        // Linux delivers a group's datagrams to every socket bound to its port once any socket joined
        // it (IP_MULTICAST_ALL on by default): off, a socket gets only the groups it joined itself,
        // as with the JDK's channels.
        io.setIntOption(fd, IPPROTO_IP, LinuxLayout.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
        if (inet6) {
            try {
                io.setIntOption(fd, IPPROTO_IPV6, LinuxLayout.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
            } catch (ErrnoException e) {
                // Linux before 4.20 has no IPV6_MULTICAST_ALL; IPv6 groups then behave as there by default.
                if (e.errno() != Errno.ENOPROTOOPT) {
                    throw e;
                }
            }
        }
        io.setIntOption(fd, IPPROTO_IP, LinuxLayout.IP_MULTICAST_TTL, options.multicastTtl(), "IP_MULTICAST_TTL");
        io.setIntOption(fd, IPPROTO_IP, LinuxLayout.IP_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0,
                "IP_MULTICAST_LOOP");
        if (inet6) {
            io.setIntOption(fd, IPPROTO_IPV6, LinuxLayout.IPV6_MULTICAST_HOPS, options.multicastTtl(),
                    "IPV6_MULTICAST_HOPS");
            io.setIntOption(fd, IPPROTO_IPV6, LinuxLayout.IPV6_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0,
                    "IPV6_MULTICAST_LOOP");
        }
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    /** Datagrams per {@code recvmmsg}/{@code sendmmsg}, 0 when unbatched: for tests. */
    int batchSlots() {
        return slots;
    }

    /** The most datagrams one {@code recvmmsg} returned: for tests. */
    int largestReceiveBatch() {
        return largestReceiveBatch;
    }

    /** {@code sendmmsg} calls made: for tests. */
    long sendBatches() {
        return sendBatches;
    }

    /** {@code sendmmsg} calls that sent fewer datagrams than offered (none counts): for tests. */
    long shortSendBatches() {
        return shortSendBatches;
    }

    @Override
    public void ready(int events) {
        if (readInterest && (events & READ_EVENTS) != 0) {
            if (slots > 0) {
                receiveBatches();
            } else {
                onReadable();
            }
        }
        if (writeInterest && !fdClosed && (events & WRITE_EVENTS) != 0) {
            onWritable();
        }
    }

    // ------------------------------------------------------------------ socket calls

    /**
     * Receives in batches: delivers what the slots still hold, then {@code recvmmsg} again while
     * a call fills every slot asked for, up to {@value AbstractDatagramTransport#MAX_DATAGRAMS_PER_EVENT}
     * datagrams. Stops as soon as the protocol pauses reading or the transport closes.
     */
    private void receiveBatches() {
        int budget = MAX_DATAGRAMS_PER_EVENT;
        boolean more = true;
        while (deliverSlots()) {
            if (!more || budget <= 0) {
                return;
            }
            int want = Math.min(slots, budget);
            int got;
            try {
                got = io.receiveMessages(fd, receiveVector.address(), want);
            } catch (ErrnoException e) {
                if (!receiveFailed(refusedOr(e))) {
                    return;
                }
                budget--;
                continue;
            }
            filled = got;
            next = 0;
            if (got > largestReceiveBatch) {
                largestReceiveBatch = got;
            }
            budget -= got;
            // Fewer than asked for: the socket is drained (level-triggered: more data wakes the loop again).
            more = got == want;
        }
    }

    /**
     * Delivers the datagrams left in the slots, in order.
     *
     * @return false if the protocol paused reading or the transport closed (the rest stay)
     */
    private boolean deliverSlots() {
        while (next < filled) {
            if (fdClosed || isReadingPaused()) {
                return false;
            }
            int i = next++;
            long at = i * MMSG;
            int length = receiveVector.get(JAVA_INT, at + LinuxLayout.MSG_LEN);
            boolean cut = (receiveVector.get(JAVA_INT, at + LinuxLayout.MSG_FLAGS) & LinuxLayout.MSG_TRUNC) != 0;
            int nameLength = receiveVector.get(JAVA_INT, at + LinuxLayout.MSG_NAMELEN);
            // The kernel wrote the address's real length: give the next call the whole room again.
            receiveVector.set(JAVA_INT, at + LinuxLayout.MSG_NAMELEN, NAME_LENGTH);
            InetSocketAddress from;
            try {
                from = sender(receiveNames, i * NAME_SIZE, nameLength);
            } catch (IOException e) {
                if (!receiveFailed(e)) {
                    return false;
                }
                continue;
            }
            ByteBuffer view = views[i];
            view.clear().limit(cut ? 0 : length);
            delivering = true;
            try {
                received(view, from, cut);
            } finally {
                delivering = false;
                if (fdClosed) {
                    releaseMemory();
                }
            }
        }
        return !fdClosed && !isReadingPaused();
    }

    /** Datagrams kept in the slots by a pause go out after the resume, from a loop task. */
    @Override
    protected void readingResumed() {
        if (next >= filled || keptScheduled) {
            return;
        }
        keptScheduled = true;
        if (!reactor.tryExecute(deliverKept)) {
            // The task queue is full: a timer runs it instead (rare, so its allocation does not matter).
            reactor.schedule(Duration.ZERO, deliverKept);
        }
    }

    private void deliverKept() {
        keptScheduled = false;
        if (readInterest && !fdClosed) {
            receiveBatches();
        }
    }

    /** Unbatched: one {@code recvmsg} into {@code dst} (the shared part's direct buffer). */
    @Override
    protected @Nullable SocketAddress receiveInto(ByteBuffer dst) throws IOException {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("the receive buffer must be direct, found a heap buffer");
        }
        MemorySegment m = message;
        long name = MESSAGE_IOV + IOV;
        int pos = dst.position();
        header(m, 0, m, MESSAGE_IOV, MemorySegment.ofBuffer(dst).address(), dst.remaining(), m.address() + name,
                NAME_LENGTH);
        int n;
        try {
            n = io.receiveMessage(fd, m.address());
        } catch (ErrnoException e) {
            throw refusedOr(e);
        } finally {
            Reference.reachabilityFence(dst);
        }
        if (n < 0) {
            return null;
        }
        dst.position(pos + n);
        return sender(m, name, m.get(JAVA_INT, LinuxLayout.MSG_NAMELEN));
    }

    /** The sender at {@code raw + offset}, decoded only if it differs from the last one. */
    private InetSocketAddress sender(MemorySegment raw, long offset, int len) throws IOException {
        InetSocketAddress last = decodedSender;
        if (last != null && len == senderLength
                && MemorySegment.mismatch(raw, offset, offset + len, sender, 0, len) == -1) {
            return last;
        }
        InetSocketAddress decoded;
        try {
            decoded = NativeIo.decode(raw.asSlice(offset, NAME_SIZE));
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IOException("recvmsg returned an address this backend cannot decode: " + e.getMessage(), e);
        }
        if (len > 0 && len <= NAME_SIZE) {
            MemorySegment.copy(raw, offset, sender, 0, len);
            senderLength = len;
            decodedSender = decoded;
        }
        return decoded;
    }

    @Override
    protected int sendTo(ByteBuffer src, InetSocketAddress to) throws IOException {
        InetSocketAddress last = encodedTarget;
        if (to != last && !to.equals(last)) {
            checkFamily(to.getAddress(), to);
            encodedTarget = null;
            targetLength = NativeIo.encode(target, to.getAddress(), to.getPort(), inet6);
            encodedTarget = to;
        }
        MemorySegment m = message;
        header(m, 0, m, MESSAGE_IOV, bytesOf(src, 0), src.remaining(), target.address(), targetLength);
        int n;
        try {
            n = io.sendMessage(fd, m.address());
        } catch (ErrnoException e) {
            throw refusedOr(e);
        } finally {
            Reference.reachabilityFence(src);
        }
        if (n < 0) {
            return 0;
        }
        src.position(src.limit());
        return n;
    }

    /**
     * Up to N queued datagrams with one {@code sendmmsg}; fewer if a target cannot be encoded
     * for this socket or the staging block is full (that one then leads the next call).
     */
    @Override
    protected int sendBatch(ByteBuffer[] data, InetSocketAddress[] targets, int count) throws IOException {
        if (slots == 0) {
            return -1;
        }
        MemorySegment v = sendVector;
        if (v == null) {
            v = memory.allocate(slots * (MMSG + IOV + NAME_SIZE), 64);
            sendVector = v;
        }
        long iovs = slots * MMSG;
        long names = iovs + slots * IOV;
        int n = Math.min(count, slots);
        long staged = 0;
        for (int i = 0; i < n; i++) {
            InetSocketAddress to = targets[i];
            ByteBuffer d = data[i];
            int len = d.remaining();
            boolean wrongFamily = !inet6 && to.getAddress() instanceof Inet6Address;
            if (i > 0 && (wrongFamily || !d.isDirect() && staged + len > stagingSize())) {
                n = i;
                break;
            }
            // The first datagram always fits; its error, if any, is the call's.
            checkFamily(to.getAddress(), to);
            int nameLength = NativeIo.encode(v.asSlice(names + i * NAME_SIZE, NAME_SIZE), to.getAddress(), to.getPort(),
                    inet6);
            long base = bytesOf(d, staged);
            if (!d.isDirect()) {
                staged += len;
            }
            header(v, i * MMSG, v, iovs + i * IOV, base, len, v.address() + names + i * NAME_SIZE, nameLength);
        }
        sendBatches++;
        try {
            int sent = io.sendMessages(fd, v.address(), n);
            if (sent < n) {
                shortSendBatches++;
            }
            return sent;
        } catch (ErrnoException e) {
            shortSendBatches++;
            throw refusedOr(e);
        } finally {
            Reference.reachabilityFence(data);
        }
    }

    /**
     * The native address of {@code src}'s remaining bytes: in place for a direct buffer, else
     * after copying them into the staging block at {@code offset}.
     */
    private long bytesOf(ByteBuffer src, long offset) {
        if (src.isDirect()) {
            return MemorySegment.ofBuffer(src).address();
        }
        MemorySegment s = staging;
        if (s == null) {
            s = memory.allocate(stagingSize(), 64);
            staging = s;
        }
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, s, offset, src.remaining());
        return s.address() + offset;
    }

    /** Bytes of the staging block: one datagram unbatched, N slots' worth batched. */
    private long stagingSize() {
        return Math.max(1, slots) * slotSize;
    }

    /** A pending ICMP port-unreachable on a connected socket becomes the non-fatal report. */
    private IOException refusedOr(ErrnoException e) {
        if (e.errno() == Errno.ECONNREFUSED) {
            PortUnreachableException p = new PortUnreachableException(e.getMessage());
            p.initCause(e);
            return p;
        }
        return e;
    }

    private void checkFamily(InetAddress address, Object what) throws IOException {
        if (!inet6 && address instanceof Inet6Address) {
            throw new IOException("the address family of " + what + " does not match this socket's (bound to " + local
                    + ", IPv4)");
        }
    }

    @Override
    protected void connectNow(InetSocketAddress peer) throws IOException {
        checkFamily(peer.getAddress(), peer);
        io.connectDatagram(fd, peer, inet6);
        local = io.localAddress(fd);
    }

    @Override
    protected void disconnectNow() throws IOException {
        io.disconnect(fd);
        InetSocketAddress now = io.localAddress(fd);
        if (now.getPort() != bound.getPort()) {
            // Linux unhashes a socket bound to port 0 when it is disconnected: take the same port again.
            io.bind(fd, bound, inet6);
            now = io.localAddress(fd);
        }
        local = now;
    }

    @Override
    protected void joinNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source)
            throws IOException {
        Membership m = new Membership(group, networkInterface, source);
        if (memberships.contains(m)) {
            return;
        }
        membership(m, true);
        memberships.add(m);
    }

    @Override
    protected boolean leaveNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        Membership m = new Membership(group, networkInterface, source);
        if (!memberships.remove(m)) {
            return false;
        }
        try {
            membership(m, false);
        } catch (IOException e) {
            LOG.debug("leaving {} on {} failed: {}", m, this, e.getMessage());
        }
        return true;
    }

    /**
     * Joins or leaves: {@code IP_ADD_MEMBERSHIP} ({@code ip_mreqn}) and
     * {@code IP_ADD_SOURCE_MEMBERSHIP} ({@code ip_mreq_source}) for IPv4 groups,
     * {@code IPV6_JOIN_GROUP} ({@code ipv6_mreq}) and {@code MCAST_JOIN_SOURCE_GROUP}
     * ({@code group_source_req}) for IPv6 ones, and the matching drops.
     */
    private void membership(Membership m, boolean join) throws IOException {
        checkFamily(m.group, m.group.getHostAddress());
        int index = m.networkInterface.getIndex();
        MemorySegment o = io.option();
        if (m.group instanceof Inet4Address) {
            InetAddress source = m.source;
            if (source == null) {
                MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, LinuxLayout.IMR_MULTIADDR, 4);
                o.set(JAVA_INT, LinuxLayout.IMR_IFINDEX, index);
                io.setOption(fd, IPPROTO_IP, join ? LinuxLayout.IP_ADD_MEMBERSHIP : LinuxLayout.IP_DROP_MEMBERSHIP,
                        (int) LinuxLayout.IP_MREQN.byteSize(), (join ? "IP_ADD_MEMBERSHIP " : "IP_DROP_MEMBERSHIP ") + m);
                return;
            }
            if (!(source instanceof Inet4Address)) {
                throw new IOException("the source of an IPv4 group must be an IPv4 address, found: " + source.getHostAddress());
            }
            // ip_mreq_source names the interface by one of its IPv4 addresses, not by index.
            InetAddress at = ipv4Of(m.networkInterface);
            MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, LinuxLayout.IMRS_MULTIADDR, 4);
            MemorySegment.copy(at.getAddress(), 0, o, JAVA_BYTE, LinuxLayout.IMRS_INTERFACE, 4);
            MemorySegment.copy(source.getAddress(), 0, o, JAVA_BYTE, LinuxLayout.IMRS_SOURCEADDR, 4);
            io.setOption(fd, IPPROTO_IP, join ? LinuxLayout.IP_ADD_SOURCE_MEMBERSHIP : LinuxLayout.IP_DROP_SOURCE_MEMBERSHIP,
                    (int) LinuxLayout.IP_MREQ_SOURCE.byteSize(),
                    (join ? "IP_ADD_SOURCE_MEMBERSHIP " : "IP_DROP_SOURCE_MEMBERSHIP ") + m);
            return;
        }
        InetAddress source = m.source;
        if (source == null) {
            MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, LinuxLayout.IPV6MR_MULTIADDR, 16);
            o.set(JAVA_INT, LinuxLayout.IPV6MR_INTERFACE, index);
            io.setOption(fd, IPPROTO_IPV6, join ? LinuxLayout.IPV6_JOIN_GROUP : LinuxLayout.IPV6_LEAVE_GROUP,
                    (int) LinuxLayout.IPV6_MREQ.byteSize(), (join ? "IPV6_JOIN_GROUP " : "IPV6_LEAVE_GROUP ") + m);
            return;
        }
        if (!(source instanceof Inet6Address)) {
            throw new IOException("the source of an IPv6 group must be an IPv6 address, found: " + source.getHostAddress());
        }
        o.set(JAVA_INT, LinuxLayout.GSR_INTERFACE, index);
        NativeIo.encode(o.asSlice(LinuxLayout.GSR_GROUP, LinuxLayout.SOCKADDR_IN6.byteSize()), m.group, 0, true);
        NativeIo.encode(o.asSlice(LinuxLayout.GSR_SOURCE, LinuxLayout.SOCKADDR_IN6.byteSize()), source, 0, true);
        io.setOption(fd, IPPROTO_IPV6, join ? LinuxLayout.MCAST_JOIN_SOURCE_GROUP : LinuxLayout.MCAST_LEAVE_SOURCE_GROUP,
                (int) LinuxLayout.GROUP_SOURCE_REQ.byteSize(),
                (join ? "MCAST_JOIN_SOURCE_GROUP " : "MCAST_LEAVE_SOURCE_GROUP ") + m);
    }

    private static InetAddress ipv4Of(NetworkInterface ni) throws IOException {
        for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        throw new IOException("interface " + ni.getName() + " has no IPv4 address for a source-specific IPv4 membership");
    }

    // ------------------------------------------------------------------ interest and closing

    @Override
    protected void interestRead(boolean on) {
        readInterest = on;
        updateInterest();
    }

    @Override
    protected void interestWrite(boolean on) {
        writeInterest = on;
        updateInterest();
    }

    private void updateInterest() {
        if (fdClosed) {
            return;
        }
        int want = (readInterest ? EPOLLIN : 0) | (writeInterest ? EPOLLOUT : 0);
        try {
            epoll.control(fd, registered, want);
            registered = want;
        } catch (ErrnoException e) {
            throw new ReactorException("cannot watch " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void closeNow() {
        if (fdClosed) {
            return;
        }
        fdClosed = true;
        readInterest = false;
        writeInterest = false;
        memberships.clear();
        if (io.isOpen()) {
            epoll.deregister(fd, registered != 0);
            io.close(fd);
        }
        registered = 0;
        filled = 0;
        next = 0;
        if (!delivering) {
            releaseMemory();
        }
    }

    /** Frees the off-heap block; a datagram being delivered keeps it until the protocol returns. */
    private void releaseMemory() {
        if (!memoryClosed) {
            memoryClosed = true;
            memory.close();
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    /** One joined group. */
    private static final class Membership {
        final InetAddress group;
        final NetworkInterface networkInterface;
        final @Nullable InetAddress source;

        Membership(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
            this.group = group;
            this.networkInterface = networkInterface;
            this.source = source;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Membership other && group.equals(other.group)
                    && networkInterface.equals(other.networkInterface) && Objects.equals(source, other.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(group, networkInterface, source);
        }

        @Override
        public String toString() {
            InetAddress s = source;
            return group.getHostAddress() + (s == null ? "" : " from " + s.getHostAddress()) + " on "
                    + networkInterface.getName();
        }
    }
}
