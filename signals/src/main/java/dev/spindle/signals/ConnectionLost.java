package dev.spindle.signals;

import dev.spindle.reactor.Transport;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The event of {@link ReactorSignals#CONNECTION_LOST}: a connection of the reactor (the signal's
 * source) ended; see {@link dev.spindle.reactor.ConnectionListener} for which transports count.
 *
 * @param transport the transport that closed (for TLS, the underlying TCP transport)
 * @param cause why, or null for a clean close
 */
public record ConnectionLost(Transport transport, @Nullable Throwable cause) {
    /**
     * A lost connection.
     *
     * @param transport the transport that closed
     * @param cause why, or null for a clean close
     */
    public ConnectionLost {
        Objects.requireNonNull(transport, "transport must not be null");
    }
}
