package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/**
 * An outgoing connection could not be made: refused, unreachable, unknown host, timed out or
 * cancelled. The message names the target; the cause is the I/O error, if any.
 */
public class ConnectionFailedException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the target
     * @param cause the underlying error, or null
     */
    public ConnectionFailedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
