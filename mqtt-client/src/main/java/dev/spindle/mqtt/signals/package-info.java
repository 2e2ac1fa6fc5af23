/**
 * The MQTT client's signals on Spindle's signal bus. Usable only with the {@code signals} module
 * present. {@link dev.spindle.mqtt.signals.MqttSignals#bridge MqttSignals.bridge(client, bus)}
 * fires them; in OSGi a component of {@code mqtt-client} bridges every {@code MqttClient} service
 * onto the {@code SignalBus} service when one is there (the service object is the source).
 *
 * <h2>Signal catalogue</h2>
 * Every signal an MQTT client fires; the source is always the client. Each is fired from the
 * client's listener callback on the client's reactor thread, after {@code state()} shows the
 * state the event reports, and delivered by the bus on the bus's reactor thread. (A test keeps
 * this table equal to the constants of {@link dev.spindle.mqtt.signals.MqttSignals}.)
 * <table>
 *   <caption>MQTT signals</caption>
 *   <tr><th>signal (name)</th><th>event type</th><th>when fired</th></tr>
 *   <tr><td>{@link dev.spindle.mqtt.signals.MqttSignals#STATE_CHANGED}
 *       ({@code dev.spindle.mqtt.stateChanged})</td>
 *       <td>{@link dev.spindle.mqtt.signals.MqttStateChange} (from, to, the error when {@code to}
 *       is {@code ERROR})</td>
 *       <td>every lifecycle change: {@code INIT→STARTING}, {@code STARTING→STARTED},
 *       {@code STARTED→STOPPING}, {@code STOPPING→STOPPED}, {@code →STOPPED} on
 *       {@code terminate()} or a {@code stop()} before the connection is up, {@code →ERROR} on a
 *       failure, {@code STOPPED/ERROR→STARTING} on a new start or a reconnect</td></tr>
 *   <tr><td>{@link dev.spindle.mqtt.signals.MqttSignals#CONNECTED}
 *       ({@code dev.spindle.mqtt.connected})</td>
 *       <td>{@link dev.spindle.mqtt.MqttConnack} (session present, the server's limits)</td>
 *       <td>the server accepted CONNECT; after the change to {@code STARTED} (or while
 *       {@code STOPPING})</td></tr>
 *   <tr><td>{@link dev.spindle.mqtt.signals.MqttSignals#CONNECTION_ENDED}
 *       ({@code dev.spindle.mqtt.connectionEnded})</td>
 *       <td>{@link dev.spindle.mqtt.signals.MqttConnectionEnded} (whether CONNACK had been
 *       accepted, the cause: null after {@code stop()} or {@code terminate()})</td>
 *       <td>an activation ended, exactly once per {@code start()}; after the final state change
 *       of that activation</td></tr>
 *   <tr><td>{@link dev.spindle.mqtt.signals.MqttSignals#RECONNECT_SCHEDULED}
 *       ({@code dev.spindle.mqtt.reconnectScheduled})</td>
 *       <td>{@link dev.spindle.signals.RetryScheduled} (failures since the last accepted
 *       CONNACK, the delay, the failure)</td>
 *       <td>with {@code MqttClientConfig.reconnect} set, after an activation ended in
 *       {@code ERROR}: right after its {@code CONNECTION_ENDED}</td></tr>
 * </table>
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.mqtt.signals;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
