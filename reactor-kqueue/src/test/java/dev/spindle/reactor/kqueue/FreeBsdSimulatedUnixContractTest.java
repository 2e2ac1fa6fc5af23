package dev.spindle.reactor.kqueue;

/** The UNIX-domain socket contract on the kqueue reactor over a simulated FreeBSD (amd64) kernel. */
class FreeBsdSimulatedUnixContractTest extends SimulatedUnixContract {
    @Override
    BsdPlatform platform() {
        return BsdPlatform.FREEBSD_X86_64;
    }
}
