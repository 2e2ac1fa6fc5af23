package dev.spindle.signals;

import dev.spindle.reactor.ReactorState;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The event of {@link ReactorSignals#REACTOR_STATE_CHANGED}: a reactor moved from one lifecycle
 * state to another.
 *
 * @param from the previous state
 * @param to the new state
 * @param error the loop failure when {@code to} is {@link ReactorState#ERROR}, else null
 */
public record ReactorStateChange(ReactorState from, ReactorState to, @Nullable Throwable error) {
    /**
     * A state change.
     *
     * @param from the previous state
     * @param to the new state
     * @param error the loop failure when {@code to} is {@link ReactorState#ERROR}, else null
     */
    public ReactorStateChange {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
    }
}
