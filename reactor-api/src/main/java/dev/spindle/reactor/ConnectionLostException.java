package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/**
 * Why a connection ended other than by a clean close: reset by the peer, aborted, an I/O error,
 * or the reactor shutting down. Delivered to {@link Protocol#connectionLost(Throwable)}.
 */
public class ConnectionLostException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened
     * @param cause the underlying error, or null
     */
    public ConnectionLostException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
