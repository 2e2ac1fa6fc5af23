package dev.spindle.reactor.kqueue;

/** UDP and UNIX-domain specifics of the kqueue reactor over a simulated FreeBSD (arm64) kernel. */
class FreeBsdSimulatedNetTest extends SimulatedNetTests {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.FREEBSD_AARCH64;
    }
}
