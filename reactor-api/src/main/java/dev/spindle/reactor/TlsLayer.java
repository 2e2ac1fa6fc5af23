package dev.spindle.reactor;

import java.util.concurrent.CompletionStage;

/**
 * TLS as a {@link Protocol} layered on any stream {@link Transport}: hand it to the
 * underlying connect or listen, and it runs the handshake and then gives the application
 * protocol a {@link TlsTransport}. Made by {@link Tls#client} (one per connection) or by the
 * factory {@link Tls#server} returns; {@link DescriptorReactor#connectTls} and
 * {@link DescriptorReactor#listenTls} use it over TCP.
 *
 * <p>A layer serves one connection: the application protocol sees {@code connectionMade} only
 * after the handshake completed. Reactor thread only.
 */
public interface TlsLayer extends Protocol {
    /**
     * Completes on the reactor thread with the TLS transport once the handshake completed (after
     * the application protocol's {@code connectionMade}), or fails with a
     * {@link TlsHandshakeException} (or a {@link ConnectionFailedException} when cancelled).
     *
     * @return the outcome of the handshake
     */
    CompletionStage<TlsTransport> handshake();
}
