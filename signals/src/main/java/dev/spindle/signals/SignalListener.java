package dev.spindle.signals;

/**
 * Receives the events of a {@link Signal}.
 *
 * <p>Called on the reactor thread (see {@link SignalBus} for the exact rules). An exception it
 * throws is logged, reported on {@link SignalBus#LISTENER_FAILED}, and does not stop the other
 * listeners or reach the code that fired.
 *
 * @param <E> the event type
 */
@FunctionalInterface
public interface SignalListener<E> {
    /**
     * A signal was fired.
     *
     * @param source the object that fired it (for a listener of one source, that source)
     * @param event the event
     */
    void onSignal(Object source, E event);
}
