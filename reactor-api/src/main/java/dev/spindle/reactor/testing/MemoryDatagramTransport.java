package dev.spindle.reactor.testing;

import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractDatagramTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A UDP socket of a {@link DeterministicReactor}: the {@link dev.spindle.reactor.DatagramTransport}
 * that {@link DeterministicReactor#listenUdp} returned, with no real socket. It runs the same
 * transport code as the real backends (size rules, send queue, connected mode, error reports)
 * over an in-memory network:
 * <ul>
 *   <li>A datagram sent to the address of another open endpoint of the same reactor arrives
 *       there, delivered in the next loop pass ({@link DeterministicReactor#runPending()}), when
 *       the reactor polls, as a real one would. Readiness is reported by the poll at the start
 *       of each pass: a datagram that arrives during a pass waits for the next one.
 *       An endpoint bound to a wildcard address takes datagrams for its port sent to a
 *       loopback address. A datagram to a multicast group arrives at every endpoint on that
 *       port that joined the group (honouring a source filter); one to a broadcast address, with
 *       broadcast on, is recorded only.</li>
 *   <li>Every other datagram "leaves the host": it is recorded and returned by
 *       {@link #takeSent()}.</li>
 *   <li>{@link #deliver(byte[], InetSocketAddress)} makes a datagram arrive from outside.</li>
 *   <li>{@link #sendBufferFull(boolean)} makes the socket refuse sends, as a full socket buffer
 *       does, so that the send queue and writability events can be tested.</li>
 *   <li>A connected endpoint receives only from its peer. When it sends to a loopback address
 *       where no endpoint listens, it gets the kernel's ICMP "port unreachable" answer: its next
 *       receive (reported readable in the next pass) or send fails once with
 *       {@link java.net.PortUnreachableException}, which the transport reports as a
 *       {@link dev.spindle.reactor.DatagramRefusedException}. The datagram is recorded too.</li>
 *   <li>Without {@link UdpOptions#broadcast()}, a send to an IPv4 address ending in
 *       {@code .255} (the fake's notion of a broadcast address) is refused as Linux refuses it
 *       (EACCES): {@code send} throws {@link dev.spindle.reactor.DatagramSendException}, or a
 *       queued datagram is dropped and reported.</li>
 *   <li>Each endpoint holds at most {@value #INBOX_CAPACITY} datagrams not yet read; more are
 *       dropped, as a full kernel receive buffer drops them.</li>
 * </ul>
 * The sender address of a datagram from an endpoint bound to a wildcard address is the loopback
 * address of its family. Loop thread only.
 */
public final class MemoryDatagramTransport extends AbstractDatagramTransport {
    /** Datagrams an endpoint holds before dropping more. */
    public static final int INBOX_CAPACITY = 1024;

    private final DeterministicReactor owner;
    private final InetSocketAddress requestedAddress;
    private final InetSocketAddress local;
    private final ArrayDeque<Datagram> inbox = new ArrayDeque<>();
    private final List<Datagram> sent = new ArrayList<>();
    private final List<Membership> memberships = new ArrayList<>();
    private boolean readInterest;
    private boolean writeInterest;
    private boolean full;
    private boolean wakeQueued;
    private boolean socketOpen = true;
    private boolean icmpPending;
    // What the poll at the start of this pass saw: later arrivals wait for the next pass.
    private int visible;
    private boolean icmpVisible;
    private long inboxDrops;

    MemoryDatagramTransport(DeterministicReactor owner, DatagramProtocol protocol, UdpOptions options,
            InetSocketAddress requestedAddress, InetSocketAddress local) {
        super(owner, protocol, options);
        this.owner = owner;
        this.requestedAddress = requestedAddress;
        this.local = local;
    }

    // ------------------------------------------------------------------ for tests

    /**
     * The address passed to {@code listenUdp} (port 0 if an ephemeral port was asked for).
     *
     * @return the requested address
     */
    public InetSocketAddress requestedAddress() {
        return requestedAddress;
    }

    /**
     * Makes a datagram arrive from {@code sender}; the protocol sees it in the next loop pass
     * (unless reading is paused, the endpoint is connected to someone else, or it is closed).
     *
     * @param data the datagram (copied)
     * @param sender where it comes from
     */
    public void deliver(byte[] data, InetSocketAddress sender) {
        Objects.requireNonNull(data, "data must not be null");
        Objects.requireNonNull(sender, "sender must not be null");
        owner.checkLoop("deliver");
        arrive(data.clone(), sender);
    }

    /**
     * The datagrams that left for addresses outside this reactor's endpoints since the last call,
     * oldest first.
     *
     * @return the datagrams
     */
    public List<Datagram> takeSent() {
        List<Datagram> out = new ArrayList<>(sent);
        sent.clear();
        return Collections.unmodifiableList(out);
    }

    /**
     * Makes the socket refuse sends (true), as a full socket buffer does, or take them again
     * (false; queued datagrams are then sent in the next loop pass).
     *
     * @param refuse whether sends are refused
     */
    public void sendBufferFull(boolean refuse) {
        owner.checkLoop("sendBufferFull");
        full = refuse;
        if (!refuse && writeInterest) {
            wake();
        }
    }

    /**
     * Datagrams dropped because {@value #INBOX_CAPACITY} were already waiting to be read.
     *
     * @return the count
     */
    public long inboxDrops() {
        return inboxDrops;
    }

    /**
     * The multicast groups joined and not left, as {@code group%interface} or
     * {@code group%interface<-source}.
     *
     * @return the memberships
     */
    public List<String> memberships() {
        List<String> out = new ArrayList<>();
        for (Membership m : memberships) {
            out.add(m.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------ the in-memory network

    /** Whether a datagram from {@code sender} to {@code target} arrives here. */
    boolean accepts(InetSocketAddress target, InetSocketAddress sender) {
        if (!socketOpen || target.getPort() != local.getPort()) {
            return false;
        }
        SocketAddress peer = remoteAddress();
        if (peer != null && !peer.equals(sender)) {
            return false;
        }
        InetAddress to = target.getAddress();
        InetAddress bound = local.getAddress();
        if (to.isMulticastAddress()) {
            return (bound.isAnyLocalAddress() || bound.equals(to)) && joined(to, sender.getAddress());
        }
        return bound.equals(to) || bound.isAnyLocalAddress() && to.isLoopbackAddress();
    }

    private boolean joined(InetAddress group, InetAddress from) {
        for (Membership m : memberships) {
            if (m.group.equals(group) && (m.source == null || m.source.equals(from))) {
                return true;
            }
        }
        return false;
    }

    void arrive(byte[] data, InetSocketAddress sender) {
        if (!socketOpen) {
            return;
        }
        SocketAddress peer = remoteAddress();
        if (peer != null && !peer.equals(sender)) {
            return;
        }
        if (inbox.size() >= INBOX_CAPACITY) {
            inboxDrops++;
            return;
        }
        inbox.addLast(new Datagram(data, sender));
        if (readInterest) {
            wake();
        }
    }

    private InetSocketAddress senderAddress() {
        InetAddress a = local.getAddress();
        return a.isAnyLocalAddress() ? new InetSocketAddress(loopbackOf(a), local.getPort()) : local;
    }

    private static InetAddress loopbackOf(InetAddress wildcard) {
        byte[] b = new byte[wildcard.getAddress().length];
        if (b.length == 4) {
            b[0] = 127;
            b[3] = 1;
        } else {
            b[15] = 1;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Wakes the loop as the kernel wakes a poller: a no-op task, so that the next pass polls
     * at once (and {@link DeterministicReactor#runUntilIdle()} does not stop before it).
     */
    private void wake() {
        if (wakeQueued || !socketOpen) {
            return;
        }
        wakeQueued = true;
        if (!owner.tryExecute(NO_OP)) {
            wakeQueued = false;
        }
    }

    private static final Runnable NO_OP = () -> { };

    /** Start of a pass, before any dispatch: fixes what this pass may see. */
    void beginPoll() {
        wakeQueued = false;
        visible = inbox.size();
        icmpVisible = icmpPending;
    }

    /** Reports readiness as {@link DeterministicReactor}'s poll does; returns the dispatches. */
    int dispatchReady() {
        int n = 0;
        if (socketOpen && readInterest && (visible > 0 || icmpVisible)) {
            n++;
            onReadable();
        }
        if (socketOpen && writeInterest && !full) {
            n++;
            onWritable();
        }
        return n;
    }

    // ------------------------------------------------------------------ backend hooks

    @Override
    protected @Nullable SocketAddress receiveInto(ByteBuffer dst) throws PortUnreachableException {
        if (icmpVisible && icmpPending) {
            icmpPending = false;
            icmpVisible = false;
            throw new PortUnreachableException("ICMP port unreachable (simulated)");
        }
        if (visible == 0) {
            return null;
        }
        visible--;
        Datagram d = inbox.pollFirst();
        if (d == null) {
            return null;
        }
        // As the kernel does: what does not fit is lost; the transport sees a full buffer.
        dst.put(d.data, 0, Math.min(d.data.length, dst.remaining()));
        return d.address;
    }

    @Override
    protected int sendTo(ByteBuffer src, InetSocketAddress target) throws SocketException {
        if (icmpPending) {
            // As the kernel does: a pending error fails the next send, which sends nothing.
            icmpPending = false;
            throw new PortUnreachableException("ICMP port unreachable (simulated)");
        }
        if (!options().broadcast() && isBroadcast(target.getAddress())) {
            // What Linux says (EACCES) for a broadcast destination without SO_BROADCAST.
            throw new SocketException("Permission denied");
        }
        if (full) {
            return 0;
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        InetSocketAddress from = senderAddress();
        boolean taken = false;
        for (MemoryDatagramTransport t : owner.udpEndpointList()) {
            if (t.accepts(target, from)) {
                t.arrive(taken ? data.clone() : data, from);
                taken = true;
                if (!target.getAddress().isMulticastAddress()) {
                    break;
                }
            }
        }
        if (!taken) {
            sent.add(new Datagram(data, target));
            if (isConnected() && target.getAddress().isLoopbackAddress()) {
                icmpPending = true;
                if (readInterest) {
                    wake();
                }
            }
        }
        return data.length;
    }

    /** The fake's notion of a broadcast address: an IPv4 address whose last byte is 255. */
    private static boolean isBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && b[3] == (byte) 255;
    }

    @Override
    protected void connectNow(InetSocketAddress peer) {
        // The transport keeps the peer; arrive() and accepts() filter by it.
    }

    @Override
    protected void disconnectNow() {
        // Nothing to undo.
    }

    @Override
    protected void joinNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        Membership m = new Membership(group, networkInterface, source);
        if (!memberships.contains(m)) {
            memberships.add(m);
        }
    }

    @Override
    protected boolean leaveNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        return memberships.remove(new Membership(group, networkInterface, source));
    }

    @Override
    protected void closeNow() {
        socketOpen = false;
        inbox.clear();
        visible = 0;
        memberships.clear();
    }

    @Override
    protected void interestRead(boolean on) {
        readInterest = on;
        if (on && (!inbox.isEmpty() || icmpPending)) {
            wake();
        }
    }

    @Override
    protected void interestWrite(boolean on) {
        writeInterest = on;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** A datagram with its sender (arrived) or destination (sent). Immutable. */
    public static final class Datagram {
        private final byte[] data;
        private final InetSocketAddress address;

        Datagram(byte[] data, InetSocketAddress address) {
            this.data = data;
            this.address = address;
        }

        /**
         * The datagram's bytes.
         *
         * @return a copy
         */
        public byte[] data() {
            return data.clone();
        }

        /**
         * The sender of a datagram that arrived, the destination of one that was sent.
         *
         * @return the address
         */
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public String toString() {
            return "Datagram[" + data.length + " bytes, " + address + "]";
        }
    }

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
            if (!(o instanceof Membership)) {
                return false;
            }
            Membership m = (Membership) o;
            return group.equals(m.group) && networkInterface.equals(m.networkInterface) && Objects.equals(source, m.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(group, networkInterface, source);
        }

        @Override
        public String toString() {
            return group.getHostAddress() + "%" + networkInterface.getName()
                    + (source == null ? "" : "<-" + source.getHostAddress());
        }
    }
}
