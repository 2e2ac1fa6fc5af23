package dev.spindle.reactor;

/**
 * Observes a reactor's state changes.
 *
 * <p>Called after the new state is visible through {@link CoreReactor#state()}, on the thread
 * that made the change: the reactor thread for every change the loop makes (including the one
 * {@code terminate()} asks for from another thread); the caller's thread for the move to
 * {@code STARTING} made by {@code start()} or {@code run()}, and for {@code stop()} in
 * {@code INIT}.
 * An exception is logged and ignored.
 */
@FunctionalInterface
public interface LifecycleListener {
    /**
     * The state changed.
     *
     * @param reactor the reactor
     * @param from the previous state
     * @param to the new state
     */
    void stateChanged(Reactor reactor, ReactorState from, ReactorState to);
}
