package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;
import static dev.spindle.reactor.kqueue.BsdPlatform.IPPROTO_IP;
import static dev.spindle.reactor.kqueue.BsdPlatform.IPPROTO_IPV6;
import static dev.spindle.reactor.kqueue.BsdPlatform.SOL_SOCKET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractDatagramTransport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
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
 * A UDP socket on the kqueue backend: {@code socket(SOCK_DGRAM)}, {@code recvmsg} and
 * {@code sendto}, the shared rules of {@link AbstractDatagramTransport} on top.
 *
 * <p>Both filters are level-triggered and enabled only while wanted: {@code EVFILT_READ} while
 * reading (a pending ICMP error makes a BSD socket readable, so a paused one left enabled would
 * wake the loop over and over), {@code EVFILT_WRITE} while queued datagrams wait for room. A read
 * burst that stops at the per-event cap is reported again on the next pass.
 *
 * <p>BSD specifics:
 * <ul>
 *   <li>truncation is read from {@code msg_flags & MSG_TRUNC} of {@code recvmsg} (BSD's
 *       {@code recvfrom} does not return a datagram's real length everywhere); a truncated
 *       datagram is reported as too large, never delivered;</li>
 *   <li>both systems cap a datagram at the send buffer ({@code net.inet.udp.maxdgram}, 9,216 bytes
 *       by default): unless {@link UdpOptions#sendBufferSize()} says otherwise the buffer is raised
 *       to the largest IPv4 or IPv6 payload, as the JDK does on macOS;</li>
 *   <li>a connected socket refuses a destination address ({@code EISCONN}): it sends without
 *       one;</li>
 *   <li>disconnecting resets the bound address to the wildcard (the port stays): the kernel's
 *       {@code udp_disconnect} does so on both systems, and {@link #localAddress()} reports what
 *       the kernel then says;</li>
 *   <li>{@code IP_MULTICAST_TTL} and {@code IP_MULTICAST_LOOP} take a {@code u_char},
 *       {@code IP_MULTICAST_IF} and {@code ip_mreq} name the interface by its IPv4 address,
 *       {@code ip_mreq_source} has the source before the interface, and IPv6 source-specific
 *       joins use {@code MCAST_JOIN_SOURCE_GROUP} with the system's {@code group_source_req}
 *       (packed on Darwin). A BSD socket receives only the groups it joined itself.</li>
 * </ul>
 *
 * <p>An {@code AF_INET6} socket is dual-stack ({@code IPV6_V6ONLY} off, as the JDK's channels
 * are): IPv4 peers are reached as IPv4-mapped addresses and reported as {@link Inet4Address}es.
 */
final class KqueueDatagramTransport extends AbstractDatagramTransport implements KqueueHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KqueueDatagramTransport.class);
    /** The send buffer needed for the largest IPv4 datagram's payload. */
    static final int MIN_SEND_BUFFER_INET = UdpOptions.MAX_IPV4_PAYLOAD;
    /** The send buffer needed for the largest IPv6 datagram's payload. */
    static final int MIN_SEND_BUFFER_INET6 = UdpOptions.MAX_IPV6_PAYLOAD;

    private final KqueueReactor kqueue;
    private final BsdIo io;
    private final int fd;
    private final boolean inet6;
    private final List<Membership> memberships = new ArrayList<>();
    private SocketAddress local;
    private boolean connected;
    private boolean readOn;
    private boolean readRegistered;
    private boolean writeOn;
    private boolean writeRegistered;
    private boolean fdClosed;

    // The last target encoded and the last sender decoded (native copies of their sockaddr).
    private final MemorySegment target;
    private int targetLength;
    private @Nullable InetSocketAddress encodedTarget;
    private final MemorySegment sender;
    private int senderLength;
    private @Nullable InetSocketAddress decodedSender;

    private KqueueDatagramTransport(KqueueReactor reactor, BsdIo io, int fd, boolean inet6, InetSocketAddress bound,
            DatagramProtocol protocol, UdpOptions options) {
        super(reactor, protocol, options);
        this.kqueue = reactor;
        this.io = io;
        this.fd = fd;
        this.inet6 = inet6;
        this.local = bound;
        Arena memory = Arena.ofAuto();
        this.target = memory.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE, 8);
        this.sender = memory.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE, 8);
    }

    /**
     * Opens, configures and binds a socket, gives it a slot in the reactor's table, then starts the
     * transport.
     *
     * @throws CannotListenException if any of that fails; the socket is closed
     */
    static KqueueDatagramTransport open(KqueueReactor reactor, BsdIo io, InetSocketAddress bindAddress,
            StandardProtocolFamily family, DatagramProtocol protocol, UdpOptions options) {
        boolean inet6 = family == StandardProtocolFamily.INET6;
        BsdPlatform platform = io.platform();
        int fd = -1;
        KqueueDatagramTransport t;
        try {
            fd = io.socket(inet6 ? platform.afInet6() : BsdPlatform.AF_INET, BsdPlatform.SOCK_DGRAM);
            configure(io, fd, inet6, options);
            io.bind(fd, mapped(bindAddress, inet6));
            t = new KqueueDatagramTransport(reactor, io, fd, inet6, io.localAddress(fd), protocol, options);
            reactor.install(fd, t);
        } catch (IOException | RuntimeException e) {
            io.close(fd);
            throw new CannotListenException("cannot listen for UDP on " + bindAddress + " (" + family + "): "
                    + e.getMessage(), e);
        }
        t.start();
        return t;
    }

    private static void configure(BsdIo io, int fd, boolean inet6, UdpOptions options) throws IOException {
        if (inet6) {
            // Dual-stack whatever net.inet6.ip6.v6only says, as the JDK's channels are.
            io.setIntOption(fd, IPPROTO_IPV6, BsdPlatform.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
        }
        if (options.reuseAddress()) {
            io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_REUSEADDR, 1, "SO_REUSEADDR");
            // As the JDK on BSD: two UDP sockets share a port only when both also set SO_REUSEPORT.
            io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_REUSEPORT, 1, "SO_REUSEPORT");
        }
        if (options.broadcast()) {
            io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_BROADCAST, 1, "SO_BROADCAST");
        }
        if (options.receiveBufferSize() > 0) {
            io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_RCVBUF, options.receiveBufferSize(), "SO_RCVBUF");
        }
        if (options.sendBufferSize() > 0) {
            io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_SNDBUF, options.sendBufferSize(), "SO_SNDBUF");
        } else {
            // net.inet.udp.maxdgram (9,216) is the default send buffer, and no datagram may exceed it.
            int needed = inet6 ? MIN_SEND_BUFFER_INET6 : MIN_SEND_BUFFER_INET;
            if (io.intOption(fd, SOL_SOCKET, BsdPlatform.SO_SNDBUF, "SO_SNDBUF") < needed) {
                io.setIntOption(fd, SOL_SOCKET, BsdPlatform.SO_SNDBUF, needed, "SO_SNDBUF");
            }
        }
        NetworkInterface ni = options.multicastInterface();
        if (ni != null) {
            if (inet6) {
                io.setIntOption(fd, IPPROTO_IPV6, BsdPlatform.IPV6_MULTICAST_IF, ni.getIndex(),
                        "IPV6_MULTICAST_IF " + ni.getName());
            } else {
                MemorySegment o = io.option();
                MemorySegment.copy(ipv4Of(ni).getAddress(), 0, o, JAVA_BYTE, 0, 4);
                io.setOption(fd, IPPROTO_IP, BsdPlatform.IP_MULTICAST_IF, 4, "IP_MULTICAST_IF " + ni.getName());
            }
        }
        if (inet6) {
            io.setIntOption(fd, IPPROTO_IPV6, BsdPlatform.IPV6_MULTICAST_HOPS, options.multicastTtl(),
                    "IPV6_MULTICAST_HOPS");
            io.setIntOption(fd, IPPROTO_IPV6, BsdPlatform.IPV6_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0,
                    "IPV6_MULTICAST_LOOP");
        } else {
            io.setByteOption(fd, IPPROTO_IP, BsdPlatform.IP_MULTICAST_TTL, options.multicastTtl(), "IP_MULTICAST_TTL");
            io.setByteOption(fd, IPPROTO_IP, BsdPlatform.IP_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0,
                    "IP_MULTICAST_LOOP");
        }
    }

    /** For an {@code AF_INET6} socket an IPv4 address becomes IPv4-mapped; otherwise as is. */
    private static InetSocketAddress mapped(InetSocketAddress a, boolean inet6) throws UnknownHostException {
        if (!inet6 || !(a.getAddress() instanceof Inet4Address)) {
            return a;
        }
        byte[] v4 = a.getAddress().getAddress();
        byte[] m = new byte[16];
        m[10] = -1;
        m[11] = -1;
        System.arraycopy(v4, 0, m, 12, 4);
        // Inet6Address.getByAddress keeps the mapped form (InetAddress.getByAddress would not).
        return new InetSocketAddress(Inet6Address.getByAddress(null, m, -1), a.getPort());
    }

    /** The descriptor number: for tests. */
    int fd() {
        return fd;
    }

    @Override
    public void ready(short filter, int flags, long data, int fflags) {
        if ((flags & EV_ERROR) != 0) {
            ErrnoException e = io.platform().error("kevent change for " + this + " (filter " + filter + ")", (int) data);
            forceClose(new ReactorException("the kernel refused to watch the socket: " + e.getMessage(), e));
        } else if (filter == EVFILT_READ && readOn) {
            onReadable();
        } else if (filter == EVFILT_WRITE && writeOn && !fdClosed) {
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
        if (n < 0) {
            return null;
        }
        if ((io.receivedFlags() & BsdPlatform.MSG_TRUNC) != 0) {
            // The shared rule reports a datagram that fills the whole buffer as too large.
            dst.position(dst.limit());
        }
        return sender();
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
            decoded = BsdIo.decode(raw, io.platform());
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IOException("recvmsg returned an address this backend cannot decode: " + e.getMessage(), e);
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
        try {
            if (connected) {
                return io.sendTo(fd, src, MemorySegment.NULL, 0);
            }
            InetSocketAddress last = encodedTarget;
            if (to != last && !to.equals(last)) {
                checkFamily(to.getAddress(), to);
                encodedTarget = null;
                targetLength = BsdIo.encode(target, io.platform(), mapped(to, inet6).getAddress(), to.getPort());
                encodedTarget = to;
            }
            return io.sendTo(fd, src, target, targetLength);
        } catch (ErrnoException e) {
            throw refusedOr(e);
        }
    }

    /** A pending ICMP port-unreachable on a connected socket becomes the non-fatal report. */
    private static IOException refusedOr(ErrnoException e) {
        if (e.errno() == BsdErrno.ECONNREFUSED) {
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
        connected = false;
        MemorySegment a = io.option();
        int len = BsdIo.encode(a, io.platform(), mapped(peer, inet6).getAddress(), peer.getPort());
        io.connectDatagram(fd, a, len, peer);
        connected = true;
        local = io.localAddress(fd);
    }

    @Override
    protected void disconnectNow() throws IOException {
        connected = false;
        io.disconnectDatagram(fd, inet6);
        local = io.localAddress(fd);
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
     * Joins or leaves: {@code IP_ADD_MEMBERSHIP} ({@code ip_mreq}) and
     * {@code IP_ADD_SOURCE_MEMBERSHIP} ({@code ip_mreq_source}) for IPv4 groups,
     * {@code IPV6_JOIN_GROUP} ({@code ipv6_mreq}) and {@code MCAST_JOIN_SOURCE_GROUP}
     * ({@code group_source_req}) for IPv6 ones, and the matching drops.
     */
    private void membership(Membership m, boolean join) throws IOException {
        checkFamily(m.group, m.group.getHostAddress());
        MemorySegment o = io.option();
        InetAddress source = m.source;
        if (m.group instanceof Inet4Address) {
            if (inet6) {
                throw new IOException("an IPv4 group on an IPv6 socket is not supported on BSD; bind the IPv4 "
                        + "family (UdpOptions.protocolFamily(INET)) to join " + m.group.getHostAddress());
            }
            InetAddress at = ipv4Of(m.networkInterface);
            if (source == null) {
                MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IMR_MULTIADDR, 4);
                MemorySegment.copy(at.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IMR_INTERFACE, 4);
                io.setOption(fd, IPPROTO_IP, join ? BsdPlatform.IP_ADD_MEMBERSHIP : BsdPlatform.IP_DROP_MEMBERSHIP,
                        (int) BsdPlatform.IP_MREQ.byteSize(), (join ? "IP_ADD_MEMBERSHIP " : "IP_DROP_MEMBERSHIP ") + m);
                return;
            }
            if (!(source instanceof Inet4Address)) {
                throw new IOException("the source of an IPv4 group must be an IPv4 address, found: " + source.getHostAddress());
            }
            MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IMRS_MULTIADDR, 4);
            MemorySegment.copy(source.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IMRS_SOURCEADDR, 4);
            MemorySegment.copy(at.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IMRS_INTERFACE, 4);
            io.setOption(fd, IPPROTO_IP, join ? BsdPlatform.IP_ADD_SOURCE_MEMBERSHIP : BsdPlatform.IP_DROP_SOURCE_MEMBERSHIP,
                    (int) BsdPlatform.IP_MREQ_SOURCE.byteSize(),
                    (join ? "IP_ADD_SOURCE_MEMBERSHIP " : "IP_DROP_SOURCE_MEMBERSHIP ") + m);
            return;
        }
        int index = m.networkInterface.getIndex();
        if (source == null) {
            MemorySegment.copy(m.group.getAddress(), 0, o, JAVA_BYTE, BsdPlatform.IPV6MR_MULTIADDR, 16);
            o.set(JAVA_INT, BsdPlatform.IPV6MR_INTERFACE, index);
            io.setOption(fd, IPPROTO_IPV6, join ? BsdPlatform.IPV6_JOIN_GROUP : BsdPlatform.IPV6_LEAVE_GROUP,
                    (int) BsdPlatform.IPV6_MREQ.byteSize(), (join ? "IPV6_JOIN_GROUP " : "IPV6_LEAVE_GROUP ") + m);
            return;
        }
        if (!(source instanceof Inet6Address)) {
            throw new IOException("the source of an IPv6 group must be an IPv6 address, found: " + source.getHostAddress());
        }
        var gsr = io.platform().groupSourceReq();
        long groupAt = gsr.byteOffset(PathElement.groupElement("gsr_group"));
        long sourceAt = gsr.byteOffset(PathElement.groupElement("gsr_source"));
        o.set(JAVA_INT, gsr.byteOffset(PathElement.groupElement("gsr_interface")), index);
        BsdIo.encode(o.asSlice(groupAt, BsdPlatform.SOCKADDR_STORAGE_SIZE), io.platform(), m.group, 0);
        BsdIo.encode(o.asSlice(sourceAt, BsdPlatform.SOCKADDR_STORAGE_SIZE), io.platform(), source, 0);
        io.setOption(fd, IPPROTO_IPV6, join ? BsdPlatform.MCAST_JOIN_SOURCE_GROUP : BsdPlatform.MCAST_LEAVE_SOURCE_GROUP,
                (int) gsr.byteSize(), (join ? "MCAST_JOIN_SOURCE_GROUP " : "MCAST_LEAVE_SOURCE_GROUP ") + m);
    }

    private static InetAddress ipv4Of(NetworkInterface ni) throws IOException {
        for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        throw new IOException("interface " + ni.getName() + " has no IPv4 address, which BSD's IPv4 multicast options "
                + "name the interface by");
    }

    // ------------------------------------------------------------------ interest and closing

    @Override
    protected void interestRead(boolean on) {
        if (fdClosed || on == readOn) {
            return;
        }
        readOn = on;
        if (readRegistered) {
            kqueue.setEnabled(fd, EVFILT_READ, on);
        } else if (on) {
            kqueue.watch(fd, EVFILT_READ, false, true);
            readRegistered = true;
        }
    }

    @Override
    protected void interestWrite(boolean on) {
        if (fdClosed || on == writeOn) {
            return;
        }
        writeOn = on;
        if (writeRegistered) {
            kqueue.setEnabled(fd, EVFILT_WRITE, on);
        } else if (on) {
            kqueue.watch(fd, EVFILT_WRITE, false, true);
            writeRegistered = true;
        }
    }

    @Override
    protected void closeNow() {
        if (fdClosed) {
            return;
        }
        fdClosed = true;
        readOn = false;
        writeOn = false;
        memberships.clear();
        if (io.isOpen()) {
            kqueue.release(fd);
            io.close(fd);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    /** One joined group. */
    private record Membership(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        Membership {
            Objects.requireNonNull(group);
            Objects.requireNonNull(networkInterface);
        }

        @Override
        public String toString() {
            InetAddress s = source;
            return group.getHostAddress() + (s == null ? "" : " from " + s.getHostAddress()) + " on "
                    + networkInterface.getName();
        }
    }
}
