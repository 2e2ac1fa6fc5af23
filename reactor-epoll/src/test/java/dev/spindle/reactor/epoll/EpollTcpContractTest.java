package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.TcpContractTest;

/** The tcp contract on the epoll backend. */
class EpollTcpContractTest extends TcpContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
