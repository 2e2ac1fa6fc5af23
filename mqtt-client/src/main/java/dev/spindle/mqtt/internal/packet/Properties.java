package dev.spindle.mqtt.internal.packet;

import dev.spindle.mqtt.UserProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT 5 properties of a packet, in wire order; immutable. Values are held as
 * {@link PropertyId.Kind} says. MQTT 3.1.1 packets carry {@link #EMPTY}.
 */
public final class Properties {
    /** No properties. */
    public static final Properties EMPTY = new Properties(List.of());

    /**
     * One property.
     *
     * @param id    which property
     * @param value its value, of the Java type its kind maps to
     */
    public record Entry(PropertyId id, Object value) {
        /** Checks the value's type against the kind. */
        public Entry {
            Objects.requireNonNull(id, "id must not be null");
            Objects.requireNonNull(value, "value must not be null");
            boolean ok = switch (id.kind()) {
                case BYTE, TWO_BYTE_INTEGER, FOUR_BYTE_INTEGER, VARIABLE_BYTE_INTEGER -> value instanceof Long;
                case UTF8_STRING -> value instanceof String;
                case BINARY_DATA -> value instanceof byte[];
                case UTF8_STRING_PAIR -> value instanceof UserProperty;
            };
            if (!ok) {
                throw new IllegalArgumentException(id + " needs a value for " + id.kind() + ", found: "
                        + value.getClass().getName());
            }
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Entry e && e.id == id
                    && (value instanceof byte[] b ? e.value instanceof byte[] eb && Arrays.equals(b, eb) : value.equals(e.value));
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + (value instanceof byte[] b ? Arrays.hashCode(b) : value.hashCode());
        }

        @Override
        public String toString() {
            return id + "=" + (value instanceof byte[] b ? b.length + " bytes" : value);
        }
    }

    private final List<Entry> entries;

    private Properties(List<Entry> entries) {
        this.entries = entries;
    }

    /** Properties holding {@code entries} in this order. */
    public static Properties of(List<Entry> entries) {
        return entries.isEmpty() ? EMPTY : new Properties(List.copyOf(entries));
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** All entries, in order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether the property is present. */
    public boolean has(PropertyId id) {
        for (Entry e : entries) {
            if (e.id == id) {
                return true;
            }
        }
        return false;
    }

    /** The first value of a numeric property, or {@code absent}. */
    public long number(PropertyId id, long absent) {
        for (Entry e : entries) {
            if (e.id == id) {
                return (Long) e.value;
            }
        }
        return absent;
    }

    /** The first value of a string property, or null. */
    public @Nullable String string(PropertyId id) {
        for (Entry e : entries) {
            if (e.id == id) {
                return (String) e.value;
            }
        }
        return null;
    }

    /** The first value of a binary property (not copied), or null. */
    public byte @Nullable [] binary(PropertyId id) {
        for (Entry e : entries) {
            if (e.id == id) {
                return (byte[]) e.value;
            }
        }
        return null;
    }

    /** The user properties, in order. */
    public List<UserProperty> userProperties() {
        List<UserProperty> out = null;
        for (Entry e : entries) {
            if (e.id == PropertyId.USER_PROPERTY) {
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add((UserProperty) e.value);
            }
        }
        return out == null ? List.of() : out;
    }

    /** The subscription identifiers, in order. */
    public List<Integer> subscriptionIdentifiers() {
        List<Integer> out = null;
        for (Entry e : entries) {
            if (e.id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(((Long) e.value).intValue());
            }
        }
        return out == null ? List.of() : out;
    }

    /** A copy without the given properties. */
    public Properties without(PropertyId... ids) {
        List<Entry> kept = new ArrayList<>(entries.size());
        outer:
        for (Entry e : entries) {
            for (PropertyId id : ids) {
                if (e.id == id) {
                    continue outer;
                }
            }
            kept.add(e);
        }
        return of(kept);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Properties p && p.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Builds {@link Properties}; not thread-safe. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {
        }

        /** Adds a numeric property. */
        public Builder number(PropertyId id, long value) {
            entries.add(new Entry(id, value));
            return this;
        }

        /** Adds a string property; null adds nothing. */
        public Builder string(PropertyId id, @Nullable String value) {
            if (value != null) {
                entries.add(new Entry(id, value));
            }
            return this;
        }

        /** Adds a binary property (not copied); null adds nothing. */
        public Builder binary(PropertyId id, byte @Nullable [] value) {
            if (value != null) {
                entries.add(new Entry(id, value));
            }
            return this;
        }

        /** Adds user properties. */
        public Builder userProperties(List<UserProperty> props) {
            for (UserProperty p : props) {
                entries.add(new Entry(PropertyId.USER_PROPERTY, p));
            }
            return this;
        }

        /** The properties. */
        public Properties build() {
            return of(entries);
        }
    }
}
