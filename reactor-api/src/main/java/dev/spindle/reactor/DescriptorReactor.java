package dev.spindle.reactor;

import dev.spindle.reactor.internal.TlsConnectAttempt;
import java.net.InetSocketAddress;
import java.time.Duration;
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
     * Registers a listener told of every stream connection of this reactor as it is made and as
     * it is lost: TCP and UNIX-domain, accepted and made; a TLS connection as its underlying TCP
     * transport. {@link ConnectionListener} states what is reported, in what order, and the
     * pairing of the two calls. Only connections made after the registration are reported.
     *
     * <p>Thread-safe, in any state; the listener is called on the reactor thread, and an
     * exception it throws is logged and ignored (it never affects the connection). A reactor
     * without listeners pays nothing per connection beyond a check.
     *
     * @param listener the listener; registering it twice makes two registrations
     * @return removes the listener (idempotent); it is not called after that, not even for
     *     connections it was told were made
     */
    Registration addConnectionListener(ConnectionListener listener);

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
    /**
     * Looks a host name up without blocking the loop, bounded by
     * {@link ReactorConfig#resolveTimeout()}. Loop thread only.
     *
     * @param host a host name or an address literal (a literal completes at once)
     * @return the look-up in progress
     * @throws IllegalStateException off the loop thread or when inactive
     * @see #resolve(String, Duration)
     */
    default NameLookup resolve(String host) {
        return resolve(host, config().resolveTimeout());
    }

    /**
     * Looks a host name up without blocking the loop: the configured {@link HostResolver} runs
     * on the worker pool and the answer comes back on the loop thread. The look-up is cancelled
     * when the reactor stops or terminates. Loop thread only.
     *
     * @param host a host name, or an IPv4/IPv6 literal (with or without brackets), which completes
     *     at once without the resolver
     * @param timeout positive
     * @return the look-up in progress; see {@link NameLookup} for its failures
     * @throws IllegalArgumentException on an empty host or a non-positive timeout
     * @throws IllegalStateException off the loop thread or when inactive
     */
    NameLookup resolve(String host, Duration timeout);

    /**
     * The settings of this reactor.
     *
     * @return the config
     */
    ReactorConfig config();
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

    /**
     * Listens for UNIX-domain stream connections on a path, with default options (SPEC NET-4):
     * see {@link #listenUnix(UnixAddress, ProtocolFactory, UnixListenOptions)}.
     *
     * @param path where to create the socket file; nothing may exist there
     * @param factory builds a protocol per accepted connection, or refuses it with null
     * @return the listening port
     * @throws CannotListenException if the socket cannot be bound
     */
    default ListeningPort listenUnix(java.nio.file.Path path, ProtocolFactory factory) {
        return listenUnix(UnixAddress.path(path), factory, UnixListenOptions.defaults());
    }

    /**
     * Listens for UNIX-domain stream connections on a path: see
     * {@link #listenUnix(UnixAddress, ProtocolFactory, UnixListenOptions)}.
     *
     * @param path where to create the socket file
     * @param factory builds a protocol per accepted connection, or refuses it with null
     * @param options backlog, file permissions, stale-socket handling
     * @return the listening port
     * @throws CannotListenException if the socket cannot be bound
     */
    default ListeningPort listenUnix(java.nio.file.Path path, ProtocolFactory factory, UnixListenOptions options) {
        return listenUnix(UnixAddress.path(path), factory, options);
    }

    /**
     * Listens for UNIX-domain stream connections (SPEC NET-4). For a path address the socket
     * file is created by binding and removed again when the port closes ({@link ListeningPort#close()},
     * {@link CoreReactor#stop()}, {@link CoreReactor#terminate()}), but only while it is still the
     * file this port created: a file that someone put in its place is left alone. The port's
     * {@link ListeningPort#localAddress()} is a {@link java.net.UnixDomainSocketAddress} for a path
     * and the {@link UnixAddress} itself for an abstract name; {@link ListeningPort#port()} throws.
     * Accepted transports report the same local address and an unnamed remote one
     * ({@code UnixDomainSocketAddress.of("")}) unless the client bound a name.
     *
     * @param address a path, or a Linux abstract name
     * @param factory builds a protocol per accepted connection, or refuses it with null
     * @param options backlog, file permissions, stale-socket handling
     * @return the listening port
     * @throws CannotListenException if a file exists at the path (unless
     *     {@link UnixListenOptions#removeStaleSocket()} removes a stale socket there), the path is
     *     too long for {@code sun_path}, the directory is missing or not writable, or the name is
     *     in use; the message names the address and the reason
     * @throws UnsupportedOperationException for an abstract name on a backend that cannot bind one
     *     (the select backend; the message names the backends that can), or on a backend without
     *     UNIX-domain sockets
     */
    ListeningPort listenUnix(UnixAddress address, ProtocolFactory factory, UnixListenOptions options);

    /**
     * Connects to a UNIX-domain stream socket at a path, with default options: see
     * {@link #connectUnix(UnixAddress, Protocol, ConnectOptions)}.
     *
     * @param path the server's socket file
     * @param protocol the protocol to attach
     * @return the attempt
     */
    default ConnectAttempt connectUnix(java.nio.file.Path path, Protocol protocol) {
        return connectUnix(UnixAddress.path(path), protocol, ConnectOptions.defaults());
    }

    /**
     * Connects to a UNIX-domain stream socket at a path: see
     * {@link #connectUnix(UnixAddress, Protocol, ConnectOptions)}.
     *
     * @param path the server's socket file
     * @param protocol the protocol to attach
     * @param options the timeout (the TCP options do not apply)
     * @return the attempt
     */
    default ConnectAttempt connectUnix(java.nio.file.Path path, Protocol protocol, ConnectOptions options) {
        return connectUnix(UnixAddress.path(path), protocol, options);
    }

    /**
     * Connects to a UNIX-domain stream socket (SPEC NET-4). On success the protocol gets
     * {@code connectionMade} and then the attempt's stage completes; the transport's remote
     * address is a {@link java.net.UnixDomainSocketAddress} for a path (an abstract name is
     * reported as the {@link UnixAddress}) and its local address is unnamed. Every failure is
     * delivered on the stage as a {@link ConnectionFailedException} naming the address, and the
     * protocol is not called: no file at the path, a file that is not a socket or whose server is
     * gone (refused), no permission, a path too long for {@code sun_path}, a listener whose
     * backlog is full (Linux refuses at once, EAGAIN), the timeout
     * ({@link ConnectTimeoutException}), cancellation, or the reactor stopping.
     *
     * <p>Of the options only {@link ConnectOptions#timeout()} applies;
     * {@link ConnectOptions#tcpNoDelay()} is ignored.
     *
     * @param address a path, or a Linux abstract name
     * @param protocol the protocol to attach
     * @param options the timeout
     * @return the attempt
     * @throws IllegalArgumentException if {@link ConnectOptions#localAddress()} is set (a TCP option)
     * @throws UnsupportedOperationException for an abstract name on a backend that cannot connect
     *     to one (the select backend), or on a backend without UNIX-domain sockets
     */
    ConnectAttempt connectUnix(UnixAddress address, Protocol protocol, ConnectOptions options);
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====

    /**
     * Starts a child process and connects {@code protocol} to it (SPEC NET-6).
     *
     * <p>The start itself happens on the calling (loop) thread and is synchronous: when this
     * returns, the child runs and {@link ProcessProtocol#processStarted} has been called. A child
     * that cannot be started throws {@link ProcessStartException} here, with nothing left open
     * and the protocol never called; there is no asynchronous start failure. Starting a process
     * costs the loop about as long as a {@code fork}/{@code exec} (typically well under a
     * millisecond to a few milliseconds).
     *
     * <p>From then on, everything is delivered on the loop thread: output as it arrives, the exit
     * when it is collected, {@code processEnded} last. What {@code stop()} and {@code terminate()}
     * of this reactor do to a child still running is its {@link ProcessSpec#shutdownPolicy()}.
     *
     * <p>How the pipes are watched depends on the backend. The JDK gives only blocking streams
     * for a child's pipes, so the portable implementation (the select backend's) uses a daemon
     * reader thread per piped output stream ({@code spindle-process-<pid>-stdout},
     * {@code -stderr}), a writer thread for standard input started on the first write
     * ({@code -stdin}, ending after 5 idle seconds), and the JDK's own process reaper for the
     * exit. Native backends may use no thread per process at all.
     *
     * @param spec what to run
     * @param protocol told of the child's output and end
     * @return the transport: standard input, signals, exit
     * @throws ProcessStartException if the process cannot be started (command not found or not
     *     executable, bad working directory, an argument the platform charset cannot encode, out
     *     of resources), or while the reactor is stopping
     * @throws IllegalStateException off the reactor thread or when the reactor is inactive
     */
    ProcessTransport spawnProcess(ProcessSpec spec, ProcessProtocol protocol);
    // (end of child processes section)

}
