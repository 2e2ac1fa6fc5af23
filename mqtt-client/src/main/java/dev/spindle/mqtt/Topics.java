package dev.spindle.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Checks of topic names and topic filters (MQTT 3.1.1 §4.7, MQTT 5.0 §4.7). */
public final class Topics {
    private Topics() {
    }

    /**
     * Checks a topic name for PUBLISH: not empty, no wildcard, no U+0000, at most 65,535 UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming the topic and the rule it breaks
     */
    public static void checkTopicName(String topic) {
        Objects.requireNonNull(topic, "topic must not be null");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                throw new IllegalArgumentException("topic name must not contain wildcards (MQTT-3.3.2-2), found: " + topic);
            }
            if (c == 0) {
                throw new IllegalArgumentException("topic must not contain U+0000, found at index " + i);
            }
        }
        checkLength(topic);
    }

    /**
     * Checks a topic filter for SUBSCRIBE/UNSUBSCRIBE: not empty, {@code #} only last and alone in
     * its level, {@code +} alone in its level, no U+0000, at most 65,535 UTF-8 bytes. Shared
     * subscriptions ({@code $share/group/filter}) need a non-empty group without wildcards.
     *
     * @throws IllegalArgumentException naming the filter and the rule it breaks
     */
    public static void checkTopicFilter(String filter) {
        Objects.requireNonNull(filter, "topic filter must not be null");
        if (filter.isEmpty()) {
            throw new IllegalArgumentException("topic filter must not be empty (MQTT-4.7.3-1)");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("topic filter must not contain U+0000, found: " + filter.replace('\0', '?'));
            }
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("'#' must be the last level and alone in it (MQTT-4.7.1-2), found: " + filter);
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("'+' must be alone in its level (MQTT-4.7.1-3), found: " + filter);
            }
        }
        if (levels[0].equals("$share")) {
            if (levels.length < 3 || levels[1].isEmpty() || levels[1].equals("+") || levels[1].equals("#")) {
                throw new IllegalArgumentException(
                        "a shared subscription is $share/<group>/<filter> with a group without wildcards (MQTT 5 §4.8.2), found: " + filter);
            }
        }
        checkLength(filter);
    }

    /** Whether {@code filter} names a shared subscription ({@code $share/...}). */
    public static boolean isShared(String filter) {
        return filter.startsWith("$share/");
    }

    private static void checkLength(String s) {
        if (s.length() > 65535 / 3 && s.getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new IllegalArgumentException("topic must be at most 65535 UTF-8 bytes, found: "
                    + s.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
