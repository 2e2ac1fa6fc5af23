package dev.spindle.reactor.kqueue;

/** The UDP contract on the kqueue reactor over a simulated Darwin (arm64) kernel. */
class DarwinSimulatedUdpContractTest extends SimulatedUdpContract {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.DARWIN_AARCH64;
    }
}
