package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.UnixContractTest;

/** The UNIX-domain socket contract on the epoll backend, which binds Linux abstract names too. */
class EpollUnixContractTest extends UnixContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @Override
    protected boolean supportsAbstractNamespace() {
        return true;
    }
}
