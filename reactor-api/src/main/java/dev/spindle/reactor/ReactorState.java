package dev.spindle.reactor;

/**
 * The lifecycle states of a {@link CoreReactor}.
 *
 * <p>{@link #INIT}, {@link #STOPPED} and {@link #ERROR} are <em>inactive</em>: no descriptor is
 * open, no name look-up is pending, no call is scheduled. The other three are <em>active</em>.
 */
public enum ReactorState {
    /** Created, never started. */
    INIT,
    /** The loop runs; startup triggers are running or being waited for. */
    STARTING,
    /** Startup finished; the loop dispatches I/O and timers. */
    STARTED,
    /** A clean shutdown is in progress: triggers, then flushing and closing every transport. */
    STOPPING,
    /** Stopped cleanly, by {@code stop()} or {@code terminate()}; may be started again. */
    STOPPED,
    /** The loop itself failed; {@link CoreReactor#error()} holds the cause. May be started again. */
    ERROR;

    /**
     * Whether this state is active ({@code STARTING}, {@code STARTED} or {@code STOPPING}).
     *
     * @return true in an active state
     */
    public boolean isActive() {
        return this == STARTING || this == STARTED || this == STOPPING;
    }
}
