package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.TcpFlowContractTest;

/** The tcp flow contract on the epoll backend. */
class EpollTcpFlowContractTest extends TcpFlowContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
