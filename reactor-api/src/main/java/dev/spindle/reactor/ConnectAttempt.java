package dev.spindle.reactor;

import java.util.concurrent.CompletionStage;

/** An outgoing connection in progress, from {@link DescriptorReactor#connectTcp}. */
public interface ConnectAttempt {
    /**
     * Completes on the reactor thread with the connected transport (after the protocol's
     * {@code connectionMade}), or fails with a {@link ConnectionFailedException}.
     *
     * @return the outcome
     */
    CompletionStage<Transport> result();

    /**
     * Abandons the attempt if it is still in progress: the socket is closed and the stage fails
     * with {@link ConnectionFailedException} whose cause is a
     * {@link java.util.concurrent.CancellationException}. Reactor thread only.
     *
     * @return true if this call cancelled it
     */
    boolean cancel();
}
