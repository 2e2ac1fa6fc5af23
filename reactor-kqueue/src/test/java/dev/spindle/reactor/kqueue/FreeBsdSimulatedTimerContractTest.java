package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.TimerContractTest;

/** The timer contract on the kqueue reactor over a simulated FreeBSD (amd64) kernel. */
class FreeBsdSimulatedTimerContractTest extends TimerContractTest {
    private final SimulatedKernel kernel = new SimulatedKernel(BsdPlatform.FREEBSD_X86_64);

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }
}
