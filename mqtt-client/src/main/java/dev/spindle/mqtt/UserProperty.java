package dev.spindle.mqtt;

import java.util.Objects;

/**
 * An MQTT 5 user property: a name and a value, both UTF-8 strings. A packet may carry the
 * same name more than once; order is kept.
 *
 * @param name  the name
 * @param value the value
 */
public record UserProperty(String name, String value) {
    /** Checks both parts are present. */
    public UserProperty {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(value, "value must not be null");
    }
}
