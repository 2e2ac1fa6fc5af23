package dev.spindle.reactor;

/**
 * The order in which a {@linkplain ClientEndpoint#failover fail-over endpoint} tries its nodes.
 * Either way one connection attempt tries every node at most once, one at a time, and fails
 * only when every node failed.
 */
public enum FailoverOrder {
    /**
     * Every attempt starts at the first node and goes down the list: the first node is preferred
     * whenever it is reachable (a primary with stand-bys).
     */
    IN_ORDER,
    /**
     * Each attempt starts at the node after the one the previous attempt tried last (the one it
     * connected to, or the last one that failed), wrapping around: reconnections spread over the
     * nodes of a cluster.
     */
    ROUND_ROBIN
}
