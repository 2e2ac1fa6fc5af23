/**
 * The MQTT 5.0 codec ({@link dev.spindle.mqtt.internal.codec.v5.Mqtt5Codec}): one class per packet
 * type, each both encoding and decoding its variable header and payload, with the properties
 * handled by the table-driven {@code Mqtt5PropertiesCodec} and the reason codes each packet type
 * may carry checked by {@code ReasonCodeSet}.
 */
@NullMarked
package dev.spindle.mqtt.internal.codec.v5;

import org.jspecify.annotations.NullMarked;
