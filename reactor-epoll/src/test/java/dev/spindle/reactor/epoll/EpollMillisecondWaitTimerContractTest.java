package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.TimerContractTest;
import org.junit.jupiter.api.Test;

/**
 * The timer contract with {@code epoll_wait}'s millisecond timeouts, the fallback for C libraries
 * or kernels without {@code epoll_pwait2} (timeouts rounded up: a timer is late by less than a
 * millisecond, never early).
 */
class EpollMillisecondWaitTimerContractTest extends TimerContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        EpollTesting.newReactor(config); // fails with the reason if the backend is unavailable
        return new EpollReactor(config, LinuxLayout.current(), false);
    }

    @Test
    void waitsInMilliseconds() {
        ReactorHarness h = started();
        assertFalse(h.call(() -> ((EpollReactor) h.reactor()).io().nanosecondWaits()));
    }

    @Test
    void theDefaultWaitsInNanosecondsOnThisMachine() {
        // glibc 2.35+ and Linux 5.11+ (this machine kind: Debian 12's glibc 2.36).
        ReactorHarness h = harness(EpollTesting.newReactor(config().build())).start();
        assertTrue(h.call(() -> ((EpollReactor) h.reactor()).io().nanosecondWaits()), "epoll_pwait2 in use");
    }
}
