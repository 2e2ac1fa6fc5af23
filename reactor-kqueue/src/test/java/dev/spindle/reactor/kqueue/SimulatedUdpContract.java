package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.UdpContractTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The UDP contract on the kqueue reactor over a simulated BSD kernel, whose datagrams travel in
 * memory (ports held on this host by real sockets, so a port in use here is in use there). Three
 * contract tests need what the simulation does not model; {@link SimulatedNetTests} checks the
 * backend's side of them against the recorded system calls instead.
 */
abstract class SimulatedUdpContract extends UdpContractTest {
    private final SimulatedKernel kernel = new SimulatedKernel(platform());

    abstract BsdPlatform platform();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }

    @Override
    @Test
    @Disabled("asserts Linux's loopback broadcast (127.255.255.255 reaching wildcard sockets), chosen by os.name, "
            + "which is Linux on this host; BSD does not treat 127.255.255.255 as a broadcast address. "
            + "SimulatedNetTests.broadcastNeedsSoBroadcast covers 255.255.255.255 instead")
    public void broadcastNeedsTheOption() {
    }

    @Override
    @Test
    @Disabled("multicast routing is not modelled by the simulated kernel; "
            + "SimulatedNetTests.multicastOptionsCarryTheSystemsStructs checks the options and structs passed")
    public void multicastJoinAndLeave() {
    }

    @Override
    @Test
    @Disabled("multicast routing is not modelled by the simulated kernel; "
            + "SimulatedNetTests.multicastOptionsCarryTheSystemsStructs checks the options and structs passed")
    public void sourceSpecificJoinFiltersOtherSources() {
    }
}
