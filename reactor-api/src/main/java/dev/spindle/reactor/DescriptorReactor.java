package dev.spindle.reactor;

import dev.spindle.reactor.internal.TlsConnectAttempt;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

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

    /**
     * Connects to a TLS server over TCP with default TCP options; see
     * {@link #connectTls(String, int, Protocol, TlsClientOptions, ConnectOptions)}.
     *
     * @param host a host name (verified against the server's certificate and sent as SNI unless
     *     {@code tls} says otherwise) or an address literal
     * @param port 1..65535
     * @param protocol the application protocol; it sees plaintext
     * @param tls the TLS options, e.g. {@link TlsClientOptions#defaults()}
     * @return the attempt
     */
    default ConnectAttempt connectTls(String host, int port, Protocol protocol, TlsClientOptions tls) {
        return connectTls(host, port, protocol, tls, ConnectOptions.defaults());
    }

    /**
     * Connects to a TLS server over TCP: {@link #connectTcp} with a {@link Tls#client TLS layer}
     * as its protocol. The protocol gets {@code connectionMade} with a {@link TlsTransport} only
     * after the handshake completed; then the attempt's stage completes with that transport. If
     * the TCP connection fails the stage fails as for {@code connectTcp}
     * ({@link ConnectionFailedException}, {@link ConnectTimeoutException}); if the handshake fails
     * it fails with a {@link TlsHandshakeException} whose {@link TlsHandshakeException#reason()}
     * says why (untrusted certificate, host name mismatch, expired certificate, client
     * certificate required, alert, timeout, closed, not TLS), and the protocol is never called.
     * {@link ConnectOptions#timeout()} bounds the TCP part, {@link TlsClientOptions#handshakeTimeout()}
     * the handshake. {@link ConnectAttempt#cancel()} works in both parts.
     *
     * <p>With TLS 1.3 the client's handshake ends before the server has checked a client
     * certificate: a server that then rejects it ends the connection with an alert, which the
     * protocol sees as {@code connectionLost} with a {@link ConnectionLostException} naming the
     * alert.
     *
     * @param host a host name or an address literal
     * @param port 1..65535
     * @param protocol the application protocol
     * @param tls the TLS options
     * @param options the TCP options
     * @return the attempt
     * @throws IllegalArgumentException if the port is out of range
     */
    default ConnectAttempt connectTls(String host, int port, Protocol protocol, TlsClientOptions tls, ConnectOptions options) {
        return TlsConnectAttempt.start(this, host, port, protocol, tls, options);
    }

    /**
     * Listens for TLS connections over TCP with default listen options; see
     * {@link #listenTls(InetSocketAddress, ProtocolFactory, TlsServerOptions, ListenOptions)}.
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param factory builds the application protocol of each connection after its handshake
     * @param tls the server's TLS options (key material, client authentication)
     * @return the listening port
     */
    default ListeningPort listenTls(InetSocketAddress bindAddress, ProtocolFactory factory, TlsServerOptions tls) {
        return listenTls(bindAddress, factory, tls, ListenOptions.defaults());
    }

    /**
     * Listens for TLS connections over TCP: {@link #listenTcp} with {@link Tls#server}. Each
     * accepted connection runs the TLS handshake first; only when it completed is
     * {@code factory} asked for a protocol, which then gets {@code connectionMade} with a
     * {@link TlsTransport}. A failed handshake (including a client without a required
     * certificate, and the handshake timeout) never builds a protocol: it is logged at debug
     * level, given to {@link TlsServerOptions#handshakeFailureListener()}, and the connection is
     * closed (with an alert where TLS has one).
     *
     * @param bindAddress a resolved address; port 0 picks a free port
     * @param factory builds the application protocol of each connection, or refuses it with null
     * @param tls the server's TLS options
     * @param options backlog and socket options
     * @return the listening port
     * @throws CannotListenException if the address cannot be bound
     */
    default ListeningPort listenTls(InetSocketAddress bindAddress, ProtocolFactory factory, TlsServerOptions tls,
            ListenOptions options) {
        Objects.requireNonNull(factory, "factory must not be null");
        Objects.requireNonNull(tls, "tls must not be null");
        return listenTcp(bindAddress, Tls.server(tls, factory), options);
    }
    // (end of tls section)

    // ==== UDP (issue 3): add members for this area directly below this line ====
    // (end of udp section)

    // ==== UNIX-DOMAIN SOCKETS (issue 3): add members for this area directly below this line ====
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====
    // (end of child processes section)

}
