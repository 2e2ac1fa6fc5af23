package dev.spindle.reactor;

import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/** Builds a {@link Protocol} for each connection a listening port accepts. Reactor thread. */
@FunctionalInterface
public interface ProtocolFactory {
    /**
     * Builds the protocol for a new connection.
     *
     * @param remoteAddress the peer's address
     * @return the protocol, or null to refuse (the connection is closed at once)
     */
    @Nullable Protocol buildProtocol(SocketAddress remoteAddress);
}
