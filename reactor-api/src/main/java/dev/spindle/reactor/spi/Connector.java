package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectTimeoutException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.Transport;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What every outgoing connection attempt shares, whatever it connects to: the stage, one timeout
 * over the whole attempt, the backend connect in flight, cancellation, and closing with the
 * reactor. Subclasses start backend connects ({@link #inFlight}) and settle the attempt with
 * {@link #deliver} or {@link #fail}. Loop thread only.
 */
abstract class Connector implements ConnectAttempt, ReactorResource, AbstractReactor.ConnectListener {
    final AbstractReactor reactor;
    final ConnectOptions options;
    private final CompletableFuture<Transport> result = new CompletableFuture<>();
    private @Nullable ScheduledCall timeout;
    private AbstractReactor.@Nullable PendingConnect current;
    boolean done;

    Connector(AbstractReactor reactor, ConnectOptions options) {
        this.reactor = reactor;
        this.options = options;
    }

    /** The target as messages name it: {@code host:port}, a path. */
    abstract String target();

    /** Tracks the attempt and starts its timeout; call first. */
    final void startTimeout() {
        reactor.track(this);
        timeout = reactor.schedule(options.timeout(), this::onTimeout);
    }

    /** Remembers the backend connect in flight, to abandon it on timeout, cancel or stop. */
    final void inFlight(AbstractReactor.@Nullable PendingConnect c) {
        current = c;
    }

    /** The backend connected: completes the stage, or aborts the transport of an attempt already given up. */
    final void deliver(Transport transport) {
        current = null;
        if (done) {
            transport.abort();
            return;
        }
        finish();
        result.complete(transport);
    }

    /** Ends the attempt with {@code e}; the backend connect, if any, is already settled. */
    final void fail(ConnectionFailedException e) {
        finish();
        result.completeExceptionally(e);
    }

    private void onTimeout() {
        timeout = null;
        if (!done) {
            abandon(new ConnectTimeoutException("connect to " + target() + " timed out after " + options.timeout()));
        }
    }

    @Override
    public final CompletionStage<Transport> result() {
        return result;
    }

    @Override
    public final boolean cancel() {
        reactor.checkLoop("ConnectAttempt.cancel");
        if (done) {
            return false;
        }
        abandon(new ConnectionFailedException("connect to " + target() + " cancelled",
                new CancellationException("cancelled by the caller")));
        return true;
    }

    @Override
    public final void shutdownGracefully() {
        forceClose(new CancellationException("reactor stopping"));
    }

    @Override
    public final void forceClose(Throwable cause) {
        if (!done) {
            abandon(new ConnectionFailedException("reactor stopped while connecting to " + target(), cause));
        }
    }

    /** Called when the attempt is given up (timeout, cancel, stop) before its stage fails. */
    void abandoning() {
    }

    /** Closes the socket of the backend connect in flight, then fails the stage. */
    private void abandon(ConnectionFailedException why) {
        abandoning();
        AbstractReactor.PendingConnect c = current;
        current = null;
        if (c != null) {
            c.cancel();
        }
        fail(why);
    }

    private void finish() {
        done = true;
        ScheduledCall t = timeout;
        timeout = null;
        if (t != null && reactor.inLoop() && reactor.state().isActive()) {
            t.cancel();
        }
        reactor.untrack(this);
    }

    @Override
    public final String toString() {
        return "ConnectAttempt[" + target() + (done ? ", done" : "") + "]";
    }
}
