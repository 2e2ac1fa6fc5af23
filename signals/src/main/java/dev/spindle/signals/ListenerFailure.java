package dev.spindle.signals;

import java.util.Objects;

/**
 * The event of {@link SignalBus#LISTENER_FAILED}: a listener threw while handling an event.
 *
 * @param source the source the failed event was fired from
 * @param signal the signal of the failed event
 * @param event the failed event
 * @param listener the listener that threw
 * @param cause what it threw
 */
public record ListenerFailure(Object source, Signal<?> signal, Object event, SignalListener<?> listener,
        Throwable cause) {
    /**
     * A failure report.
     *
     * @param source the source the failed event was fired from
     * @param signal the signal of the failed event
     * @param event the failed event
     * @param listener the listener that threw
     * @param cause what it threw
     */
    public ListenerFailure {
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(signal, "signal must not be null");
        Objects.requireNonNull(event, "event must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        Objects.requireNonNull(cause, "cause must not be null");
    }
}
