package dev.spindle.reactor;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A TLS handshake failed, so the connection was never handed to the application. Delivered to
 * the stage of {@link DescriptorReactor#connectTls} (and of {@link TlsLayer#handshake()}); on a
 * server it goes to {@link TlsServerOptions#handshakeFailureListener()} and the debug log.
 *
 * <p>{@link #reason()} says why in a form a program can act on; the message names the peer and
 * the reason in words, and the cause is the {@link javax.net.ssl.SSLException} from the engine
 * (absent for {@link Reason#TIMEOUT} and a peer that simply closed the connection).
 */
public class TlsHandshakeException extends ConnectionFailedException {
    private static final long serialVersionUID = 1L;

    /** Why a handshake failed. */
    public enum Reason {
        /** The peer's certificate chain does not lead to a trusted certificate. */
        UNTRUSTED_CERTIFICATE("untrusted certificate"),
        /** The server's certificate does not name the host connected to (or the SNI name). */
        HOST_NAME_MISMATCH("host name mismatch"),
        /** A certificate in the peer's chain has expired or is not valid yet. */
        CERTIFICATE_EXPIRED("certificate expired or not yet valid"),
        /** The server requires a client certificate and none was sent. */
        CERTIFICATE_REQUIRED("client certificate required"),
        /** The peer rejected the handshake with a fatal alert (named in the message). */
        PEER_ALERT("alert from the peer"),
        /** No protocol version, cipher suite or application protocol both sides accept. */
        NEGOTIATION_FAILED("no common protocol parameters"),
        /** The peer sent bytes that are not a valid TLS handshake (not TLS at all, or corrupt). */
        PROTOCOL_ERROR("not a valid TLS handshake"),
        /** The connection closed before the handshake completed. */
        CLOSED("connection closed during the handshake"),
        /** The handshake did not complete within the handshake timeout. */
        TIMEOUT("handshake timed out");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /**
         * The reason in words, as used in messages.
         *
         * @return the description
         */
        public String description() {
            return description;
        }
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the handshake failed
     * @param message names the peer and the reason
     * @param cause the engine's exception, or null
     */
    public TlsHandshakeException(Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason must not be null");
    }

    /**
     * Why the handshake failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
