package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.TimerContractTest;

/** The timer contract on the epoll backend. */
class EpollTimerContractTest extends TimerContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }
}
