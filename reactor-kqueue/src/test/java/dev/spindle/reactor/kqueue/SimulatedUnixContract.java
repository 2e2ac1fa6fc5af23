package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.UnixContractTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The UNIX-domain socket contract on the kqueue reactor over a simulated BSD kernel: connections
 * travel in memory, socket files are real (made by a real socket that holds them while the
 * simulated one is open), so file identity, stale-socket probes, permissions and removal are the
 * real ones. Three contract tests use a blocking JDK socket as the peer, which lives outside the
 * simulation and cannot reach its sockets.
 */
abstract class SimulatedUnixContract extends UnixContractTest {
    private static final String OUTSIDE = "its peer is a real JDK socket, outside the simulated kernel, which connects "
            + "(or is connected to) in memory only; the same half-close and EOF paths run reactor-to-reactor in "
            + "closeFlushesPendingOutput, echoRoundTripWithUnixAddresses and SimulatedTcpTests";

    private final SimulatedKernel kernel = new SimulatedKernel(platform());

    abstract BsdPlatform platform();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }

    @Override
    @Test
    @Disabled(OUTSIDE)
    public void blockingClientEchoesThroughReactorServer() {
    }

    @Override
    @Test
    @Disabled(OUTSIDE)
    public void shutdownOutputLetsThePeerReply() {
    }

    @Override
    @Test
    @Disabled(OUTSIDE)
    public void serverRepliesAfterThePeersEof() {
    }
}
