package dev.spindle.reactor.spi;

import dev.spindle.reactor.NameLookup;
import dev.spindle.reactor.NameResolutionException;
import dev.spindle.reactor.NameResolutionTimeoutException;
import dev.spindle.reactor.ScheduledCall;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One look-up: the resolver runs on the worker pool, the outcome (or a timeout, a cancel, the
 * reactor's shutdown) completes the stage once, on the loop thread.
 */
final class HostLookup implements NameLookup, ReactorResource {
    private final AbstractReactor reactor;
    private final String host;
    private final Duration timeout;
    private final CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
    private @Nullable ScheduledCall timer;
    private boolean done;

    HostLookup(AbstractReactor reactor, String host, Duration timeout) {
        this.reactor = reactor;
        this.host = host;
        this.timeout = timeout;
    }

    /** Starts the look-up. Loop thread. */
    void begin() {
        InetAddress literal = HostNames.literal(host);
        if (literal != null) {
            done = true;
            result.complete(List.of(literal));
            return;
        }
        reactor.track(this);
        timer = reactor.schedule(timeout, this::onTimeout);
        CompletionStage<List<InetAddress>> work;
        try {
            work = reactor.callInThread(() -> List.copyOf(reactor.config().hostResolver().resolve(host)));
        } catch (RuntimeException e) {
            fail(new NameResolutionException(host, "cannot start the look-up of '" + host + "': " + e.getMessage(), e));
            return;
        }
        work.whenComplete(this::onAnswer);
    }

    private void onAnswer(@Nullable List<InetAddress> found, @Nullable Throwable failure) {
        if (done) {
            return; // timed out, cancelled or shut down meanwhile: the late answer is dropped
        }
        if (failure != null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof CancellationException) {
                fail(cause);
            } else if (cause instanceof UnknownHostException) {
                fail(new NameResolutionException(host, "unknown host '" + host + "'", cause));
            } else {
                fail(new NameResolutionException(host, "resolving '" + host + "' failed: " + cause, cause));
            }
        } else if (found == null || found.isEmpty()) {
            fail(new NameResolutionException(host, "host '" + host + "' resolved to no address", null));
        } else {
            finish();
            result.complete(found);
        }
    }

    private void onTimeout() {
        timer = null;
        if (!done) {
            fail(new NameResolutionTimeoutException(host,
                    "resolving '" + host + "' got no answer within " + timeout));
        }
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public CompletionStage<List<InetAddress>> result() {
        return result;
    }

    @Override
    public boolean cancel() {
        reactor.checkLoop("NameLookup.cancel");
        return abandon();
    }

    /** {@link #cancel()} without the thread check, for owners closing during a shutdown. */
    boolean abandon() {
        if (done) {
            return false;
        }
        fail(new CancellationException("look-up of '" + host + "' cancelled"));
        return true;
    }

    @Override
    public void shutdownGracefully() {
        forceClose(new CancellationException("reactor stopping"));
    }

    @Override
    public void forceClose(Throwable cause) {
        if (!done) {
            CancellationException c = new CancellationException(
                    "look-up of '" + host + "' cancelled: the reactor is shutting down");
            c.initCause(cause);
            fail(c);
        }
    }

    private void fail(Throwable failure) {
        finish();
        result.completeExceptionally(failure);
    }

    private void finish() {
        done = true;
        ScheduledCall t = timer;
        timer = null;
        if (t != null && reactor.inLoop() && reactor.state().isActive()) {
            t.cancel();
        }
        reactor.untrack(this);
    }

    @Override
    public String toString() {
        return "NameLookup[" + host + (done ? ", done" : "") + "]";
    }
}
