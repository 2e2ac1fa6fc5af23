package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.spindle.itests.backend.TestReactorProvider;
import dev.spindle.itests.broken.BrokenReactorProvider;
import dev.spindle.itests.consumer.ReactorConsumer;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.spi.ReactorProvider;
import dev.spindle.signals.SignalBus;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * Backends coming and going, with a third-party backend {@code test} (priority 1000, its own
 * bundle, registered through Declarative Services) above Spindle's own backends (select; epoll
 * once it is merged), and a consumer
 * component bound dynamically to the Reactor service. Decision under test: the Reactor service
 * always runs on the best backend present, so a better backend that arrives is switched to at
 * once (unless the configuration names a backend).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BackendSwitchIT extends SpindleOsgiSupport {
    private static final String BROKEN_LOCATION = "spindle.itest.brokenBackend";

    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle(), SpindleOptions.testBackend(), SpindleOptions.consumer(),
                systemProperty(BROKEN_LOCATION).value(SpindleOptions.brokenBackendLocation()));
    }

    private ReactorConsumer consumer() throws Exception {
        return service(awaitService(ReactorConsumer.class, null));
    }

    /** Waits until the consumer is bound to {@code reactor}. */
    private void awaitBound(ReactorConsumer consumer, Reactor reactor) throws Exception {
        await("the consumer bound to " + reactor, () -> consumer.reactor() == reactor);
    }

    @Test
    public void theBestBackendPresentIsUsed() throws Exception {
        ServiceReference<Reactor> ref = awaitReactor("test", null);
        Reactor reactor = service(ref);
        assertEquals("TestReactor", reactor.getClass().getSimpleName());
        assertEquals(TEST_BACKEND, bundleOf(reactor).getSymbolicName());
        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals("spindle-reactor", loopThreadName(reactor));
        ReactorConsumer consumer = consumer();
        awaitBound(consumer, reactor);
        assertEquals(1, consumer.activations());
        // test, epoll and select (the broken backend is not installed in this class).
        assertEquals(3, context.getServiceReferences(ReactorProvider.class, null).size());
    }

    @Test
    public void stoppingTheBackendInUseMovesTheConsumerToTheNextBestWithoutRestartingIt() throws Exception {
        ServiceReference<Reactor> testRef = awaitReactor("test", null);
        Reactor testReactor = service(testRef);
        ReactorConsumer consumer = consumer();
        awaitBound(consumer, testReactor);

        String next = best(TestReactorProvider.NAME, BrokenReactorProvider.NAME);
        bundle(TEST_BACKEND).stop();
        // The reactor the stopped bundle made is stopped before its bundle's stop() returns.
        assertEquals(ReactorState.STOPPED, testReactor.state());
        Reactor nextReactor = service(awaitReactor(next, null));
        assertEquals(backendBundle(next), bundleOf(nextReactor));
        awaitBound(consumer, nextReactor);
        assertEquals("the consumer was not restarted", 1, consumer.activations());
        assertEquals(List.of(testReactor, nextReactor), consumer.history());
        assertSame(nextReactor,
                service(awaitService(SignalBus.class, "(spindle.reactor.backend=" + next + ")")).reactor());
        awaitNoService(Reactor.class, "(spindle.reactor.backend=test)");
    }

    @Test
    public void startingTheBetterBackendAgainSwitchesBackAtOnce() throws Exception {
        ReactorConsumer consumer = consumer();
        awaitReactor("test", null);
        String next = best(TestReactorProvider.NAME, BrokenReactorProvider.NAME);
        bundle(TEST_BACKEND).stop();
        Reactor nextReactor = service(awaitReactor(next, null));
        awaitBound(consumer, nextReactor);

        bundle(TEST_BACKEND).start();
        Reactor testReactor = service(awaitReactor("test", null));
        awaitBound(consumer, testReactor);
        await("the replaced reactor stops", () -> nextReactor.state() == ReactorState.STOPPED);
        awaitNoService(Reactor.class, "(spindle.reactor.backend=" + next + ")");
        assertEquals("the consumer was not restarted", 1, consumer.activations());
        assertEquals(3, consumer.history().size());
    }

    @Test
    public void stoppingABackendNotInUseChangesNothing() throws Exception {
        ServiceReference<Reactor> ref = awaitReactor("test", null);
        Reactor reactor = service(ref);
        bundle("dev.spindle.reactor.select").stop();
        awaitNoService(ReactorProvider.class, "(spindle.reactor.backend=select)");
        ServiceReference<Reactor> still = awaitReactor("test", null);
        assertEquals(ref.getProperty(Constants.SERVICE_ID), still.getProperty(Constants.SERVICE_ID));
        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals(1, consumer().activations());
    }

    @Test
    public void aConfiguredBackendIsKeptEvenWhenABetterOneIsPresent() throws Exception {
        ServiceReference<Reactor> testRef = awaitReactor("test", null);
        ReactorConsumer consumer = consumer();
        configure("backend", "select");
        Reactor selectReactor = service(awaitReactor("select", null));
        awaitBound(consumer, selectReactor);
        awaitNoService(Reactor.class, "(service.id=" + testRef.getProperty(Constants.SERVICE_ID) + ")");
        // The test backend restarting does not take the reactor away from the configured one.
        bundle(TEST_BACKEND).stop();
        bundle(TEST_BACKEND).start();
        awaitService(ReactorProvider.class, "(spindle.reactor.backend=test)");
        assertEquals(1, context.getServiceReferences(Reactor.class, null).size());
        assertSame(selectReactor, service(awaitReactor("select", null)));
        assertEquals(1, consumer.activations());
    }

    @Test
    public void aProviderThatFailsToCreateIsLoggedAndTheNextBestIsUsed() throws Exception {
        ServiceReference<Reactor> ref = awaitReactor("test", null);
        long mark = logMark();
        Bundle broken = context.installBundle(System.getProperty(BROKEN_LOCATION));
        broken.start();
        awaitLog(mark, "ERROR", "reactor backend 'broken' (priority 2000) failed to create a reactor; trying the next best");
        awaitLog(mark, "the broken itests backend cannot create reactors");
        // The provider is registered and stays so; the Reactor service did not move.
        awaitService(ReactorProvider.class, "(spindle.reactor.backend=broken)");
        ServiceReference<Reactor> still = awaitReactor("test", null);
        assertEquals(ref.getProperty(Constants.SERVICE_ID), still.getProperty(Constants.SERVICE_ID));

        // With the test backend gone, broken is not asked again (a provider that failed is
        // retried only when it registers anew or the configuration changes): the next is used.
        String next = best(TestReactorProvider.NAME, BrokenReactorProvider.NAME);
        long mark2 = logMark();
        bundle(TEST_BACKEND).stop();
        awaitReactor(next, null);
        assertEquals(1, context.getServiceReferences(Reactor.class, null).size());
        assertEquals(0, logSince(mark2).stream().filter(l -> l.contains("'broken'")).count());
    }
}
