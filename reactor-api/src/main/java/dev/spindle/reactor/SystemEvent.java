package dev.spindle.reactor;

/** The system events a reactor fires, each in three {@link TriggerPhase phases}. */
public enum SystemEvent {
    /** Fired when the loop starts: {@code STARTING} during the before and during phases. */
    STARTUP,
    /** Fired on a clean {@code stop()}; not fired by {@code terminate()} or a loop failure. */
    SHUTDOWN
}
