package dev.spindle.mqtt.testing;

/**
 * Mosquitto could not be found, started or stopped by {@link MosquittoBroker}. The message says
 * what happened and, where the broker ran, ends with its log; when the executable is missing it
 * says which package to install.
 */
public final class MosquittoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what happened
     */
    public MosquittoException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what happened
     * @param cause the underlying failure
     */
    public MosquittoException(String message, Throwable cause) {
        super(message, cause);
    }
}
