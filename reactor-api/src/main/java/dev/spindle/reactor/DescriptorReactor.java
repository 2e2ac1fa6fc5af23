package dev.spindle.reactor;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The descriptor facet: readiness registration for handles the backend creates, and TCP.
 *
 * <p>All methods must be called on the reactor thread while the reactor is active.
 *
 * <h2>Readiness registration (SPEC §5.4)</h2>
 * {@link #addReader}/{@link #addWriter} have set semantics; removing what is absent is a no-op
 * (FD-3). A {@link DescriptorHandler} that throws is removed as reader and writer and told
 * {@code connectionLost} with the exception (FD-8). On shutdown or terminate every descriptor the
 * reactor created is closed and every registered one told {@code connectionLost} (FD-7).
 */
public interface DescriptorReactor {
    /**
     * Creates a unidirectional pipe whose ends are non-blocking descriptors owned by this reactor.
     *
     * @param sourceHandler told when the read end is ready
     * @param sinkHandler told when the write end is ready
     * @return the pipe
     */
    Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler);

    /**
     * Watches {@code descriptor} for readability (SPEC FD-1).
     *
     * @param descriptor a descriptor created by this reactor
     * @throws IllegalArgumentException if it belongs to another reactor or is closed
     */
    void addReader(Descriptor descriptor);

    /**
     * Watches {@code descriptor} for writability (SPEC FD-2).
     *
     * @param descriptor a descriptor created by this reactor
     * @throws IllegalArgumentException if it belongs to another reactor or is closed
     */
    void addWriter(Descriptor descriptor);

    /**
     * Stops watching for readability; no-op if not watched (SPEC FD-3).
     *
     * @param descriptor the descriptor
     */
    void removeReader(Descriptor descriptor);

    /**
     * Stops watching for writability; no-op if not watched (SPEC FD-3).
     *
     * @param descriptor the descriptor
     */
    void removeWriter(Descriptor descriptor);

    /**
     * Removes every user reader and writer and returns them, without duplicates (SPEC FD-5).
     * The reactor's own internal descriptors (its waker, its transports) are never included.
     *
     * @return the removed descriptors
     */
    List<Descriptor> removeAll();

    /**
     * The descriptors watched for readability: a snapshot (SPEC FD-4).
     *
     * @return readers
     */
    List<Descriptor> readers();

    /**
     * The descriptors watched for writability: a snapshot (SPEC FD-4).
     *
     * @return writers
     */
    List<Descriptor> writers();

    /**
     * Listens for TCP connections with default options.
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param factory builds a protocol per accepted connection, or refuses it with null
     * @return the listening port
     * @throws CannotListenException if the address cannot be bound
     */
    default ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory) {
        return listenTcp(bindAddress, factory, ListenOptions.defaults());
    }

    /**
     * Listens for TCP connections.
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param factory builds a protocol per accepted connection, or refuses it with null
     * @param options backlog and socket options
     * @return the listening port
     * @throws CannotListenException if the address cannot be bound
     * @throws IllegalArgumentException if the address is unresolved
     */
    ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options);

    /**
     * Connects to a TCP server with default options.
     *
     * @param host a host name or address literal
     * @param port 1..65535
     * @param protocol the protocol to attach
     * @return the attempt
     */
    default ConnectAttempt connectTcp(String host, int port, Protocol protocol) {
        return connectTcp(host, port, protocol, ConnectOptions.defaults());
    }

    /**
     * Connects to a TCP server. A host name is resolved on the worker pool, never on the loop;
     * each resolved address is tried in order until one accepts, all within
     * {@link ConnectOptions#timeout()}. On success the protocol gets {@code connectionMade} and
     * then the attempt's stage completes; on failure the stage fails with
     * {@link ConnectionFailedException} (or {@link ConnectTimeoutException}) and the protocol is
     * not called.
     *
     * @param host a host name or address literal
     * @param port 1..65535
     * @param protocol the protocol to attach
     * @param options timeout, local address, socket options
     * @return the attempt
     * @throws IllegalArgumentException if the port is out of range
     */
    ConnectAttempt connectTcp(String host, int port, Protocol protocol, ConnectOptions options);

    // ==== NAME RESOLUTION (issue 3): add members for this area directly below this line ====
    // (end of name resolution section)

    // ==== TLS (issue 3): add members for this area directly below this line ====
    // (end of tls section)

    // ==== UDP (issue 3): add members for this area directly below this line ====
    /**
     * Binds a UDP socket with {@link UdpOptions#defaults()} (SPEC NET-5).
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param protocol told of the datagrams that arrive
     * @return the transport, open and reading
     * @throws CannotListenException if the address cannot be bound
     */
    default DatagramTransport listenUdp(InetSocketAddress bindAddress, DatagramProtocol protocol) {
        return listenUdp(bindAddress, protocol, UdpOptions.defaults());
    }

    /**
     * Binds a UDP socket (SPEC NET-5: Twisted's {@code listenUDP} and, with
     * {@link UdpOptions#reuseAddress()} and {@link DatagramTransport#joinGroup},
     * {@code listenMulticast}). The protocol's {@code started} runs inside this call; the
     * transport reads until it is closed or the reactor stops, which closes it.
     *
     * <p>A wildcard address ({@code 0.0.0.0} or {@code ::}) gets the socket family of
     * {@link UdpOptions#protocolFamily()} if set; a specific address decides the family itself.
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param protocol told of the datagrams that arrive
     * @param options size limit, broadcast, multicast and buffer options
     * @return the transport, open and reading (closed already if {@code started} threw)
     * @throws CannotListenException if the address cannot be bound (in use, not local, family
     *     not supported) or an option cannot be set
     * @throws IllegalArgumentException if the address is unresolved
     * @throws IllegalStateException off the reactor thread or when the reactor is inactive
     */
    DatagramTransport listenUdp(InetSocketAddress bindAddress, DatagramProtocol protocol, UdpOptions options);

    // (end of udp section)

    // ==== UNIX-DOMAIN SOCKETS (issue 3): add members for this area directly below this line ====
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====
    // (end of child processes section)

}
