package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectTimeoutException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One outgoing UNIX-domain connection attempt: a single address, no name resolution, one
 * timeout; cancellable; closed with the reactor. On Linux a UNIX connect settles inside
 * {@code beginConnectUnix} (connected, refused, or EAGAIN on a full backlog), so the timeout and
 * the pending state matter only on systems that report a connect in progress.
 */
final class UnixConnector implements ConnectAttempt, ReactorResource, AbstractReactor.ConnectListener {
    private final AbstractReactor reactor;
    private final UnixAddress target;
    private final Protocol protocol;
    private final ConnectOptions options;
    private final CompletableFuture<Transport> result = new CompletableFuture<>();
    private @Nullable ScheduledCall timeout;
    private AbstractReactor.@Nullable PendingConnect pending;
    private boolean done;

    UnixConnector(AbstractReactor reactor, UnixAddress target, Protocol protocol, ConnectOptions options) {
        this.reactor = reactor;
        this.target = target;
        this.protocol = protocol;
        this.options = options;
    }

    void begin() {
        String tooLong = UnixSocketFile.lengthProblem(target);
        if (tooLong != null) {
            done = true;
            result.completeExceptionally(new ConnectionFailedException("cannot connect to " + target + ": " + tooLong, null));
            return;
        }
        reactor.track(this);
        timeout = reactor.schedule(options.timeout(), this::onTimeout);
        AbstractReactor.PendingConnect c;
        try {
            c = reactor.beginConnectUnix(target, protocol, this);
        } catch (UnsupportedOperationException e) {
            finish();
            throw e;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        if (!done) {
            pending = c;
        }
    }

    @Override
    public void connected(Transport transport) {
        pending = null;
        if (done) {
            transport.abort();
            return;
        }
        finish();
        result.complete(transport);
    }

    @Override
    public void failed(Throwable cause) {
        pending = null;
        if (!done) {
            fail(new ConnectionFailedException("cannot connect to " + target + ": " + cause.getMessage(), cause));
        }
    }

    private void onTimeout() {
        timeout = null;
        if (!done) {
            abandon(new ConnectTimeoutException("connect to " + target + " timed out after " + options.timeout()));
        }
    }

    @Override
    public CompletionStage<Transport> result() {
        return result;
    }

    @Override
    public boolean cancel() {
        reactor.checkLoop("ConnectAttempt.cancel");
        if (done) {
            return false;
        }
        abandon(new ConnectionFailedException("connect to " + target + " cancelled",
                new CancellationException("cancelled by the caller")));
        return true;
    }

    @Override
    public void shutdownGracefully() {
        forceClose(new CancellationException("reactor stopping"));
    }

    @Override
    public void forceClose(Throwable cause) {
        if (!done) {
            abandon(new ConnectionFailedException("reactor stopped while connecting to " + target, cause));
        }
    }

    /** Closes the socket of the attempt in flight, then fails the stage. */
    private void abandon(ConnectionFailedException why) {
        AbstractReactor.PendingConnect c = pending;
        pending = null;
        if (c != null) {
            c.cancel();
        }
        fail(why);
    }

    private void fail(ConnectionFailedException e) {
        finish();
        result.completeExceptionally(e);
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
    public String toString() {
        return "ConnectAttempt[unix:" + target + (done ? ", done" : "") + "]";
    }
}
