package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import java.io.IOException;

/**
 * One outgoing UNIX-domain connection attempt: a single address, no name resolution. On Linux a
 * UNIX connect settles inside {@code beginConnectUnix} (connected, refused, or EAGAIN on a full
 * backlog), so the timeout and the in-flight state matter only on systems that report a connect
 * in progress.
 */
final class UnixConnector extends Connector {
    private final UnixAddress address;
    private final Protocol protocol;

    UnixConnector(AbstractReactor reactor, UnixAddress address, Protocol protocol, ConnectOptions options) {
        super(reactor, options);
        this.address = address;
        this.protocol = protocol;
    }

    @Override
    String target() {
        return "unix:" + address;
    }

    void begin() {
        String tooLong = UnixSocketFile.lengthProblem(address);
        if (tooLong != null) {
            fail(new ConnectionFailedException("cannot connect to " + target() + ": " + tooLong, null));
            return;
        }
        startTimeout();
        AbstractReactor.PendingConnect c;
        try {
            c = reactor.beginConnectUnix(address, protocol, this);
        } catch (UnsupportedOperationException e) {
            fail(new ConnectionFailedException(e.getMessage(), e));
            throw e;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        if (!done) {
            inFlight(c);
        }
    }

    @Override
    public void connected(Transport transport) {
        deliver(transport);
    }

    @Override
    public void failed(Throwable cause) {
        inFlight(null);
        if (!done) {
            fail(new ConnectionFailedException("cannot connect to " + target() + ": " + cause.getMessage(), cause));
        }
    }
}
