/**
 * A typed signal bus on the reactor: Mitogen's {@code listen}/{@code fire} (SPEC §4) with typed
 * keys, snapshots, isolated listeners, delivery on the reactor thread and weakly held sources.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * SignalBus bus = SignalBus.create(reactor);
 * Subscription bridge = ReactorSignals.bridge(reactor, bus);
 * Subscription s = bus.listen(reactor, ReactorSignals.REACTOR_STATE_CHANGED,
 *         (source, change) -> System.out.println(change.from() + " -> " + change.to()));
 * bus.listenAll(SignalBus.LISTENER_FAILED,
 *         (source, failure) -> metrics.count(failure.signal().name()));
 * }</pre>
 * {@link dev.spindle.signals.SignalBus} states the delivery rules: order, thread, re-entrancy,
 * snapshots, isolation, weak sources and type checks.
 *
 * <h2>In OSGi</h2>
 * A Declarative Services component of this bundle registers a {@link dev.spindle.signals.SignalBus}
 * service on the {@code dev.spindle.reactor.Reactor} service, with the reactor's lifecycle bridged
 * onto it, and re-creates it on the new reactor when the Reactor service is replaced. Whiteboard:
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
 * Signals fired today by Spindle code, each covered by tests:
 * <table>
 *   <caption>Signals that are fired</caption>
 *   <tr><th>signal (name)</th><th>event type</th><th>source</th><th>when fired</th><th>thread</th></tr>
 *   <tr><td>{@link dev.spindle.signals.ReactorSignals#REACTOR_STATE_CHANGED}
 *       ({@code dev.spindle.reactor.stateChanged})</td>
 *       <td>{@link dev.spindle.signals.ReactorStateChange} (from, to, error when {@code to} is
 *       {@code ERROR})</td>
 *       <td>the reactor</td>
 *       <td>every lifecycle change of a reactor bridged with
 *       {@link dev.spindle.signals.ReactorSignals#bridge}: {@code INIT→STARTING},
 *       {@code STARTING→STARTED}, {@code STARTED→STOPPING}, {@code STOPPING→STOPPED}, a
 *       {@code terminate()} straight to {@code STOPPED}, {@code →ERROR} on a loop failure,
 *       {@code INIT→STOPPED} for {@code stop()} before start, {@code STOPPED→STARTING} on a
 *       restart; after {@code state()} shows the new state</td>
 *       <td>the bus's reactor thread (the change to {@code STARTING} made by {@code start()} on
 *       another thread is handed over to it, and still arrives before {@code STARTED}); while
 *       the bus's reactor is inactive, the thread that reported the change</td></tr>
 *   <tr><td>{@link dev.spindle.signals.SignalBus#LISTENER_FAILED}
 *       ({@code dev.spindle.signals.listenerFailed})</td>
 *       <td>{@link dev.spindle.signals.ListenerFailure} (source, signal, event, listener, cause)</td>
 *       <td>the bus</td>
 *       <td>a listener of any other signal threw; delivered right after the failed event has
 *       reached its remaining listeners</td>
 *       <td>the thread that delivered the failed event (the reactor thread)</td></tr>
 * </table>
 *
 * <p><b>Planned</b> (not fired by anything yet; the reactor's transports and the client service
 * will fire them once wired to a bus):
 * <ul>
 *   <li>{@link dev.spindle.signals.ReactorSignals#CONNECTION_MADE}
 *       ({@code dev.spindle.reactor.connectionMade}, event: the
 *       {@link dev.spindle.reactor.Transport}): a connection was made;</li>
 *   <li>{@link dev.spindle.signals.ReactorSignals#CONNECTION_LOST}
 *       ({@code dev.spindle.reactor.connectionLost}, event:
 *       {@link dev.spindle.signals.ConnectionLost}): a connection was lost or closed;</li>
 *   <li>{@link dev.spindle.signals.ReactorSignals#RETRY_SCHEDULED}
 *       ({@code dev.spindle.reactor.retryScheduled}, event:
 *       {@link dev.spindle.signals.RetryScheduled}): a client service scheduled its next attempt;</li>
 *   <li>client service state changed: no constant yet; it comes with the client service, whose
 *       state type it carries.</li>
 * </ul>
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.signals;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
