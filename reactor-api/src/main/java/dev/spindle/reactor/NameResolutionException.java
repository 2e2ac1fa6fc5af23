package dev.spindle.reactor;

import org.jspecify.annotations.Nullable;

/** A host name could not be resolved: unknown, the resolver failed, or it timed out. */
public class NameResolutionException extends ReactorException {
    private static final long serialVersionUID = 1L;

    private final String host;

    /**
     * Creates the exception.
     *
     * @param host the name looked up
     * @param message what went wrong, naming the host
     * @param cause the resolver's failure, if any
     */
    public NameResolutionException(String host, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.host = host;
    }

    /**
     * The name that did not resolve.
     *
     * @return the host
     */
    public String host() {
        return host;
    }
}
