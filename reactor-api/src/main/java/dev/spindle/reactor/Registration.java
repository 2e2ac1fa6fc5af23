package dev.spindle.reactor;

/**
 * A handle to something registered with the reactor (a trigger, a listener), used to remove it.
 */
@FunctionalInterface
public interface Registration {
    /**
     * Removes the registration. Idempotent: removing twice, or removing a trigger that already
     * ran, does nothing and returns false (SPEC TW-DEF-3: one behaviour, no exception types to
     * tell apart).
     *
     * @return true if this call removed it
     */
    boolean remove();
}
