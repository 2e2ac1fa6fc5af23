package dev.spindle.mqtt;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its options. The MQTT 5 options (no local, retain as
 * published, retain handling) are ignored on an MQTT 3.1.1 connection.
 *
 * @param filter            the topic filter, checked by {@link Topics#checkTopicFilter}
 * @param maximumQos        the highest QoS the server may deliver with
 * @param noLocal           MQTT 5: do not receive this client's own publications
 * @param retainAsPublished MQTT 5: keep the retain flag as published instead of clearing it
 * @param retainHandling    MQTT 5: 0 send retained messages on subscribe, 1 only if the
 *                          subscription is new, 2 never
 */
public record TopicSubscription(String filter, Qos maximumQos, boolean noLocal, boolean retainAsPublished,
        int retainHandling) {
    /** Checks the filter and the options. */
    public TopicSubscription {
        Topics.checkTopicFilter(filter);
        Objects.requireNonNull(maximumQos, "maximumQos must not be null");
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retainHandling must be 0, 1 or 2, found: " + retainHandling);
        }
        if (noLocal && Topics.isShared(filter)) {
            throw new IllegalArgumentException("noLocal must not be set on a shared subscription (MQTT-3.8.3-4), found: " + filter);
        }
    }

    /** A subscription with default options. */
    public static TopicSubscription of(String filter, Qos maximumQos) {
        return new TopicSubscription(filter, maximumQos, false, false, 0);
    }
}
