package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramSendException;
import dev.spindle.reactor.DatagramTooLargeException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-neutral part of a UDP transport: the size rules (never truncate, always report),
 * the bounded send queue with writability events, read bursts, connected-mode bookkeeping, the
 * non-fatal error reports and the exactly-once {@code stopped}. A backend supplies the socket
 * calls and interest changes. Loop thread only.
 *
 * <p>Hot path: a receive fills this transport's own buffer of
 * {@link UdpOptions#maxPacketSize()} + 1 bytes (allocated once, direct) and hands it to the
 * protocol; a send goes straight to the socket while nothing is queued. Neither allocates; the
 * sender's address is whatever the backend returns (the JDK's {@code DatagramChannel} reuses its
 * last {@code InetSocketAddress} while the sender stays the same, and allocates one per change
 * of sender). Only datagrams the socket refuses are copied, into heap buffers of their exact
 * size.
 *
 * <p>Oversized datagrams: a datagram that fills the receive buffer entirely was larger than
 * {@code maxPacketSize} (the kernel truncated it to the buffer); it is dropped and reported as a
 * {@link DatagramTooLargeException}, never delivered in part.
 */
public abstract class AbstractDatagramTransport implements DatagramTransport, ReactorResource {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractDatagramTransport.class);

    /** Datagrams received (or queued datagrams sent) per readiness event before the loop moves on. */
    public static final int MAX_DATAGRAMS_PER_EVENT = 32;
    /** Attempts at one send when the kernel reports a pending ICMP error instead of sending it. */
    private static final int SEND_ATTEMPTS = 3;

    private static final InetAddress IPV4_ANY = address(new byte[4]);
    private static final InetAddress IPV6_ANY = address(new byte[16]);
    private static final InetAddress LIMITED_BROADCAST = address(new byte[] {-1, -1, -1, -1});

    /** The owning reactor. */
    protected final AbstractReactor reactor;
    private final DatagramProtocol protocol;
    private final UdpOptions options;
    private final ByteBuffer receiveBuffer;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Runnable reportRefusal = this::reportPendingRefusal;
    private long queuedBytes;
    private long dropped;
    private boolean writable = true;
    private boolean started;
    private boolean readPaused;
    private boolean closed;
    private @Nullable InetSocketAddress remote;
    private @Nullable PortUnreachableException pendingRefusal;
    // Batched sends (sendBatch): the heads of the queue, allocated on the first batch; off once the backend says it cannot.
    private boolean batchSends = true;
    private boolean batchShort;
    private ByteBuffer @Nullable [] batchData;
    private InetSocketAddress @Nullable [] batchTargets;

    /**
     * Creates the transport; call {@link #start()} once the socket is bound and registered.
     *
     * @param reactor the owning reactor
     * @param protocol the protocol
     * @param options the options the socket was bound with
     */
    protected AbstractDatagramTransport(AbstractReactor reactor, DatagramProtocol protocol, UdpOptions options) {
        this.reactor = reactor;
        this.protocol = Objects.requireNonNull(protocol, "protocol must not be null");
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.receiveBuffer = ByteBuffer.allocateDirect(options.maxPacketSize() + 1);
    }

    /**
     * The address and protocol family to bind for {@code requested}: a wildcard address takes
     * {@link UdpOptions#protocolFamily()} when set (and its own family otherwise), a specific
     * address always its own family.
     *
     * @param requested a resolved address
     * @param options the options
     * @return the family to open the socket with
     */
    public static StandardProtocolFamily bindFamily(InetSocketAddress requested, UdpOptions options) {
        InetAddress a = requested.getAddress();
        StandardProtocolFamily own = a instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        StandardProtocolFamily wanted = options.protocolFamily();
        return a.isAnyLocalAddress() && wanted != null ? wanted : own;
    }

    /**
     * {@code requested} with a wildcard address replaced by the wildcard of {@code family}.
     *
     * @param requested a resolved address
     * @param family from {@link #bindFamily}
     * @return the address to bind
     */
    public static InetSocketAddress bindAddress(InetSocketAddress requested, StandardProtocolFamily family) {
        if (!requested.getAddress().isAnyLocalAddress()) {
            return requested;
        }
        return new InetSocketAddress(family == StandardProtocolFamily.INET ? IPV4_ANY : IPV6_ANY, requested.getPort());
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Receives one datagram without blocking, as {@code DatagramChannel.receive}: copies at most
     * {@code dst.remaining()} bytes of it into {@code dst} (the rest of a larger datagram is
     * lost) and returns the sender.
     *
     * @param dst the buffer, cleared
     * @return the sender, or null if no datagram was waiting
     * @throws PortUnreachableException when a connected socket has a pending ICMP
     *     port-unreachable error (reported, not fatal)
     * @throws IOException on any other error (fatal: the transport closes)
     */
    protected abstract @Nullable SocketAddress receiveInto(ByteBuffer dst) throws IOException;

    /**
     * Sends the remaining bytes of {@code src} as one datagram without blocking.
     *
     * @param src the datagram
     * @param target the destination (the connected peer when connected)
     * @return the bytes sent (all of them), or 0 if the socket buffer is full and nothing was sent
     * @throws PortUnreachableException when a connected socket had a pending ICMP error and this
     *     datagram was not sent (retried)
     * @throws IOException when the operating system refuses the datagram
     */
    protected abstract int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException;

    /**
     * Connects the socket to {@code peer}, replacing any earlier peer.
     *
     * @param peer the peer
     * @throws IOException if the operating system refuses
     */
    protected abstract void connectNow(InetSocketAddress peer) throws IOException;

    /**
     * Disconnects the socket.
     *
     * @throws IOException on error
     */
    protected abstract void disconnectNow() throws IOException;

    /**
     * Joins a multicast group; joining one already joined is a no-op.
     *
     * @param group the group
     * @param networkInterface the interface
     * @param source the only source wanted, or null for all
     * @throws IOException if the operating system refuses
     */
    protected abstract void joinNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source)
            throws IOException;

    /**
     * Leaves a multicast group.
     *
     * @param group the group
     * @param networkInterface the interface
     * @param source the source it was joined for, or null
     * @return true if it was joined
     */
    protected abstract boolean leaveNow(InetAddress group, NetworkInterface networkInterface,
            @Nullable InetAddress source);

    /** Deregisters and closes the socket. Idempotent; must not throw. */
    protected abstract void closeNow();

    /**
     * Turns read interest on or off.
     *
     * @param on the interest
     */
    protected abstract void interestRead(boolean on);

    /**
     * Turns write interest on or off.
     *
     * @param on the interest
     */
    protected abstract void interestWrite(boolean on);

    /** Called after reading was resumed; edge-triggered backends read what arrived meanwhile. */
    protected void readingResumed() {
    }

    /**
     * Sends the first {@code count} queued datagrams with one system call, where the backend
     * can ({@code sendmmsg}). {@link #onWritable()} calls it when two or more are queued, with at
     * most {@value #MAX_DATAGRAMS_PER_EVENT}; by default it returns -1 and the queue is sent one
     * datagram at a time through {@link #sendTo}, for the rest of this transport's life. After a
     * batch that sent fewer than offered, the rest waits for the next writability event (with a
     * level-triggered backend that comes at once if the socket has room and the next datagram
     * fails: its error is then reported).
     *
     * @param data the datagrams, each from its position to its limit; not advanced
     * @param targets their destinations
     * @param count how many to send, 2 or more; the arrays may be longer
     * @return how many were sent, from the first on (0 if the socket buffer is full), or -1 if
     *     this backend does not send in batches
     * @throws PortUnreachableException as {@link #sendTo}, when the first was not sent
     * @throws IOException when the operating system refuses the first datagram (a later one's
     *     error comes with the next call, where it is first)
     */
    protected int sendBatch(ByteBuffer[] data, InetSocketAddress[] targets, int count) throws IOException {
        return -1;
    }

    // ------------------------------------------------------------------ events from the backend

    /** Tracks the transport, tells the protocol it started and starts reading. Loop thread. */
    public final void start() {
        reactor.track(this);
        started = true;
        try {
            protocol.started(this);
        } catch (RuntimeException e) {
            LOG.error("datagram protocol {} threw from started; closing {}", protocol, this, e);
            lose(new ReactorException("protocol threw from started: " + e, e));
            return;
        }
        if (!closed && !readPaused) {
            interestRead(true);
        }
    }

    /** The socket may be readable: receives up to {@value #MAX_DATAGRAMS_PER_EVENT} datagrams. Loop thread. */
    public final void onReadable() {
        ByteBuffer buf = receiveBuffer;
        for (int i = 0; i < MAX_DATAGRAMS_PER_EVENT; i++) {
            if (closed || readPaused) {
                return;
            }
            buf.clear();
            SocketAddress sender;
            try {
                sender = receiveInto(buf);
            } catch (IOException e) {
                if (receiveFailed(e)) {
                    continue;
                }
                return;
            }
            if (sender == null) {
                return;
            }
            boolean tooLarge = buf.position() == buf.capacity();
            buf.flip();
            received(buf, sender, tooLarge);
        }
    }

    /**
     * Hands one received datagram to the protocol, or reports it as a
     * {@link DatagramTooLargeException} if the kernel had to cut it: the rule of
     * {@link #onReadable()} for a backend that receives into buffers of its own (several
     * datagrams per system call) and runs its own read burst. Loop thread.
     *
     * @param datagram the bytes, from its position to its limit; valid for the call only
     * @param sender the sender
     * @param tooLarge the datagram was larger than {@link UdpOptions#maxPacketSize()}: dropped and reported
     */
    protected final void received(ByteBuffer datagram, SocketAddress sender, boolean tooLarge) {
        if (tooLarge) {
            int limit = options.maxPacketSize();
            report(new DatagramTooLargeException("a datagram from " + sender + " was larger than maxPacketSize ("
                    + limit + " bytes) and was dropped", sender, limit, -1, false));
            return;
        }
        try {
            protocol.datagramReceived(datagram, sender);
        } catch (RuntimeException e) {
            LOG.error("datagram protocol {} threw from datagramReceived (datagram from {}); going on", protocol,
                    sender, e);
        }
    }

    /**
     * Deals with a failed receive as {@link #onReadable()} does: a
     * {@link PortUnreachableException} is reported to the protocol (not fatal), any other error
     * closes the transport. Loop thread.
     *
     * @param e the error
     * @return true if the transport is still open
     */
    protected final boolean receiveFailed(IOException e) {
        if (e instanceof PortUnreachableException p) {
            report(refused(p));
            return !closed;
        }
        lose(new ReactorException("receive on " + this + " failed: " + e.getMessage(), e));
        return false;
    }

    /** The socket may be writable: sends queued datagrams. Loop thread. */
    public final void onWritable() {
        int attempts = 0;
        for (int sent = 0; sent < MAX_DATAGRAMS_PER_EVENT && !closed; ) {
            Queued q = queue.peekFirst();
            if (q == null) {
                break;
            }
            int len = q.data.remaining();
            int n;
            try {
                n = sendHead(q, MAX_DATAGRAMS_PER_EVENT - sent);
            } catch (PortUnreachableException e) {
                // The error belonged to an earlier datagram and is consumed: try this one again.
                noteRefusal(e);
                if (++attempts < SEND_ATTEMPTS) {
                    continue;
                }
                n = -1;
            } catch (IOException e) {
                dequeue(len);
                dropped++;
                attempts = 0;
                sent++;
                report(new DatagramSendException(sendFailure(q.target, e), q.target, e));
                continue;
            }
            if (n == 0) {
                return;
            }
            if (n < 0) {
                dequeue(len);
                dropped++;
                n = 1;
            } else {
                for (int i = 0; i < n; i++) {
                    // Queued datagrams are exact copies: the limit is the length.
                    dequeue(queue.getFirst().data.limit());
                }
            }
            attempts = 0;
            sent += n;
            if (batchShort) {
                // The socket buffer is full, or the next datagram fails: the next writability event tells which.
                break;
            }
        }
        if (!closed && queue.isEmpty()) {
            interestWrite(false);
            setWritable(true);
        }
    }

    /**
     * Sends the head of the queue, with the datagrams behind it when the backend batches.
     *
     * @return the datagrams sent from the head on, 0 if the socket buffer is full
     */
    private int sendHead(Queued head, int room) throws IOException {
        batchShort = false;
        if (batchSends && room > 1 && queue.size() > 1) {
            ByteBuffer[] data = batchData;
            InetSocketAddress[] targets = batchTargets;
            if (data == null || targets == null) {
                data = new ByteBuffer[MAX_DATAGRAMS_PER_EVENT];
                targets = new InetSocketAddress[MAX_DATAGRAMS_PER_EVENT];
                batchData = data;
                batchTargets = targets;
            }
            int count = 0;
            for (Queued q : queue) {
                data[count] = q.data;
                targets[count] = q.target;
                if (++count == room) {
                    break;
                }
            }
            int n;
            try {
                n = sendBatch(data, targets, count);
            } finally {
                Arrays.fill(data, 0, count, null);
                Arrays.fill(targets, 0, count, null);
            }
            if (n >= 0) {
                batchShort = n < count;
                return Math.min(n, count);
            }
            batchSends = false;
        }
        int len = head.data.remaining();
        int n = sendTo(head.data, head.target);
        // An empty datagram cannot tell "sent" from "no room"; it is taken as sent.
        return n == 0 && len > 0 ? 0 : 1;
    }

    private void dequeue(int len) {
        queue.pollFirst();
        queuedBytes -= len;
    }

    // ------------------------------------------------------------------ DatagramTransport

    @Override
    public final Reactor reactor() {
        return reactor;
    }

    @Override
    public final UdpOptions options() {
        return options;
    }

    @Override
    public final boolean send(ByteBuffer data, SocketAddress target) {
        Objects.requireNonNull(data, "data must not be null");
        Objects.requireNonNull(target, "target must not be null");
        checkUsable("DatagramTransport.send");
        InetSocketAddress to = inet(target, "target");
        InetSocketAddress peer = remote;
        if (peer != null && !peer.equals(to)) {
            throw new IllegalArgumentException("this transport is connected to " + peer
                    + " and sends only there; found target: " + to + " (disconnect() first)");
        }
        return sendChecked(data, to);
    }

    @Override
    public final boolean send(ByteBuffer data) {
        Objects.requireNonNull(data, "data must not be null");
        checkUsable("DatagramTransport.send");
        InetSocketAddress peer = remote;
        if (peer == null) {
            throw new IllegalStateException("send(data) needs a connected transport; call connect(peer) first or use "
                    + "send(data, target) (" + this + ")");
        }
        return sendChecked(data, peer);
    }

    private boolean sendChecked(ByteBuffer data, InetSocketAddress to) {
        int len = data.remaining();
        int limit = sendLimit(to);
        if (len > limit) {
            throw new DatagramTooLargeException("a datagram of " + len + " bytes to " + to + " is larger than "
                    + (limit == options.maxPacketSize() ? "maxPacketSize (" : "what one IPv4 datagram carries (")
                    + limit + " bytes); nothing was sent", to, limit, len, true);
        }
        if (!options.broadcast() && LIMITED_BROADCAST.equals(to.getAddress())) {
            throw new DatagramSendException("cannot send to the broadcast address " + to
                    + ": broadcast is off for this transport (UdpOptions.broadcast(true) turns it on)", to, null);
        }
        if (!queue.isEmpty()) {
            return enqueue(data, to);
        }
        int start = data.position();
        for (int attempt = 1; ; attempt++) {
            int n;
            try {
                n = sendTo(data, to);
            } catch (PortUnreachableException e) {
                // Reported from the loop, not from inside the caller's send.
                noteRefusal(e);
                data.position(start);
                if (attempt < SEND_ATTEMPTS) {
                    continue;
                }
                data.position(data.limit());
                dropped++;
                return false;
            } catch (IOException e) {
                data.position(start);
                throw new DatagramSendException(sendFailure(to, e), to, e);
            }
            if (n > 0 || len == 0) {
                // An empty datagram cannot tell "sent" from "no room"; it is taken as sent.
                data.position(data.limit());
                return true;
            }
            return enqueue(data, to);
        }
    }

    private int sendLimit(InetSocketAddress to) {
        int ip = to.getAddress() instanceof Inet4Address ? UdpOptions.MAX_IPV4_PAYLOAD : UdpOptions.MAX_IPV6_PAYLOAD;
        return Math.min(options.maxPacketSize(), ip);
    }

    private String sendFailure(InetSocketAddress to, IOException e) {
        String hint = !options.broadcast() && String.valueOf(e.getMessage()).contains("Permission denied")
                ? " (a broadcast address needs UdpOptions.broadcast(true))" : "";
        return "cannot send a datagram to " + to + " from " + this + ": " + e.getMessage() + hint;
    }

    private boolean enqueue(ByteBuffer data, InetSocketAddress to) {
        int len = data.remaining();
        if (queue.size() >= options.maxQueuedDatagrams() || queuedBytes + len > options.maxQueuedBytes()) {
            data.position(data.limit());
            dropped++;
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(len);
        copy.put(data).flip();
        queue.addLast(new Queued(copy, to));
        queuedBytes += len;
        if (queue.size() == 1) {
            interestWrite(true);
            setWritable(false);
        }
        return true;
    }

    private void setWritable(boolean now) {
        if (writable == now) {
            return;
        }
        writable = now;
        try {
            protocol.writabilityChanged(now);
        } catch (RuntimeException e) {
            LOG.error("datagram protocol {} threw from writabilityChanged; going on", protocol, e);
        }
    }

    @Override
    public final void connect(SocketAddress peer) {
        Objects.requireNonNull(peer, "peer must not be null");
        checkUsable("DatagramTransport.connect");
        InetSocketAddress to = inet(peer, "peer");
        remote = null;
        try {
            connectNow(to);
        } catch (IOException | RuntimeException e) {
            try {
                disconnectNow();
            } catch (IOException | RuntimeException ignored) {
                // Left unconnected either way.
            }
            throw new ConnectionFailedException("cannot connect " + this + " to " + to + ": " + e.getMessage(), e);
        }
        remote = to;
        // A connected socket sends only to its peer: what was queued for others can never leave.
        for (Iterator<Queued> it = queue.iterator(); it.hasNext(); ) {
            Queued q = it.next();
            if (!q.target.equals(to)) {
                it.remove();
                queuedBytes -= q.data.remaining();
                dropped++;
            }
        }
        if (queue.isEmpty()) {
            interestWrite(false);
            setWritable(true);
        }
    }

    @Override
    public final void disconnect() {
        checkUsable("DatagramTransport.disconnect");
        if (remote == null) {
            return;
        }
        remote = null;
        try {
            disconnectNow();
        } catch (IOException e) {
            throw new ReactorException("cannot disconnect " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public final boolean isConnected() {
        return remote != null;
    }

    @Override
    public final @Nullable SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public final void joinGroup(InetAddress group, NetworkInterface networkInterface) {
        join(group, networkInterface, null);
    }

    @Override
    public final void joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        Objects.requireNonNull(source, "source must not be null");
        join(group, networkInterface, source);
    }

    private void join(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        checkGroup(group, networkInterface, source);
        checkUsable("DatagramTransport.joinGroup");
        try {
            joinNow(group, networkInterface, source);
        } catch (IOException | RuntimeException e) {
            throw new ReactorException("cannot join multicast group " + group.getHostAddress()
                    + (source == null ? "" : " for source " + source.getHostAddress()) + " on interface "
                    + networkInterface.getName() + " (" + this + "): " + e, e);
        }
    }

    @Override
    public final boolean leaveGroup(InetAddress group, NetworkInterface networkInterface) {
        checkGroup(group, networkInterface, null);
        checkUsable("DatagramTransport.leaveGroup");
        return leaveNow(group, networkInterface, null);
    }

    @Override
    public final boolean leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        Objects.requireNonNull(source, "source must not be null");
        checkGroup(group, networkInterface, source);
        checkUsable("DatagramTransport.leaveGroup");
        return leaveNow(group, networkInterface, source);
    }

    private static void checkGroup(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        Objects.requireNonNull(group, "group must not be null");
        Objects.requireNonNull(networkInterface, "networkInterface must not be null");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("group must be a multicast address, found: " + group.getHostAddress());
        }
        if (source != null && source.isMulticastAddress()) {
            throw new IllegalArgumentException("source must be a unicast address, found: " + source.getHostAddress());
        }
    }

    @Override
    public final void pauseReading() {
        reactor.checkLoop("DatagramTransport.pauseReading");
        if (readPaused || closed) {
            return;
        }
        readPaused = true;
        interestRead(false);
    }

    @Override
    public final void resumeReading() {
        reactor.checkLoop("DatagramTransport.resumeReading");
        if (!readPaused || closed) {
            return;
        }
        readPaused = false;
        interestRead(true);
        readingResumed();
    }

    @Override
    public final boolean isReadingPaused() {
        return readPaused;
    }

    @Override
    public final boolean isWritable() {
        return writable && !closed;
    }

    @Override
    public final int queuedDatagrams() {
        return queue.size();
    }

    @Override
    public final long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public final long droppedDatagrams() {
        return dropped;
    }

    @Override
    public final void close() {
        reactor.checkLoop("DatagramTransport.close");
        lose(null);
    }

    @Override
    public final boolean isOpen() {
        return !closed;
    }

    private void checkUsable(String operation) {
        reactor.checkLoop(operation);
        if (closed) {
            throw new IllegalStateException(operation + " on a closed transport (" + this + ")");
        }
    }

    private static InetSocketAddress inet(SocketAddress address, String what) {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException(what + " must be an InetSocketAddress, found: " + address.getClass().getName());
        }
        InetSocketAddress a = (InetSocketAddress) address;
        if (a.isUnresolved()) {
            throw new IllegalArgumentException(what + " must be resolved, found unresolved: " + a);
        }
        return a;
    }

    // ------------------------------------------------------------------ errors

    private DatagramRefusedException refused(PortUnreachableException e) {
        InetSocketAddress peer = remote;
        return new DatagramRefusedException("the peer " + peer + " refused a datagram (ICMP port unreachable)", peer, e);
    }

    /** Keeps an ICMP error met while sending and reports it from a loop task, outside the caller's send. */
    private void noteRefusal(PortUnreachableException e) {
        if (pendingRefusal != null) {
            return;
        }
        pendingRefusal = e;
        if (!reactor.tryExecute(reportRefusal)) {
            pendingRefusal = null;
            LOG.warn("task queue full: ICMP port unreachable from {} on {} not reported", remote, this);
        }
    }

    private void reportPendingRefusal() {
        PortUnreachableException e = pendingRefusal;
        pendingRefusal = null;
        if (e != null && !closed) {
            report(refused(e));
        }
    }

    private void report(ReactorException error) {
        try {
            protocol.errorReceived(error);
        } catch (RuntimeException e) {
            LOG.error("datagram protocol {} threw from errorReceived({}); going on", protocol, error, e);
        }
    }

    // ------------------------------------------------------------------ ReactorResource

    /** Sends what the socket takes of the queue now, then closes. */
    @Override
    public final void shutdownGracefully() {
        if (!closed && !queue.isEmpty()) {
            onWritable();
        }
        lose(null);
    }

    @Override
    public final void forceClose(Throwable cause) {
        lose(cause);
    }

    /**
     * Closes the socket, drops the queue and tells the protocol once.
     *
     * @param cause null for a clean close
     */
    protected final void lose(@Nullable Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        dropped += queue.size();
        queue.clear();
        queuedBytes = 0;
        closeNow();
        reactor.untrack(this);
        if (!started) {
            return;
        }
        try {
            protocol.stopped(cause);
        } catch (RuntimeException e) {
            LOG.error("datagram protocol {} threw from stopped", protocol, e);
        }
    }

    @Override
    public String toString() {
        String local;
        try {
            local = String.valueOf(localAddress());
        } catch (RuntimeException e) {
            local = "?";
        }
        InetSocketAddress peer = remote;
        return getClass().getSimpleName() + "[" + local + (peer == null ? "" : " -> " + peer) + (closed ? ", closed" : "")
                + "]";
    }

    /** A datagram waiting for room in the socket buffer. */
    private static final class Queued {
        final ByteBuffer data;
        final InetSocketAddress target;

        Queued(ByteBuffer data, InetSocketAddress target) {
            this.data = data;
            this.target = target;
        }
    }
}
