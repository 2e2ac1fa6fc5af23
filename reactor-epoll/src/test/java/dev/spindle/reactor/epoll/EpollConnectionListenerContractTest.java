package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ConnectionListenerContractTest;

/** The connection-listener contract on the epoll backend: its transports go through start() and their end too. */
class EpollConnectionListenerContractTest extends ConnectionListenerContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
