package dev.spindle.reactor;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Somewhere a client can connect to: each {@link #connect(Protocol)} makes one outgoing
 * connection attempt. A {@link ClientService} uses one to keep a connection alive.
 *
 * <p>Implementations must follow the {@link ConnectAttempt} contract: the result stage completes
 * exactly once, after the protocol's {@code connectionMade} on success; a failed or cancelled
 * attempt never calls the protocol; {@code cancel()} of an attempt in progress fails its stage.
 * Implementations should override {@code toString()} to name the target: it appears in logs
 * and failure messages.
 *
 * <p>Threading: {@code connect} and everything on the returned attempt run on the reactor thread
 * of the reactor the endpoint uses, while it is active.
 */
@FunctionalInterface
public interface ClientEndpoint {
    /**
     * Starts one connection attempt that attaches {@code protocol} when it succeeds.
     *
     * @param protocol the protocol for the connection; not called unless the attempt succeeds
     * @return the attempt
     * @throws IllegalStateException off the reactor thread or when the reactor is inactive (a
     *     {@link ClientService} counts any exception thrown here as a failed attempt)
     */
    ConnectAttempt connect(Protocol protocol);

    /**
     * A TCP endpoint with the default {@link ConnectOptions}: each attempt is
     * {@link DescriptorReactor#connectTcp(String, int, Protocol, ConnectOptions) reactor.connectTcp}.
     *
     * @param reactor the reactor to connect on
     * @param host a host name (resolved again on every attempt, off the loop) or an address literal
     * @param port 1..65535
     * @return the endpoint, described as {@code tcp:host:port}
     * @throws IllegalArgumentException if the port is out of range
     */
    static ClientEndpoint tcp(Reactor reactor, String host, int port) {
        return tcp(reactor, host, port, ConnectOptions.defaults());
    }

    /**
     * A TCP endpoint: each attempt is
     * {@link DescriptorReactor#connectTcp(String, int, Protocol, ConnectOptions) reactor.connectTcp}
     * with these options (so the connect timeout bounds each attempt).
     *
     * @param reactor the reactor to connect on
     * @param host a host name (resolved again on every attempt, off the loop) or an address literal
     * @param port 1..65535
     * @param options timeout, local address, socket options
     * @return the endpoint, described as {@code tcp:host:port}
     * @throws IllegalArgumentException if the port is out of range
     */
    static ClientEndpoint tcp(Reactor reactor, String host, int port, ConnectOptions options) {
        return new TcpEndpoint(reactor, host, port, options);
    }

    /**
     * An endpoint over the nodes of a cluster: one attempt tries the nodes one after another in
     * {@code order} until one connects, and fails only when every node failed, with a
     * {@link ConnectionFailedException} that carries each node's failure as a suppressed
     * exception, in the order tried. A node whose {@code connect} throws counts as failed.
     * Cancelling the attempt cancels the node attempt in flight and tries no further node.
     *
     * @param nodes the nodes, at least one; the list is copied
     * @param order where each attempt starts
     * @return the endpoint, described as {@code failover(order)[node, node, ...]}
     * @throws IllegalArgumentException if {@code nodes} is empty
     */
    static ClientEndpoint failover(List<? extends ClientEndpoint> nodes, FailoverOrder order) {
        return new FailoverEndpoint(nodes, order);
    }
    /**
     * A TLS endpoint: each attempt is
     * {@link DescriptorReactor#connectTls(String, int, Protocol, TlsClientOptions, ConnectOptions)
     * reactor.connectTls}, so an attempt succeeds only after the handshake, and a handshake
     * failure ({@link TlsHandshakeException}) is a failed attempt like a refused connect.
     *
     * @param reactor the reactor to connect on
     * @param host a host name or an address literal; also the name the certificate is checked
     *     against unless {@code tls} says otherwise
     * @param port 1..65535
     * @param tls trust, host-name verification, SNI, handshake timeout
     * @param options timeout of the TCP connect, local address, socket options
     * @return the endpoint, described as {@code tls:host:port}
     * @throws IllegalArgumentException if the port is out of range
     */
    static ClientEndpoint tls(Reactor reactor, String host, int port, TlsClientOptions tls, ConnectOptions options) {
        Objects.requireNonNull(reactor, "reactor must not be null");
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(tls, "tls must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, found: " + port);
        }
        return new DescribedEndpoint("tls:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port,
                protocol -> reactor.connectTls(host, port, protocol, tls, options));
    }

    /**
     * A TLS endpoint with the default {@link ConnectOptions}.
     *
     * @param reactor the reactor to connect on
     * @param host a host name or an address literal
     * @param port 1..65535
     * @param tls the TLS settings
     * @return the endpoint, described as {@code tls:host:port}
     * @see #tls(Reactor, String, int, TlsClientOptions, ConnectOptions)
     */
    static ClientEndpoint tls(Reactor reactor, String host, int port, TlsClientOptions tls) {
        return tls(reactor, host, port, tls, ConnectOptions.defaults());
    }

    /**
     * A UNIX-domain socket endpoint: each attempt is
     * {@link DescriptorReactor#connectUnix(UnixAddress, Protocol, ConnectOptions) reactor.connectUnix}.
     *
     * @param reactor the reactor to connect on
     * @param address a socket path or a Linux abstract name
     * @param options the connect timeout (the TCP options do not apply)
     * @return the endpoint, described as {@code unix:} and the address
     */
    static ClientEndpoint unix(Reactor reactor, UnixAddress address, ConnectOptions options) {
        Objects.requireNonNull(reactor, "reactor must not be null");
        Objects.requireNonNull(address, "address must not be null");
        Objects.requireNonNull(options, "options must not be null");
        return new DescribedEndpoint("unix:" + address, protocol -> reactor.connectUnix(address, protocol, options));
    }

    /**
     * A UNIX-domain socket endpoint for a socket file, with the default {@link ConnectOptions}.
     *
     * @param reactor the reactor to connect on
     * @param path the socket file
     * @return the endpoint, described as {@code unix:path}
     */
    static ClientEndpoint unix(Reactor reactor, Path path) {
        return unix(reactor, UnixAddress.path(path), ConnectOptions.defaults());
    }
}
