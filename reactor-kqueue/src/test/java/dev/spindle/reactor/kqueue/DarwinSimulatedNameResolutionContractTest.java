package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.NameResolutionContractTest;

/** The name resolution contract on the kqueue reactor over a simulated Darwin (arm64) kernel. */
class DarwinSimulatedNameResolutionContractTest extends NameResolutionContractTest {
    private final SimulatedKernel kernel = new SimulatedKernel(BsdPlatform.DARWIN_AARCH64);

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }
}
