package dev.spindle.reactor.kqueue;

/** The UDP contract on the kqueue reactor over a simulated FreeBSD (amd64) kernel. */
class FreeBsdSimulatedUdpContractTest extends SimulatedUdpContract {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.FREEBSD_X86_64;
    }
}
