/** Version-neutral MQTT packet values: what the codecs read and write and the client core handles. */
@NullMarked
package dev.spindle.mqtt.internal.packet;

import org.jspecify.annotations.NullMarked;
