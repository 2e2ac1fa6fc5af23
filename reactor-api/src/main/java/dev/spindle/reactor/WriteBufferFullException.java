package dev.spindle.reactor;

/**
 * A write would have grown a transport's pending output past its hard limit
 * ({@link ReactorConfig#maxPendingWriteBytes()}). Nothing of the refused write was queued; the
 * data queued before it is still delivered. Protocols avoid this by honouring
 * {@link Protocol#writabilityChanged(boolean)}.
 */
public final class WriteBufferFullException extends ReactorException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the sizes found
     */
    public WriteBufferFullException(String message) {
        super(message);
    }
}
