package dev.spindle.signals;

import dev.spindle.reactor.ClientService;
import java.util.Objects;

/**
 * The event of {@link ReactorSignals#CLIENT_SERVICE_STATE_CHANGED}: a
 * {@link ClientService} (the signal's source) moved from one state to another.
 *
 * @param from the previous state
 * @param to the new state
 */
public record ClientServiceStateChange(ClientService.State from, ClientService.State to) {
    /**
     * A state change.
     *
     * @param from the previous state
     * @param to the new state
     */
    public ClientServiceStateChange {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
    }
}
