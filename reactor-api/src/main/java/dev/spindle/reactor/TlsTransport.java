package dev.spindle.reactor;

import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Transport} a protocol gets over TLS: plaintext in and out, with the negotiated
 * session. Everything {@link Transport} promises holds, measured on the TLS layer:
 * <ul>
 *   <li>{@link #write} encrypts at once; {@link #pendingWriteBytes()} counts the encrypted bytes
 *       the socket has not taken yet, so watermarks, writability events and
 *       {@link #setWriteWatermarks} behave as on plain TCP. The hard limit
 *       ({@link ReactorConfig#maxPendingWriteBytes()}) counts each write with its record
 *       overhead: a refused write throws {@link WriteBufferFullException} and encrypts nothing.</li>
 *   <li>{@link #close()} flushes, sends {@code close_notify}, then closes; {@link #abort()} closes
 *       at once without {@code close_notify}; {@link #shutdownOutput()} sends
 *       {@code close_notify} and shuts the TCP sending half down (with TLS 1.3 the peer may go on
 *       sending; a TLS 1.2 peer usually answers with its own {@code close_notify}).</li>
 *   <li>The peer's {@code close_notify} is end of stream: {@link Protocol#eofReceived()}. A TCP
 *       end of stream without {@code close_notify} may be a truncation attack: the protocol gets
 *       {@link Protocol#connectionLost} with a {@link ConnectionLostException} saying so.</li>
 *   <li>{@link #pauseReading()} stops {@code dataReceived} at once, also for records already
 *       read from the socket; they are delivered after {@link #resumeReading()}, in a later
 *       loop pass.</li>
 *   <li>Renegotiation is refused: a TLS 1.2 peer that starts a new handshake after the first
 *       loses the connection with a {@link ConnectionLostException} naming renegotiation. TLS
 *       1.3 post-handshake messages (key updates, session tickets) are handled.</li>
 * </ul>
 * Loop-thread only, like every transport.
 */
public interface TlsTransport extends Transport {
    /**
     * The negotiated session: protocol, cipher suite, peer certificates, and on a server the
     * SNI names the client asked for ({@link javax.net.ssl.ExtendedSSLSession#getRequestedServerNames()}).
     *
     * @return the session
     */
    SSLSession session();

    /**
     * The application protocol agreed through ALPN.
     *
     * @return the protocol, or null if none was negotiated
     */
    @Nullable String applicationProtocol();
}
