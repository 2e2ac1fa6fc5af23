package dev.spindle.reactor;

/**
 * The phases of a {@link SystemEvent}, run in this order (SPEC CORE-9).
 */
public enum TriggerPhase {
    /**
     * Runs first. A trigger may return a {@link java.util.concurrent.CompletionStage}; the event
     * waits until every returned stage completes (successfully or not) or the reactor's
     * {@link ReactorConfig#shutdownTimeout() shutdown timeout} passes, while the loop keeps
     * dispatching I/O and timers.
     */
    BEFORE,
    /**
     * Runs when every {@code BEFORE} stage completed. For {@code SHUTDOWN} this is where the
     * reactor flushes and closes its transports and stops the worker pool.
     */
    DURING,
    /** Runs last. For {@code STARTUP}, {@link CoreReactor#callWhenRunning} tasks run here. */
    AFTER
}
