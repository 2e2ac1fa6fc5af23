package dev.spindle.reactor.kqueue;

/** TCP and pipes on the kqueue reactor over a simulated FreeBSD (arm64) kernel. */
class FreeBsdSimulatedTcpTest extends SimulatedTcpTests {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.FREEBSD_AARCH64;
    }
}
