package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ThreadingContractTest;

/** The threading contract on the kqueue reactor over a simulated FreeBSD (amd64) kernel. */
class FreeBsdSimulatedThreadingContractTest extends ThreadingContractTest {
    private final SimulatedKernel kernel = new SimulatedKernel(BsdPlatform.FREEBSD_X86_64);

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }
}
