package dev.spindle.reactor.kqueue;

/** The UNIX-domain socket contract on the kqueue reactor over a simulated Darwin (arm64) kernel. */
class DarwinSimulatedUnixContractTest extends SimulatedUnixContract {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.DARWIN_AARCH64;
    }
}
