package dev.spindle.signals;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A typed signal key: a name and the type of the events fired with it.
 *
 * <p>Two signals are equal when their names and event types are equal, so two bundles or modules
 * that declare {@code Signal.of("app.orderPlaced", Order.class)} independently talk about the same
 * signal. On one {@link SignalBus} a name stands for one event type: using the same name with a
 * different type on that bus is rejected with {@link IllegalArgumentException}, so a name alone
 * (as in the OSGi whiteboard property {@code spindle.signal=<name>}) is never ambiguous.
 *
 * <p>Declare signals as constants:
 * <pre>{@code
 * public static final Signal<Order> ORDER_PLACED = Signal.of("app.orderPlaced", Order.class);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <E> the event type
 */
public final class Signal<E> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final String name;
    private final Class<E> eventType;

    private Signal(String name, Class<E> eventType) {
        this.name = name;
        this.eventType = eventType;
    }

    /**
     * A signal key.
     *
     * @param <E> the event type
     * @param name letters, digits, {@code .}, {@code _} and {@code -}; by convention a dotted name
     *     starting with the declaring module's package, e.g. {@code dev.spindle.reactor.stateChanged}
     * @param eventType the class every event must be an instance of; not primitive (use the
     *     wrapper class)
     * @return the key
     * @throws IllegalArgumentException if the name is empty or has other characters, or the type
     *     is primitive
     */
    public static <E> Signal<E> of(String name, Class<E> eventType) {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(eventType, "eventType must not be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "signal name must be letters, digits, '.', '_' or '-' and not empty, found: \"" + name + "\"");
        }
        if (eventType.isPrimitive()) {
            throw new IllegalArgumentException("eventType must not be primitive (use its wrapper class), found: "
                    + eventType.getName());
        }
        return new Signal<>(name, eventType);
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The type every event fired with this signal is an instance of.
     *
     * @return the event type
     */
    public Class<E> eventType() {
        return eventType;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Signal && name.equals(((Signal<?>) o).name)
                && eventType == ((Signal<?>) o).eventType);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + eventType.hashCode();
    }

    @Override
    public String toString() {
        return "Signal[" + name + ": " + eventType.getName() + "]";
    }
}
