package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ProcessContractTest;

/**
 * The child-process contract on the epoll backend with the portable, threaded implementation,
 * which it uses where Linux or glibc is too old for the native one.
 */
class EpollPortableProcessContractTest extends ProcessContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        EpollReactor r = (EpollReactor) EpollTesting.newReactor(config);
        r.nativeProcesses = false;
        return r;
    }
}
