package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLERR;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLHUP;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;
import static dev.spindle.reactor.epoll.LinuxLayout.IPPROTO_IP;
import static dev.spindle.reactor.epoll.LinuxLayout.IPPROTO_IPV6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket on the epoll backend: {@code socket(SOCK_DGRAM)}, {@code recvfrom} and
 * {@code sendto} through FFM, the shared rules of {@link AbstractDatagramTransport} on top.
 *
 * <p>Level-triggered and in the epoll set only while reading or a queued send waits for room
 * (a socket with a pending ICMP error reports {@code EPOLLERR} whatever its mask, so one left in
 * the set while paused would wake the loop over and over). Pausing and resuming cost one
 * {@code epoll_ctl} each; a read burst that stops at the per-event cap is reported again on the
 * next pass.
 *
 * <p>Hot path: receiving goes straight into the transport's direct buffer; the sender's address is
 * decoded only when its raw {@code sockaddr} differs from the previous datagram's, and a send
 * encodes its target only when it differs from the previous one, so a ping-pong with one peer
 * allocates nothing.
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

    // The last target encoded, and the last sender decoded (native copies of their sockaddr).
    private final MemorySegment target;
    private int targetLength;
    private @Nullable InetSocketAddress encodedTarget;
    private final MemorySegment sender;
    private int senderLength;
    private @Nullable InetSocketAddress decodedSender;

    private EpollDatagramTransport(EpollReactor reactor, NativeIo io, int fd, boolean inet6, InetSocketAddress bound,
            DatagramProtocol protocol, UdpOptions options) {
        super(reactor, protocol, options);
        this.epoll = reactor;
        this.io = io;
        this.fd = fd;
        this.inet6 = inet6;
        this.bound = bound;
        this.local = bound;
        Arena memory = Arena.ofAuto();
        this.target = memory.allocate(LinuxLayout.SOCKADDR_IN6.byteSize(), 8);
        this.sender = memory.allocate(LinuxLayout.SOCKADDR_IN6.byteSize(), 8);
    }

    /**
     * Opens, configures and binds a socket, gives it a slot in the reactor's table, then starts
     * the transport.
     *
     * @throws CannotListenException if any of that fails; the socket is closed
     */
    static EpollDatagramTransport open(EpollReactor reactor, NativeIo io, InetSocketAddress bindAddress,
            StandardProtocolFamily family, DatagramProtocol protocol, UdpOptions options) {
        boolean inet6 = family == StandardProtocolFamily.INET6;
        int fd = -1;
        EpollDatagramTransport t;
        try {
            fd = io.socket(inet6 ? LinuxLayout.AF_INET6 : LinuxLayout.AF_INET, LinuxLayout.SOCK_DGRAM);
            configure(io, fd, inet6, options);
            io.bind(fd, bindAddress, inet6);
            t = new EpollDatagramTransport(reactor, io, fd, inet6, io.localAddress(fd), protocol, options);
            reactor.install(fd, t);
        } catch (IOException | RuntimeException e) {
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

    @Override
    public void ready(int events) {
        if (readInterest && (events & READ_EVENTS) != 0) {
            onReadable();
        }
        if (writeInterest && !fdClosed && (events & WRITE_EVENTS) != 0) {
            onWritable();
        }
    }

    // ------------------------------------------------------------------ socket calls

    @Override
    protected @Nullable SocketAddress receiveInto(ByteBuffer dst) throws IOException {
        int n;
        try {
            n = io.receive(fd, dst);
        } catch (ErrnoException e) {
            throw refusedOr(e);
        }
        return n < 0 ? null : sender();
    }

    /** The sender of the datagram just received, decoded only if it differs from the last one. */
    private InetSocketAddress sender() throws IOException {
        MemorySegment raw = io.senderAddress();
        int len = io.senderLength();
        InetSocketAddress last = decodedSender;
        if (last != null && len == senderLength && MemorySegment.mismatch(raw, 0, len, sender, 0, len) == -1) {
            return last;
        }
        InetSocketAddress decoded;
        try {
            decoded = NativeIo.decode(raw);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IOException("recvfrom returned an address this backend cannot decode: " + e.getMessage(), e);
        }
        if (len > 0 && len <= sender.byteSize()) {
            MemorySegment.copy(raw, 0, sender, 0, len);
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
        try {
            return io.send(fd, src, target.address(), targetLength);
        } catch (ErrnoException e) {
            throw refusedOr(e);
        } finally {
            Reference.reachabilityFence(target);
        }
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
