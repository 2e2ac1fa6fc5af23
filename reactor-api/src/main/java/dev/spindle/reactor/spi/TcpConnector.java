package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectTimeoutException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One outgoing TCP connection attempt: resolve off the loop, try each address in order, all
 * within one timeout; cancellable; closed with the reactor.
 */
final class TcpConnector implements ConnectAttempt, ReactorResource, AbstractReactor.ConnectListener {
    private final AbstractReactor reactor;
    private final String host;
    private final int port;
    private final Protocol protocol;
    private final ConnectOptions options;
    private final CompletableFuture<Transport> result = new CompletableFuture<>();
    private @Nullable ScheduledCall timeout;
    private AbstractReactor.@Nullable PendingConnect current;
    private InetAddress[] addresses = new InetAddress[0];
    private int next;
    private @Nullable Throwable lastFailure;
    private boolean done;
    private int attempt;
    private boolean attemptSettled;
    private @Nullable HostLookup lookup;

    TcpConnector(AbstractReactor reactor, String host, int port, Protocol protocol, ConnectOptions options) {
        this.reactor = reactor;
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        this.options = options;
    }

    void begin() {
        reactor.track(this);
        timeout = reactor.schedule(options.timeout(), this::onTimeout);
        InetAddress literal = HostNames.literal(host);
        if (literal != null) {
            addresses = new InetAddress[] {literal};
            tryNext();
            return;
        }
        // The look-up gets the whole connect timeout; the connect's own timer fires first or
        // together, so the look-up's timeout never decides the outcome.
        HostLookup l = new HostLookup(reactor, host, options.timeout().plusSeconds(1));
        lookup = l;
        l.begin();
        l.result().whenComplete((found, failure) -> {
            if (lookup != l || done) {
                return; // abandoned by a timeout, a cancel or a shutdown, which report themselves
            }
            lookup = null;
            if (failure != null) {
                fail(new ConnectionFailedException("cannot connect to " + host + ":" + port + ": "
                        + failure.getMessage(), failure));
            } else {
                addresses = found.toArray(new InetAddress[0]);
                tryNext();
            }
        });
    }

    private void tryNext() {
        while (!done && next < addresses.length) {
            InetSocketAddress target = new InetSocketAddress(addresses[next++], port);
            int mine = ++attempt;
            attemptSettled = false;
            try {
                AbstractReactor.PendingConnect c = reactor.beginConnect(target, options, protocol, this);
                // A backend may settle the attempt before returning (connected at once, or failed
                // and retried): only an attempt still in flight keeps its handle.
                if (attempt == mine && !attemptSettled) {
                    current = c;
                }
                return;
            } catch (IOException | RuntimeException e) {
                lastFailure = e;
            }
        }
        if (!done) {
            Throwable cause = lastFailure;
            fail(new ConnectionFailedException("cannot connect to " + host + ":" + port + " (tried "
                    + addresses.length + " address" + (addresses.length == 1 ? "" : "es") + ")"
                    + (cause == null ? "" : ": " + cause.getMessage()), cause));
        }
    }

    @Override
    public void connected(Transport transport) {
        current = null;
        attemptSettled = true;
        if (done) {
            transport.abort();
            return;
        }
        finish();
        result.complete(transport);
    }

    @Override
    public void failed(Throwable cause) {
        current = null;
        attemptSettled = true;
        lastFailure = cause;
        tryNext();
    }

    private void onTimeout() {
        timeout = null;
        if (done) {
            return;
        }
        cancelCurrent();
        fail(new ConnectTimeoutException("connect to " + host + ":" + port + " timed out after " + options.timeout()));
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
        cancelCurrent();
        fail(new ConnectionFailedException("connect to " + host + ":" + port + " cancelled",
                new CancellationException("cancelled by the caller")));
        return true;
    }

    @Override
    public void shutdownGracefully() {
        forceClose(new CancellationException("reactor stopping"));
    }

    @Override
    public void forceClose(Throwable cause) {
        if (done) {
            return;
        }
        cancelCurrent();
        fail(new ConnectionFailedException("reactor stopped while connecting to " + host + ":" + port, cause));
    }

    private void cancelCurrent() {
        HostLookup l = lookup;
        lookup = null;
        if (l != null) {
            l.abandon();
        }
        AbstractReactor.PendingConnect c = current;
        current = null;
        if (c != null) {
            c.cancel();
        }
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
        return "ConnectAttempt[" + host + ":" + port + (done ? ", done" : "") + "]";
    }
}
