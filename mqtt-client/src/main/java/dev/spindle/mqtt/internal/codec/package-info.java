/** MQTT wire codecs: one per protocol version, in {@code v311} and {@code v5}. */
@NullMarked
package dev.spindle.mqtt.internal.codec;

import org.jspecify.annotations.NullMarked;
