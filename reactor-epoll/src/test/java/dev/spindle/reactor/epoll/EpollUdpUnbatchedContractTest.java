package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.UdpContractTest;

/**
 * The UDP contract on the epoll backend with batching off (batch size 1, as
 * {@code -Dspindle.epoll.udp.batch=1} sets it): one {@code recvmsg} or {@code sendmsg} per datagram.
 */
class EpollUdpUnbatchedContractTest extends UdpContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        EpollReactor r = (EpollReactor) EpollTesting.newReactor(config);
        r.udpBatch = 1;
        return r;
    }
}
