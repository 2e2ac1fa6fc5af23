package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One outgoing TCP connection attempt: resolve off the loop, try each address in order, all
 * within one timeout; cancellable; closed with the reactor.
 */
final class TcpConnector extends Connector {
    private final String host;
    private final int port;
    private final Protocol protocol;
    private InetAddress[] addresses = new InetAddress[0];
    private int next;
    private @Nullable Throwable lastFailure;
    private int attempt;
    private boolean attemptSettled;
    private @Nullable HostLookup lookup;

    TcpConnector(AbstractReactor reactor, String host, int port, Protocol protocol, ConnectOptions options) {
        super(reactor, options);
        this.host = host;
        this.port = port;
        this.protocol = protocol;
    }

    @Override
    String target() {
        return host + ":" + port;
    }

    void begin() {
        startTimeout();
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

    @Override
    void abandoning() {
        HostLookup l = lookup;
        lookup = null;
        if (l != null) {
            l.abandon();
        }
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
                    inFlight(c);
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
        attemptSettled = true;
        deliver(transport);
    }

    @Override
    public void failed(Throwable cause) {
        inFlight(null);
        attemptSettled = true;
        lastFailure = cause;
        tryNext();
    }
}
