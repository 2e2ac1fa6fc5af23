package dev.spindle.reactor;

/** A look-up got no answer within its timeout. */
public final class NameResolutionTimeoutException extends NameResolutionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param host the name looked up
     * @param message names the host and the timeout
     */
    public NameResolutionTimeoutException(String host, String message) {
        super(host, message, null);
    }
}
