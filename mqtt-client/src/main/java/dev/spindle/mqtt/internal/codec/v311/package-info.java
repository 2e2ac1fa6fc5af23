/**
 * The MQTT 3.1.1 codec ({@link dev.spindle.mqtt.internal.codec.v311.Mqtt311Codec}): one class per
 * packet type, each both encoding and decoding its variable header and payload. MQTT 5 fields of
 * the version-neutral packets (properties, most reason codes) are left out when encoding and read
 * as their defaults when decoding.
 */
@NullMarked
package dev.spindle.mqtt.internal.codec.v311;

import org.jspecify.annotations.NullMarked;
