package dev.spindle.reactor;

import java.util.List;

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
}
