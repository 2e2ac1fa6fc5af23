/**
 * A typed signal bus on the reactor: Mitogen's {@code listen}/{@code fire} (SPEC §4) with typed
 * keys, snapshots, isolated listeners, delivery on the reactor thread and weakly held sources.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * SignalBus bus = SignalBus.create(reactor);
 * Subscription bridge = ReactorSignals.bridge(reactor, bus);       // state and connections
 * Subscription s = bus.listen(reactor, ReactorSignals.REACTOR_STATE_CHANGED,
 *         (source, change) -> System.out.println(change.from() + " -> " + change.to()));
 * bus.listen(reactor, ReactorSignals.CONNECTION_MADE, (source, transport) -> open.increment());
 * ReactorSignals.bridge(clientService, bus);                        // its states and retries
 * bus.listen(clientService, ReactorSignals.RETRY_SCHEDULED,
 *         (source, retry) -> log.warn("retry {} in {}", retry.failedAttempts(), retry.delay()));
 * bus.listenAll(SignalBus.LISTENER_FAILED,
 *         (source, failure) -> metrics.count(failure.signal().name()));
 * }</pre>
 * {@link dev.spindle.signals.SignalBus} states the delivery rules: order, thread, re-entrancy,
 * snapshots, isolation, weak sources and type checks.
 *
 * <h2>In OSGi</h2>
 * A Declarative Services component of this bundle registers a {@link dev.spindle.signals.SignalBus}
 * service on the {@code dev.spindle.reactor.Reactor} service, with the reactor bridged onto it
 * (its state changes and its connections), and re-creates it on the new reactor when the Reactor service is replaced. Whiteboard:
 * a service registered as {@link dev.spindle.signals.SignalListener} with the property
 * {@code spindle.signal=<name>} (one or several names) listens to those signals from every
 * source; {@code spindle.signal.type=<class name>} gives the event type of a signal that is not
 * in the catalogue below (loaded through the listener's bundle). {@code close()} on the service
 * is ignored: the bus is shared.
 *
 * <h2>How Mitogen's defects are fixed</h2>
 * <table>
 *   <caption>SPEC §4 items and what this bus does instead</caption>
 *   <tr><th>SPEC</th><th>Mitogen</th><th>here</th></tr>
 *   <tr><td>SIG-1</td><td>registry lives inside the source object</td><td>registry lives in the
 *       bus; a listener registered twice is called twice (kept)</td></tr>
 *   <tr><td>SIG-2</td><td>synchronous, registration order, on the firing thread</td><td>registration
 *       order (per-source and all-source listeners merged); on the reactor thread</td></tr>
 *   <tr><td>SIG-3</td><td>unlisten of an unknown function raises</td><td>{@code Subscription.close()}
 *       is idempotent</td></tr>
 *   <tr><td>SIG-4</td><td>first exception stops the rest and reaches the firing code</td><td>each
 *       listener isolated: logged, reported on {@code LISTENER_FAILED}, the rest run,
 *       {@code fire} does not throw</td></tr>
 *   <tr><td>SIG-5</td><td>iterates the live list: unlisten skips the next listener, a new one runs in
 *       the same fire</td><td>snapshot: nobody is skipped, a closed listener is not called, a new
 *       one waits for the next event</td></tr>
 *   <tr><td>SIG-6</td><td>only objects with a {@code __dict__}; strong references</td><td>any object,
 *       by identity; held weakly</td></tr>
 *   <tr><td>SIG-7</td><td>fire creates an empty entry; no locking</td><td>fire creates nothing;
 *       thread-safe</td></tr>
 * </table>
 *
 * <h2>Signal catalogue</h2>
 * Every signal Spindle fires, each fired by the code named here and covered by tests (a test
 * keeps this table equal to the public {@code Signal} constants of
 * {@link dev.spindle.signals.ReactorSignals} and {@link dev.spindle.signals.SignalBus}). The bus
 * delivers every event on its own reactor's thread (see {@link dev.spindle.signals.SignalBus});
 * the last column says where that is, for each signal.
 * <table>
 *   <caption>Signals that are fired</caption>
 *   <tr><th>signal (name)</th><th>event type</th><th>source</th><th>when fired</th><th>thread</th></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#REACTOR_STATE_CHANGED}
 *       ({@code dev.spindle.reactor.stateChanged})</td>
 *       <td>{@link dev.spindle.signals.ReactorStateChange} (from, to, error when {@code to} is
 *       {@code ERROR})</td>
 *       <td>the reactor</td>
 *       <td>every lifecycle change of a reactor bridged with
 *       {@link dev.spindle.signals.ReactorSignals#bridge(dev.spindle.reactor.CoreReactor, SignalBus)}:
 *       {@code INIT→STARTING}, {@code STARTING→STARTED}, {@code STARTED→STOPPING},
 *       {@code STOPPING→STOPPED}, a {@code terminate()} straight to {@code STOPPED},
 *       {@code →ERROR} on a loop failure, {@code INIT→STOPPED} for {@code stop()} before start,
 *       {@code STOPPED→STARTING} on a restart; after {@code state()} shows the new state</td>
 *       <td>the bus's reactor thread (the change to {@code STARTING} made by {@code start()} on
 *       another thread is handed over to it, and still arrives before {@code STARTED}); while
 *       the bus's reactor is inactive, the thread that reported the change</td></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#CONNECTION_MADE}
 *       ({@code dev.spindle.reactor.connectionMade})</td>
 *       <td>{@link dev.spindle.reactor.Transport}: the connection's transport (for TLS, the
 *       TCP transport under it)</td>
 *       <td>the reactor</td>
 *       <td>a stream connection of a reactor bridged with
 *       {@link dev.spindle.signals.ReactorSignals#bridge(dev.spindle.reactor.CoreReactor, SignalBus)}
 *       was made: TCP or UNIX-domain, accepted or connected, and TLS once, when its TCP
 *       connection is made (before the handshake). Fired from the reactor's
 *       {@link dev.spindle.reactor.ConnectionListener}, right after the protocol's
 *       {@code connectionMade} returned with the connection still open; never for a connection
 *       its factory refused or that ended inside {@code connectionMade}</td>
 *       <td>fired on the reactor's thread: delivered there at once when the bus is on that
 *       reactor, else on the bus's reactor thread</td></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#CONNECTION_LOST}
 *       ({@code dev.spindle.reactor.connectionLost})</td>
 *       <td>{@link dev.spindle.signals.ConnectionLost} (the transport, the cause: null for a
 *       clean close)</td>
 *       <td>the reactor</td>
 *       <td>a connection reported by {@code CONNECTION_MADE} ended: closed, aborted, reset, or
 *       closed by the reactor's {@code stop()} or {@code terminate()} (before it returns);
 *       right after the protocol's {@code connectionLost}, with the same cause. Exactly one per
 *       {@code CONNECTION_MADE}, after it</td>
 *       <td>as {@code CONNECTION_MADE}</td></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#CLIENT_SERVICE_STATE_CHANGED}
 *       ({@code dev.spindle.reactor.clientServiceStateChanged})</td>
 *       <td>{@link dev.spindle.signals.ClientServiceStateChange} (from, to)</td>
 *       <td>the {@link dev.spindle.reactor.ClientService}</td>
 *       <td>every transition of a client service bridged with
 *       {@link dev.spindle.signals.ReactorSignals#bridge(dev.spindle.reactor.ClientService, SignalBus)}
 *       (the arrows of its transition table, e.g. {@code INIT→CONNECTING},
 *       {@code CONNECTING→WAITING}, {@code WAITING→CONNECTING}, {@code CONNECTING→CONNECTED},
 *       {@code CONNECTED→WAITING}, {@code CONNECTED→DISCONNECTING},
 *       {@code DISCONNECTING→STOPPED}); after {@code state()} shows the new state</td>
 *       <td>fired on the service's reactor thread (for the move to {@code STOPPED} because that
 *       reactor ended: the thread that ended its loop); delivered as for
 *       {@code CONNECTION_MADE}</td></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#RETRY_SCHEDULED}
 *       ({@code dev.spindle.reactor.retryScheduled})</td>
 *       <td>{@link dev.spindle.signals.RetryScheduled} (consecutive failures, the policy's
 *       delay, the failure or the loss's cause: null after a clean close by the peer)</td>
 *       <td>the {@link dev.spindle.reactor.ClientService}</td>
 *       <td>a client service bridged with
 *       {@link dev.spindle.signals.ReactorSignals#bridge(dev.spindle.reactor.ClientService, SignalBus)}
 *       scheduled its next attempt after a failed attempt or a lost connection; right after its
 *       {@code →WAITING} state change</td>
 *       <td>as {@code CLIENT_SERVICE_STATE_CHANGED}</td></tr>
 *   <tr><td>{@link dev.spindle.signals.SignalBus#LISTENER_FAILED}
 *       ({@code dev.spindle.signals.listenerFailed})</td>
 *       <td>{@link dev.spindle.signals.ListenerFailure} (source, signal, event, listener, cause)</td>
 *       <td>the bus</td>
 *       <td>a listener of any other signal threw; delivered right after the failed event has
 *       reached its remaining listeners</td>
 *       <td>the thread that delivered the failed event (the reactor thread)</td></tr>
 * </table>
 * Other modules fire their own signals on the same bus, catalogued beside their code: the MQTT
 * client's ({@code dev.spindle.mqtt.stateChanged}, {@code .connected}, {@code .connectionEnded},
 * {@code .reconnectScheduled}) in the package {@code dev.spindle.mqtt.signals} of
 * {@code mqtt-client}.
 * In OSGi the bus service bridges its reactor (state and connection signals); client services
 * are bridged by whoever builds them.
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.signals;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
