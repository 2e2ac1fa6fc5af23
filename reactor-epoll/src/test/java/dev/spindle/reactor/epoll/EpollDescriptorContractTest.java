package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.DescriptorContractTest;

/** The descriptor contract on the epoll backend. */
class EpollDescriptorContractTest extends DescriptorContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
