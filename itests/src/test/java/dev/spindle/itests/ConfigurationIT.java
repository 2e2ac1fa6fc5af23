package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.signals.SignalBus;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.ServiceReference;

/**
 * The Reactor service configured through Configuration Admin (PID {@code dev.spindle.reactor}):
 * good values take effect on a new reactor; bad ones leave no Reactor service (never a
 * half-registered one) and a logged error, until they are fixed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ConfigurationIT extends SpindleOsgiSupport {
    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle());
    }

    @Test
    public void threadNameWorkerPoolAndBackendTakeEffect() throws Exception {
        ServiceReference<Reactor> before = awaitReactor(best(), null);
        Reactor old = service(before);
        configure("backend", "select", "threadName", "itest-loop", "workerThreads", 2);
        ServiceReference<Reactor> after = awaitReactor("select", before);
        Reactor reactor = service(after);
        assertEquals("itest-loop", loopThreadName(reactor));
        assertEquals(2, reactor.config().workerThreads());
        String worker = reactor.callInThread(() -> Thread.currentThread().getName()).toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(worker, worker.startsWith("itest-loop-worker-"));
        // The replaced reactor was stopped after the new one was registered.
        await("the old reactor stops", () -> old.state() == ReactorState.STOPPED);
        awaitNoService(Reactor.class, "(service.id=" + before.getProperty("service.id") + ")");
        // The signal bus moved along.
        assertEquals(reactor, service(awaitService(SignalBus.class, null)).reactor());
    }

    @Test
    public void unknownBackendLeavesNoReactorServiceAndLogsAnError() throws Exception {
        String best = best();
        ServiceReference<Reactor> before = awaitReactor(best, null);
        Reactor old = service(before);
        long mark = logMark();
        configure("backend", "nope");
        String line = awaitLog(mark, "ERROR", "names backend 'nope', an unknown reactor backend",
                "Backends present: ", "select (priority 10, available)");
        assertTrue(line, line.contains("no Reactor service until it appears"));
        awaitNoService(Reactor.class, null);
        awaitNoService(SignalBus.class, null);
        assertEquals(ReactorState.STOPPED, old.state());
        assertNull("no Reactor service at all", context.getServiceReference(Reactor.class));

        // Fixed: the service comes back on the best backend.
        deleteConfiguration();
        ServiceReference<Reactor> again = awaitReactor(best, before);
        assertEquals(ReactorState.STARTED, service(again).state());
    }

    @Test
    public void negativeWorkerPoolLeavesNoReactorServiceAndLogsAnError() throws Exception {
        String best = best();
        ServiceReference<Reactor> before = awaitReactor(best, null);
        long mark = logMark();
        configure("workerThreads", -1);
        awaitLog(mark, "ERROR", "invalid configuration dev.spindle.reactor",
                "workerThreads must be in 1..1024, found: -1");
        awaitNoService(Reactor.class, null);
        assertNull(context.getServiceReference(Reactor.class));

        configure("workerThreads", 3);
        Reactor reactor = service(awaitReactor(best, before));
        assertEquals(3, reactor.config().workerThreads());
    }

    @Test
    public void blankThreadNameLeavesNoReactorServiceAndLogsAnError() throws Exception {
        awaitReactor(best(), null);
        long mark = logMark();
        configure("threadName", " ");
        awaitLog(mark, "ERROR", "invalid configuration dev.spindle.reactor", "threadName must not be blank");
        awaitNoService(Reactor.class, null);
    }
}
