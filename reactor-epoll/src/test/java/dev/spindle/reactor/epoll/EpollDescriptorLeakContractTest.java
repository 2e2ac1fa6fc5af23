package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.DescriptorLeakContractTest;

/** The DescriptorLeak contract on the epoll backend. */
class EpollDescriptorLeakContractTest extends DescriptorLeakContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
