package dev.spindle.reactor.testing;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractReactor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One attempt of {@link DeterministicReactor}'s {@code connectTcp} to one resolved address,
 * waiting for the test to decide its outcome. The real connector around it still applies its
 * timeout, tries the next address after a failure, and abandons the attempt when the caller
 * cancels or the reactor stops ({@link #isAbandoned()}). Loop thread only.
 */
public final class PendingConnection {
    private enum Outcome { PENDING, SUCCEEDED, FAILED, ABANDONED }

    private final DeterministicReactor reactor;
    private final InetSocketAddress target;
    private final ConnectOptions options;
    private final Protocol protocol;
    private final AbstractReactor.ConnectListener listener;
    private Outcome outcome = Outcome.PENDING;

    PendingConnection(DeterministicReactor reactor, InetSocketAddress target, ConnectOptions options, Protocol protocol,
            AbstractReactor.ConnectListener listener) {
        this.reactor = reactor;
        this.target = target;
        this.options = options;
        this.protocol = protocol;
        this.listener = listener;
    }

    /**
     * The resolved address being connected to.
     *
     * @return the target
     */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * The options passed to {@code connectTcp}.
     *
     * @return the options
     */
    public ConnectOptions options() {
        return options;
    }

    /**
     * The protocol that a successful connection attaches.
     *
     * @return the protocol
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Whether the test may still decide the outcome.
     *
     * @return true until succeeded, failed or abandoned
     */
    public boolean isPending() {
        return outcome == Outcome.PENDING;
    }

    /**
     * Whether the connector gave this attempt up: its connect timeout passed, the caller
     * cancelled, or the reactor stopped.
     *
     * @return true if abandoned
     */
    public boolean isAbandoned() {
        return outcome == Outcome.ABANDONED;
    }

    /**
     * The peer accepted: connects the protocol to a new {@link MemoryTransport} (its
     * {@code connectionMade} runs inside this call), then completes the connect attempt's stage
     * with that transport. The local address is {@link ConnectOptions#localAddress()} if set,
     * else the loopback address with a fake ephemeral port.
     *
     * @return the client side of the connection
     * @throws IllegalStateException if no longer pending, the reactor is inactive, or off its thread
     */
    public MemoryTransport succeed() {
        reactor.checkLoop("PendingConnection.succeed");
        reactor.requireActive("PendingConnection.succeed");
        checkPending("succeed");
        outcome = Outcome.SUCCEEDED;
        InetSocketAddress local = options.localAddress();
        if (local == null) {
            local = new InetSocketAddress(InetAddress.getLoopbackAddress(), reactor.ephemeralPort());
        }
        MemoryTransport t = new MemoryTransport(reactor, protocol, local, target);
        t.start();
        listener.connected(t);
        return t;
    }

    /**
     * The attempt failed with {@code cause} (for example a {@link java.net.ConnectException}):
     * the connector tries the next address, or fails the attempt's stage with a
     * {@link dev.spindle.reactor.ConnectionFailedException} whose cause is {@code cause}. The
     * protocol is not called.
     *
     * @param cause the I/O error
     * @throws IllegalStateException if no longer pending, the reactor is inactive, or off its thread
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause must not be null");
        reactor.checkLoop("PendingConnection.fail");
        reactor.requireActive("PendingConnection.fail");
        checkPending("fail");
        outcome = Outcome.FAILED;
        listener.failed(cause);
    }

    /** Called by the connector, which is then not told of an outcome. */
    void abandon() {
        if (outcome == Outcome.PENDING) {
            outcome = Outcome.ABANDONED;
        }
    }

    private void checkPending(String operation) {
        if (outcome != Outcome.PENDING) {
            throw new IllegalStateException("cannot " + operation + " the connection to " + target + ": it already "
                    + outcome.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Override
    public String toString() {
        return "PendingConnection[" + target + ", " + outcome.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
