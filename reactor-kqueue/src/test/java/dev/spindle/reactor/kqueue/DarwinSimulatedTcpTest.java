package dev.spindle.reactor.kqueue;

/** TCP and pipes on the kqueue reactor over a simulated Darwin (x86_64) kernel. */
class DarwinSimulatedTcpTest extends SimulatedTcpTests {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.DARWIN_X86_64;
    }
}
