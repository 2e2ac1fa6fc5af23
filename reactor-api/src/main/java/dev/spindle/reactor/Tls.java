package dev.spindle.reactor;

import dev.spindle.reactor.internal.TlsConnection;
import java.util.Objects;

/**
 * TLS over any stream transport. {@link DescriptorReactor#connectTls} and
 * {@link DescriptorReactor#listenTls} use these over TCP; use them directly to run TLS over
 * another transport, e.g. a UNIX-domain socket:
 *
 * <pre>{@code
 * TlsLayer tls = Tls.client(TlsClientOptions.defaults(), "broker.example", 8883, app);
 * reactor.connectTcp("10.0.0.7", 8883, tls);           // any connect that takes a Protocol
 * tls.handshake().thenAccept(t -> t.write(hello));      // after app.connectionMade(t)
 *
 * reactor.listenTcp(bind, Tls.server(serverOptions, remote -> new MyProtocol()));
 * }</pre>
 *
 * <p>The layer is the protocol of the underlying transport; the application protocol gets a
 * {@link TlsTransport} once the handshake completed. Engine tasks (certificate checks, key
 * exchange) run on the reactor thread. Each layer serves one connection.
 */
public final class Tls {
    private Tls() {
    }

    /**
     * The client side of TLS for one connection to {@code peerHost}.
     *
     * @param options the client options
     * @param peerHost the host name (verified against the server's certificate, and sent as SNI
     *     by default) or address literal
     * @param peerPort the server's port (used for session resumption), or -1 if unknown
     * @param application the protocol that gets the plaintext once the handshake is done
     * @return the layer to hand to the underlying transport's connect
     */
    public static TlsLayer client(TlsClientOptions options, String peerHost, int peerPort, Protocol application) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(peerHost, "peerHost must not be null");
        Objects.requireNonNull(application, "application must not be null");
        if (peerHost.isBlank()) {
            throw new IllegalArgumentException("peerHost must not be blank");
        }
        if (peerPort < -1 || peerPort > 65535) {
            throw new IllegalArgumentException("peerPort must be in 0..65535 or -1, found: " + peerPort);
        }
        return TlsConnection.client(options, peerHost, peerPort, application);
    }

    /**
     * The server side of TLS: a factory to hand to the underlying listen. Each accepted
     * connection runs the handshake first; only then is {@code application} asked for a
     * protocol, so a failed handshake never builds one (it is logged at debug level, reported to
     * {@link TlsServerOptions#handshakeFailureListener()}, and the connection is closed).
     *
     * @param options the server options
     * @param application builds the protocol of each connection after its handshake, or refuses
     *     it with null (the connection is then closed with {@code close_notify})
     * @return the factory
     */
    public static ProtocolFactory server(TlsServerOptions options, ProtocolFactory application) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(application, "application must not be null");
        return remote -> TlsConnection.server(options, application);
    }

    /**
     * The server side of TLS for one connection (e.g. one accepted by other means).
     *
     * @param options the server options
     * @param application the protocol that gets the plaintext once the handshake is done
     * @return the layer to hand to the underlying transport
     */
    public static TlsLayer serverLayer(TlsServerOptions options, Protocol application) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(application, "application must not be null");
        return TlsConnection.server(options, remote -> application);
    }
}
