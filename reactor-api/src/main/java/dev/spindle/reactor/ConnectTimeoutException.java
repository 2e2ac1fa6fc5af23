package dev.spindle.reactor;

/** The connect timeout of {@link ConnectOptions} passed before a connection was made. */
public final class ConnectTimeoutException extends ConnectionFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the target and the timeout
     */
    public ConnectTimeoutException(String message) {
        super(message, null);
    }
}
