package dev.spindle.reactor.testing;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.spi.AbstractReactor;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * One {@code connectUnix} attempt of {@link DeterministicReactor}, waiting for the test to decide
 * its outcome. The real connector around it applies its timeout and abandons the attempt when
 * the caller cancels or the reactor stops ({@link #isAbandoned()}). Loop thread only.
 */
public final class PendingUnixConnection {
    private final DeterministicReactor reactor;
    private final UnixAddress target;
    private final Protocol protocol;
    private final AbstractReactor.ConnectListener listener;
    // "pending", "succeeded", "failed" or "abandoned"
    private String state = "pending";

    PendingUnixConnection(DeterministicReactor reactor, UnixAddress target, Protocol protocol,
            AbstractReactor.ConnectListener listener) {
        this.reactor = reactor;
        this.target = target;
        this.protocol = protocol;
        this.listener = listener;
    }

    /**
     * The address being connected to.
     *
     * @return the target
     */
    public UnixAddress target() {
        return target;
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
        return state.equals("pending");
    }

    /**
     * Whether the connector gave this attempt up (timeout, cancel, reactor stopped).
     *
     * @return true if abandoned
     */
    public boolean isAbandoned() {
        return state.equals("abandoned");
    }

    /**
     * The server accepted: connects the protocol to a new {@link MemoryTransport} whose local
     * address is unnamed ({@code UnixDomainSocketAddress.of("")}) and whose remote address is the
     * target as a real backend reports it; {@code connectionMade} runs inside this call, then the
     * attempt's stage completes.
     *
     * @return the client side of the connection
     * @throws IllegalStateException if no longer pending, the reactor is inactive, or off its thread
     */
    public MemoryTransport succeed() {
        settle("succeed", "succeeded");
        MemoryTransport t = new MemoryTransport(reactor, protocol, UnixDomainSocketAddress.of(""), target.toSocketAddress());
        t.start();
        listener.connected(t);
        return t;
    }

    /**
     * The attempt failed with {@code cause} (for example a {@link java.net.ConnectException}): the
     * stage fails with a {@link dev.spindle.reactor.ConnectionFailedException} caused by it; the
     * protocol is not called.
     *
     * @param cause the I/O error
     * @throws IllegalStateException if no longer pending, the reactor is inactive, or off its thread
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause must not be null");
        settle("fail", "failed");
        listener.failed(cause);
    }

    /** Called by the connector, which is then not told of an outcome. */
    void abandon() {
        if (isPending()) {
            state = "abandoned";
        }
    }

    private void settle(String operation, String outcome) {
        reactor.checkLoop("PendingUnixConnection." + operation);
        reactor.requireActive("PendingUnixConnection." + operation);
        if (!isPending()) {
            throw new IllegalStateException("cannot " + operation + " the connection to " + target + ": it already "
                    + state);
        }
        state = outcome;
    }

    @Override
    public String toString() {
        return "PendingUnixConnection[" + target + ", " + state + "]";
    }
}
