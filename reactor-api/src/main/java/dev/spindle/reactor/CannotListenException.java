package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/** Thrown when a listening socket cannot be bound (address in use, no permission, ...). */
public class CannotListenException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the address
     * @param cause the I/O error
     */
    public CannotListenException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
