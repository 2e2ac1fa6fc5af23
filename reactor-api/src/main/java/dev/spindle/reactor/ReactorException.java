package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/**
 * The root of the unchecked exceptions thrown or delivered by the reactor.
 */
public class ReactorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, naming the value found
     */
    public ReactorException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public ReactorException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an exception that may skip the stack trace, for expected failures on hot paths.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     * @param writableStackTrace false for a stackless exception
     */
    protected ReactorException(String message, @Nullable Throwable cause, boolean writableStackTrace) {
        super(message, cause, true, writableStackTrace);
    }
}
