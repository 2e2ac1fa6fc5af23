/**
 * MQTT wire codecs: {@link dev.spindle.mqtt.internal.codec.MqttCodec#of} gives the one for a
 * protocol version, {@code v311.Mqtt311Codec} or {@code v5.Mqtt5Codec}. Both extend
 * {@link dev.spindle.mqtt.internal.codec.AbstractMqttCodec}, which owns the fixed header, and
 * delegate each packet type to its own class ({@code Mqtt311PublishCodec},
 * {@code Mqtt5PublishCodec}, ...) that encodes and decodes the variable header and payload.
 * {@link dev.spindle.mqtt.internal.codec.MqttPrimitives} holds the data representations both
 * versions share.
 *
 * <h2>Decoding untrusted bytes</h2>
 * Every violation becomes a stackless {@link dev.spindle.mqtt.MqttDecodeException} whose
 * message names the value found, with one of three reason codes:
 * <ul>
 *   <li><b>0x81 malformed packet</b>: the bytes cannot be read as the packet's syntax. Reserved
 *       packet type (0, and 15 on 3.1.1); fixed-header flags other than the table's
 *       (MQTT-2.2.2-1/2); PUBLISH QoS 3 (MQTT-3.3.1-4); a variable byte integer longer than
 *       4 bytes or not in its shortest form (MQTT-1.5.5-1, applied to 3.1.1 as well); a field
 *       running past the remaining length, or bytes left after the last field; ill-formed UTF-8
 *       or U+0000 (MQTT-1.5.4-1/2); CONNECT reserved flag, inconsistent will flags, will QoS 3,
 *       3.1.1 password without user name; CONNACK reserved flag bits, 3.1.1 CONNACK return code
 *       above 5; 3.1.1 SUBACK return code other than 0, 1, 2, 0x80; reserved bits of the
 *       SUBSCRIBE options; an MQTT 5 reason code outside the packet type's table; an unknown
 *       property identifier, or one the packet type may not carry (MQTT 5.0 §2.2.2.2: "is a
 *       Malformed Packet"); a property length running past the packet.</li>
 *   <li><b>0x82 protocol error</b>: the syntax is fine but a value breaks a rule. Packet
 *       identifier 0 (MQTT-2.2.1-3); DUP with QoS 0 (MQTT-3.3.1-2); a wildcard in a topic name
 *       or an empty one (MQTT-3.3.2-2, MQTT-4.7.3-1; an empty MQTT 5 PUBLISH topic needs a topic
 *       alias); an invalid topic filter; SUBSCRIBE/UNSUBSCRIBE without filters, SUBACK/UNSUBACK
 *       without codes; MQTT 5 subscription QoS 3 or retain handling 3, no local on a shared
 *       subscription; CONNECT protocol name other than "MQTT" or the wrong level; session present
 *       with a failure code (MQTT-3.2.2-4/6); a property other than user property (and
 *       subscription identifier in PUBLISH) appearing twice; property values out of range
 *       (byte booleans not 0/1, maximum QoS not 0/1, receive maximum, maximum packet size, topic
 *       alias or subscription identifier 0, a response topic with wildcards); authentication data
 *       without a method in CONNECT.</li>
 *   <li><b>0x95 packet too large</b>: the fixed header announces more than the caller's
 *       maximum; reported as soon as the remaining length is readable, before the body.</li>
 * </ul>
 * An incomplete packet (any prefix of one) returns null without moving the position. No length
 * read from the wire is trusted before it is checked against the bytes present, so a decode
 * never allocates more than the packet's own size.
 *
 * <h2>Encoding</h2>
 * The encoders refuse with {@link IllegalArgumentException} what the version cannot express
 * (AUTH on 3.1.1, strings over 65,535 UTF-8 bytes or with U+0000 or unpaired surrogates, a
 * remaining length over 268,435,455) and the same rule violations the decoders report, so that
 * what one side writes the other reads. MQTT 3.1.1 leaves out properties and the reason codes it
 * has no field for; MQTT 5 uses the short forms for acknowledgements, DISCONNECT and AUTH.
 */
@NullMarked
package dev.spindle.mqtt.internal.codec;

import org.jspecify.annotations.NullMarked;
