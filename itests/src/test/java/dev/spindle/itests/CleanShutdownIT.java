package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * After every Spindle bundle (and the test bundles) stops, no Spindle thread is alive and no
 * descriptor stays open.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class CleanShutdownIT extends SpindleOsgiSupport {
    /** Descriptors the JVM may open or close meanwhile for its own reasons (class loading, GC logs). */
    private static final long SLACK = 2;

    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle(), SpindleOptions.testBackend(), SpindleOptions.consumer());
    }

    private List<Bundle> ours() {
        List<Bundle> out = new ArrayList<>();
        for (String bsn : SPINDLE_BUNDLES) {
            out.add(bundle(bsn));
        }
        out.add(bundle(TEST_BACKEND));
        out.add(bundle(CONSUMER));
        return out;
    }

    private void stopAll() throws Exception {
        List<Bundle> bundles = ours();
        for (int i = bundles.size() - 1; i >= 0; i--) {
            bundles.get(i).stop();
        }
        await("no Spindle thread alive (now: " + spindleThreads() + ")", () -> spindleThreads().isEmpty());
    }

    private void startAll() throws Exception {
        for (Bundle b : ours()) {
            b.start();
        }
    }

    /** What /proc/self/fd links an epoll instance to: {@code anon_inode:[eventpoll]}. */
    private static final String EPOLL_INSTANCE = "[eventpoll]";

    @Test
    public void noThreadAndNoDescriptorIsLeftAfterEveryBundleStops() throws Exception {
        awaitReactor("test", null);
        assertTrue(spindleThreads().contains("spindle-reactor"));
        stopAll();
        long baseline = openDescriptors();
        long baselineEpoll = openDescriptors(EPOLL_INSTANCE);

        // Again from stopped, on select (it has descriptors: the selector), with the worker pool in use.
        configure("backend", "select", "workerThreads", 2);
        startAll();
        Reactor reactor = service(awaitReactor("select", null));
        reactor.callInThread(() -> "done").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> running = spindleThreads();
        assertTrue(running.toString(), running.contains("spindle-reactor") && running.contains("spindle-reactor-worker-1"));
        // The measurement sees the selector (on Linux an epoll instance). Compared by kind: the
        // total can stay level when the JVM closes an unrelated descriptor meanwhile.
        long runningEpoll = openDescriptors(EPOLL_INSTANCE);
        assertTrue("the selector's epoll instance is seen: " + baselineEpoll + " -> " + runningEpoll,
                runningEpoll > baselineEpoll);

        stopAll();
        assertEquals(ReactorState.STOPPED, reactor.state());
        long after = openDescriptors();
        assertTrue("descriptors before " + baseline + ", after " + after, after <= baseline + SLACK);
    }
}
