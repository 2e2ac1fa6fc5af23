package dev.spindle.reactor.quick;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Reactors#providers()} found about one reactor backend: its name and priority,
 * whether it can run here and why not, and whether {@link Reactors#create()} would pick it.
 * An immutable snapshot taken when the list was made. Thread-safe.
 *
 * <p>A provider that could not even be loaded ({@link java.util.ServiceConfigurationError}, or a
 * provider method that threw) is listed as unavailable with that error as its cause, under its
 * class name when known, with priority {@link #UNKNOWN_PRIORITY}. A provider class compiled for a newer
 * Java than the running one is reported with a {@link dev.spindle.reactor.ReactorException} saying
 * which Java it needs ("needs Java 22+, running 17"), caused by the
 * {@link UnsupportedClassVersionError}.
 */
public final class BackendInfo {
    /** The priority reported for a provider that could not be loaded or asked. */
    public static final int UNKNOWN_PRIORITY = Integer.MIN_VALUE;

    private final String name;
    private final int priority;
    private final boolean available;
    private final @Nullable Throwable unavailabilityCause;
    private final boolean chosen;

    BackendInfo(String name, int priority, boolean available, @Nullable Throwable unavailabilityCause,
            boolean chosen) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.priority = priority;
        this.available = available;
        this.unavailabilityCause = unavailabilityCause;
        this.chosen = chosen;
    }

    /**
     * The backend's name ({@code select}, {@code epoll}, ...), or the provider's class name when
     * it could not be loaded.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The backend's priority: higher wins among available backends.
     *
     * @return the priority, or {@link #UNKNOWN_PRIORITY} if the provider could not be loaded
     */
    public int priority() {
        return priority;
    }

    /**
     * Whether the backend can run in this JVM on this machine.
     *
     * @return true if it can create a reactor
     */
    public boolean available() {
        return available;
    }

    /**
     * Why the backend is unavailable.
     *
     * @return the cause, or null when it is available (an unavailable provider that gives no
     *     cause is reported with an {@link IllegalStateException} saying so)
     */
    public @Nullable Throwable unavailabilityCause() {
        return unavailabilityCause;
    }

    /**
     * Why the backend is unavailable, for people: the cause's message followed by the messages
     * of its own causes that it does not already contain.
     *
     * @return the reason, or null when the backend is available
     */
    public @Nullable String unavailabilityReason() {
        return available ? null : Reactors.reason(unavailabilityCause);
    }

    /**
     * Whether {@link Reactors#create()} would use this backend now, given the system property
     * {@value Reactors#BACKEND_PROPERTY} when the list was made.
     *
     * @return true for at most one entry
     */
    public boolean chosen() {
        return chosen;
    }

    BackendInfo withChosen(boolean isChosen) {
        return isChosen == chosen ? this : new BackendInfo(name, priority, available, unavailabilityCause, isChosen);
    }

    /**
     * One line for people: {@code select (priority 10): available, chosen} or
     * {@code epoll (priority 100): unavailable: needs Java 22, found 17}.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder b = new StringBuilder(name).append(" (priority ");
        b.append(priority == UNKNOWN_PRIORITY ? "unknown" : Integer.toString(priority)).append("): ");
        if (available) {
            b.append("available");
        } else {
            b.append("unavailable: ").append(Reactors.reason(unavailabilityCause));
        }
        if (chosen) {
            b.append(", chosen");
        }
        return b.toString();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BackendInfo)) {
            return false;
        }
        BackendInfo other = (BackendInfo) o;
        return name.equals(other.name) && priority == other.priority && available == other.available
                && Objects.equals(unavailabilityCause, other.unavailabilityCause) && chosen == other.chosen;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, priority, available, unavailabilityCause, chosen);
    }

    @Override
    public String toString() {
        return "BackendInfo[name=" + name + ", priority=" + priority + ", available=" + available
                + ", unavailabilityCause=" + unavailabilityCause + ", chosen=" + chosen + "]";
    }
}
