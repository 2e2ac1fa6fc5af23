package dev.spindle.signals;

/**
 * A registration on a {@link SignalBus}; closing it removes the listener.
 */
public interface Subscription extends AutoCloseable {
    /**
     * Removes the registration. Idempotent: a second call, or a call after the bus was closed or
     * the source was garbage-collected, does nothing and never throws (SPEC SIG-3 fixed).
     * Thread-safe. Called on the thread that delivers (the reactor thread, e.g. from inside a
     * listener), the listener is not called again once this returns, not even for the event being
     * delivered; called on another thread, a call already under way on the reactor thread may
     * still finish. A closed subscription no longer references its listener.
     */
    @Override
    void close();

    /**
     * Whether the registration is in place: false once closed, once the bus is closed, and once
     * the source of a per-source registration has been garbage-collected. Thread-safe.
     *
     * @return true while active
     */
    boolean isActive();
}
