package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/**
 * Observes the stream connections of a reactor: registered with
 * {@link DescriptorReactor#addConnectionListener}, it is told when each connection is made and
 * when it is lost. For monitoring (a gauge of open connections, a log of peers), not for
 * handling the data: the connection belongs to its {@link Protocol}.
 *
 * <h2>What counts as a connection</h2>
 * Every stream transport of the reactor: TCP connections it accepted ({@code listenTcp}) and
 * made ({@code connectTcp}), and UNIX-domain stream connections, accepted and made. A TLS
 * connection is reported as the TCP transport it runs over, once, when that TCP connection is
 * made (before the handshake); a failed handshake is therefore a connection made and then lost.
 * The {@link TlsTransport} the application sees is never reported (it is a view of that TCP
 * connection, not a second one). UDP sockets, pipes, child processes and descriptors registered
 * with {@code addReader}/{@code addWriter} are not connections.
 *
 * <h2>Order and pairing</h2>
 * <ul>
 *   <li>{@link #connectionMade} comes right after the protocol's own
 *       {@link Protocol#connectionMade} returned normally, if the connection is still open then;
 *       before the first read and before a {@link ConnectAttempt}'s stage completes. A connection
 *       that ends inside its protocol's {@code connectionMade} (the protocol closed or aborted it,
 *       or threw), and a connection refused by its {@link ProtocolFactory}, is not reported at
 *       all.</li>
 *   <li>{@link #connectionLost} comes right after the protocol's own
 *       {@link Protocol#connectionLost}, with the same cause: null for a clean close, else why
 *       (a {@link ConnectionLostException} for an abort, a reset, the reactor terminating).</li>
 *   <li>A listener gets {@code connectionLost} for a connection exactly when it got
 *       {@code connectionMade} for it and is still registered. A listener registered while a
 *       connection is open hears nothing about that connection; one removed is not called any
 *       more, even for the event being delivered. So a listener that counts made minus lost
 *       always holds the number of open connections it was told about.</li>
 *   <li>Listeners are called in the order they were registered. If a listener ends the
 *       connection from its {@code connectionMade}, the listeners told so far get
 *       {@code connectionLost} (that one inside its own call) and the later ones hear nothing
 *       about it.</li>
 * </ul>
 *
 * <h2>Threading and isolation</h2>
 * Both methods are called on the reactor thread, so a listener may use the transport there
 * (read its addresses, close or abort it). An exception thrown by a listener is logged and
 * ignored: the connection, its protocol and the other listeners go on as if it had returned.
 * Listeners run on every connection's start and end (never per read or write); they should be
 * quick, as everything on the loop thread.
 *
 * <p>Both methods do nothing by default: implement the ones you need.
 */
public interface ConnectionListener {
    /**
     * A connection was made: its protocol's {@code connectionMade} has returned. Reactor thread.
     *
     * @param transport the connection's transport (for TLS, the underlying TCP transport)
     */
    default void connectionMade(Transport transport) {
    }

    /**
     * A connection this listener was told about ended: its protocol's {@code connectionLost} has
     * returned. Reactor thread.
     *
     * @param transport the transport, now closed
     * @param cause null for a clean close, else why it ended
     */
    default void connectionLost(Transport transport, @Nullable Throwable cause) {
    }
}
