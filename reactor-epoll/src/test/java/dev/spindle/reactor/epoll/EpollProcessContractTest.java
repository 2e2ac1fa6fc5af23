package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ProcessContractTest;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProcessProtocol;
import org.junit.jupiter.api.Test;

/** The child-process contract on the epoll backend's native implementation (posix_spawn, pidfd, no threads). */
class EpollProcessContractTest extends ProcessContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @Test
    void theNativeImplementationRunsTheChildren() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = h.call(() -> h.reactor().spawnProcess(ProcessSpec.of("true"), p));
        assertEquals("EpollProcessTransport", t.getClass().getSimpleName(), "this kernel and C library support it");
        assertTrue(ReactorHarness.await(p.ended()).exit().isSuccess());
    }
}
