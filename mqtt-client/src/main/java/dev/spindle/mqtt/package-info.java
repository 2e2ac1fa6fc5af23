/**
 * Spindle's MQTT 3.1.1 and 5.0 client on the reactor.
 *
 * <pre>{@code
 * MqttClient client = MqttClient.create(reactor, MqttClientConfig.builder("broker.example")
 *         .clientId("sensor-7").version(MqttVersion.V5).build());
 * client.addListener(new MqttListener() {
 *     public void messageReceived(MqttClient c, MqttMessage m) { ... }   // on the reactor thread
 * });
 * client.subscribe("alerts/#", Qos.AT_LEAST_ONCE);
 * client.publish(MqttMessage.builder("sensors/7").payload("21.5").qos(Qos.AT_LEAST_ONCE).build())
 *       .thenAccept(ack -> ...);
 * client.start();
 * }</pre>
 *
 * {@link dev.spindle.mqtt.MqttClient} states the lifecycle, threading and queueing rules.
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.mqtt;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
