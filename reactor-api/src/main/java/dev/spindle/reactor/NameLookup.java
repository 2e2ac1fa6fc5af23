package dev.spindle.reactor;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One host-name look-up in progress, from {@link DescriptorReactor#resolve(String, java.time.Duration)}.
 *
 * <p>The {@linkplain #result() result} completes on the loop thread with the addresses (never
 * empty), or exceptionally with:
 * <ul>
 *   <li>{@link NameResolutionException}: the name does not resolve, or the resolver failed (the
 *       resolver's exception is the cause);</li>
 *   <li>{@link NameResolutionTimeoutException}: no answer within the timeout;</li>
 *   <li>{@link java.util.concurrent.CancellationException}: {@link #cancel()}, or the reactor
 *       stopped or terminated first (seed "Terminate": pending look-ups are cancelled).</li>
 * </ul>
 * A resolver blocked in the operating system cannot be interrupted: after a timeout or a cancel
 * its worker thread finishes the call in the background and its answer is dropped.
 */
public interface NameLookup {
    /**
     * The name being looked up.
     *
     * @return the host
     */
    String host();

    /**
     * The outcome, completed on the loop thread.
     *
     * @return the stage
     */
    CompletionStage<List<InetAddress>> result();

    /**
     * Abandons the look-up; the result fails with {@link java.util.concurrent.CancellationException}.
     * Loop thread only.
     *
     * @return true if this call cancelled it, false if it had already completed
     */
    boolean cancel();
}
