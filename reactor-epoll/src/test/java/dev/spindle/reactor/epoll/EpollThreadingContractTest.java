package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ThreadingContractTest;

/** The threading contract on the epoll backend. */
class EpollThreadingContractTest extends ThreadingContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
