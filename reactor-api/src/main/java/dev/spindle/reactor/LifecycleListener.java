package dev.spindle.reactor;

/**
 * Observes a reactor's state changes.
 *
 * <p>Called after the new state is visible through {@link CoreReactor#state()}, on the thread
 * that made the change: the reactor thread for every change the loop makes, the caller's thread
 * for {@code stop()} in {@code INIT} and for {@code terminate()} when the loop is not running.
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
