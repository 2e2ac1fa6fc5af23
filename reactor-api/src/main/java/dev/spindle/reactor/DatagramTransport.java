package dev.spindle.reactor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The reactor side of a bound UDP socket, made by {@link DescriptorReactor#listenUdp}.
 * Loop-thread only: a call that acts from another thread throws {@link IllegalStateException}.
 *
 * <h2>Sending</h2>
 * {@link #send(ByteBuffer, SocketAddress)} sends the buffer's remaining bytes as one datagram
 * and consumes the buffer. The datagram is never truncated or split:
 * <ul>
 *   <li>larger than {@link UdpOptions#maxPacketSize()}, or than one IP datagram carries (65,507
 *       bytes over IPv4, 65,527 over IPv6): {@link DatagramTooLargeException}, nothing sent;</li>
 *   <li>refused by the operating system (a broadcast address while
 *       {@link UdpOptions#broadcast()} is off, no route): {@link DatagramSendException};</li>
 *   <li>socket buffer full: the datagram is copied into this transport's send queue and sent
 *       when the socket becomes writable, in order; the transport turns unwritable
 *       ({@link DatagramProtocol#writabilityChanged(boolean)}) until the queue drains. The queue
 *       is bounded by {@link UdpOptions#maxQueuedDatagrams()} and
 *       {@link UdpOptions#maxQueuedBytes()}: past them the datagram is dropped, counted in
 *       {@link #droppedDatagrams()}, and {@code send} returns false. The loop never blocks.</li>
 * </ul>
 *
 * <h2>Connected mode</h2>
 * {@link #connect(SocketAddress)} fixes the peer: {@link #send(ByteBuffer)} needs no address,
 * the kernel delivers only the peer's datagrams, and an ICMP port-unreachable answer from the
 * peer is reported as a {@link DatagramRefusedException} to
 * {@link DatagramProtocol#errorReceived(ReactorException)} without closing the transport.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the socket at once; datagrams still queued are dropped (and counted).
 * The protocol is told {@code stopped(null)}. The reactor closes every transport when it stops
 * or terminates.
 */
public interface DatagramTransport {
    /**
     * The reactor this transport belongs to.
     *
     * @return the reactor
     */
    Reactor reactor();

    /**
     * The options the socket was bound with.
     *
     * @return the options
     */
    UdpOptions options();

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code target}, consuming the
     * buffer (its position moves to its limit) whether the datagram was sent, queued or dropped.
     * Pass the buffer received in {@code datagramReceived} straight back to echo.
     *
     * @param data the datagram's bytes (empty is allowed)
     * @param target a resolved {@link InetSocketAddress}; on a connected transport only the
     *     connected peer
     * @return true if the datagram was sent or queued; false if it was dropped because the send
     *     queue was full
     * @throws DatagramTooLargeException if the datagram is too large (the buffer is left as is)
     * @throws DatagramSendException if the operating system refused it (the buffer is left as is)
     * @throws IllegalArgumentException if {@code target} is unresolved, not an
     *     {@link InetSocketAddress}, or not the connected peer
     * @throws IllegalStateException after close, or off the reactor thread
     */
    boolean send(ByteBuffer data, SocketAddress target);

    /**
     * Sends the remaining bytes of {@code data} as one datagram to the connected peer, as
     * {@link #send(ByteBuffer, SocketAddress)}.
     *
     * @param data the datagram's bytes
     * @return true if sent or queued; false if dropped because the send queue was full
     * @throws IllegalStateException if not connected, after close, or off the reactor thread
     */
    boolean send(ByteBuffer data);

    /**
     * Sends {@code data} as one datagram to {@code target}.
     *
     * @param data the bytes
     * @param target the destination
     * @return true if sent or queued; false if dropped
     */
    default boolean send(byte[] data, SocketAddress target) {
        return send(ByteBuffer.wrap(data), target);
    }

    /**
     * Connects the socket to {@code peer} (no packet is exchanged): only the peer's datagrams
     * are delivered from now on, {@link #send(ByteBuffer)} sends to it, and ICMP errors from it
     * are reported. Connecting again replaces the peer. Queued datagrams for other destinations
     * are dropped and counted.
     *
     * @param peer a resolved {@link InetSocketAddress}
     * @throws ConnectionFailedException if the operating system refuses (no route, wrong family)
     * @throws IllegalArgumentException if {@code peer} is unresolved or not an
     *     {@link InetSocketAddress}
     * @throws IllegalStateException after close, or off the reactor thread
     */
    void connect(SocketAddress peer);

    /**
     * Dissolves the association made by {@link #connect}; datagrams from anyone are delivered
     * again. A no-op when not connected.
     *
     * @throws IllegalStateException after close, or off the reactor thread
     */
    void disconnect();

    /**
     * Whether connected to a peer.
     *
     * @return true between {@link #connect} and {@link #disconnect}
     */
    boolean isConnected();

    /**
     * The connected peer.
     *
     * @return the peer, or null when not connected
     */
    @Nullable SocketAddress remoteAddress();

    /**
     * Joins the multicast {@code group} on {@code networkInterface}: datagrams sent to the group
     * (and this socket's port) arrive here. Joining a group already joined is a no-op. Bind
     * the socket to the wildcard address or the group address to receive them, with
     * {@link UdpOptions#reuseAddress()} when several sockets listen on one port.
     *
     * @param group an IPv4 or IPv6 multicast address
     * @param networkInterface the interface to join on; it must support multicast
     * @throws IllegalArgumentException if {@code group} is not a multicast address
     * @throws ReactorException if the operating system refuses (the cause says why)
     * @throws IllegalStateException after close, or off the reactor thread
     */
    void joinGroup(InetAddress group, NetworkInterface networkInterface);

    /**
     * Joins the multicast {@code group} on {@code networkInterface} for datagrams from
     * {@code source} only (source-specific multicast).
     *
     * @param group a multicast address
     * @param networkInterface the interface
     * @param source the only sender whose datagrams are wanted (a unicast address of the
     *     group's family)
     * @throws IllegalArgumentException if {@code group} is not a multicast address or
     *     {@code source} is one
     * @throws ReactorException if the operating system refuses, or the group is already joined
     *     for all sources
     * @throws IllegalStateException after close, or off the reactor thread
     */
    void joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source);

    /**
     * Leaves a group joined with {@link #joinGroup(InetAddress, NetworkInterface)}.
     *
     * @param group the group
     * @param networkInterface the interface it was joined on
     * @return true if it was joined
     * @throws IllegalStateException after close, or off the reactor thread
     */
    boolean leaveGroup(InetAddress group, NetworkInterface networkInterface);

    /**
     * Leaves a group joined for {@code source} with
     * {@link #joinGroup(InetAddress, NetworkInterface, InetAddress)}.
     *
     * @param group the group
     * @param networkInterface the interface
     * @param source the source
     * @return true if it was joined for that source
     * @throws IllegalStateException after close, or off the reactor thread
     */
    boolean leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source);

    /**
     * The bound address (with the port chosen when bound to port 0).
     *
     * @return the address
     */
    SocketAddress localAddress();

    /**
     * The bound port.
     *
     * @return the port
     */
    default int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    /** Stops reading until {@link #resumeReading()}; datagrams wait in the kernel. Idempotent. */
    void pauseReading();

    /** Resumes reading. Idempotent. */
    void resumeReading();

    /**
     * Whether reading is paused.
     *
     * @return true while paused
     */
    boolean isReadingPaused();

    /**
     * Whether sends go straight to the socket: false while datagrams wait in the send queue.
     *
     * @return true if the send queue is empty (and the transport open)
     */
    boolean isWritable();

    /**
     * Datagrams waiting in the send queue.
     *
     * @return the count
     */
    int queuedDatagrams();

    /**
     * Bytes waiting in the send queue.
     *
     * @return the sum of the queued datagrams' lengths
     */
    long queuedBytes();

    /**
     * Datagrams this transport dropped: refused by a full send queue, still queued at close, or
     * queued for another destination when {@link #connect} was called, or failed when flushed.
     *
     * @return the count since the transport was made
     */
    long droppedDatagrams();

    /**
     * Closes the socket at once, dropping queued datagrams; the protocol is told
     * {@code stopped(null)}. Idempotent.
     *
     * <p>The port is free again before the reactor runs its next task or callback pass, not
     * necessarily when this returns: the select backend's JDK channels release a registered
     * socket when the selector next polls. Re-binding the same port from the same callback may
     * therefore fail with {@link CannotListenException}; bind it from a later task (for example
     * one passed to {@link CoreReactor#execute}).
     */
    void close();

    /**
     * Whether the socket is open.
     *
     * @return true until {@code stopped}
     */
    boolean isOpen();
}
