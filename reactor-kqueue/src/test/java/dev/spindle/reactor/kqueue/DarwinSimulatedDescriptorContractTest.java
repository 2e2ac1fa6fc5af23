package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.DescriptorContractTest;

/** The descriptor contract on the kqueue reactor over a simulated Darwin (arm64) kernel. */
class DarwinSimulatedDescriptorContractTest extends DescriptorContractTest {
    private final SimulatedKernel kernel = new SimulatedKernel(BsdPlatform.DARWIN_AARCH64);

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }
}
