package dev.spindle.reactor.kqueue;

/** UDP and UNIX-domain specifics of the kqueue reactor over a simulated Darwin (x86_64) kernel. */
class DarwinSimulatedNetTest extends SimulatedNetTests {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.DARWIN_X86_64;
    }
}
