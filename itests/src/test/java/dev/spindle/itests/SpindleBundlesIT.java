package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.spi.ReactorProvider;
import dev.spindle.signals.SignalBus;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Spindle's own bundles with only their own backends (epoll and select): everything resolves and
 * starts, the Reactor and SignalBus services are there on the best backend, Metatype describes
 * the configuration, and stopping every backend bundle removes the Reactor service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SpindleBundlesIT extends SpindleOsgiSupport {
    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle());
    }

    @Test
    public void runsInTheFrameworkOfThisExecution() {
        // Failsafe runs these tests once on Felix and once on Equinox.
        String expected = System.getProperty("spindle.itest.framework");
        assertNotNull("spindle.itest.framework is not set", expected);
        assertEquals(expected, context.getBundle(0).getSymbolicName());
    }

    @Test
    public void everyBundleResolvesAndIsActive() {
        for (String bsn : SPINDLE_BUNDLES) {
            assertActive(bundle(bsn));
        }
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                assertActive(b);
            }
        }
    }

    @Test
    public void reactorServiceIsStartedOnTheBestBackend() throws Exception {
        String best = best();
        ServiceReference<Reactor> ref = awaitReactor(best, null);
        assertEquals("registered by reactor-quick", "dev.spindle.reactor.quick", ref.getBundle().getSymbolicName());
        Reactor reactor = service(ref);
        assertEquals(ReactorState.STARTED, reactor.state());
        assertEquals("spindle-reactor", loopThreadName(reactor));
        assertEquals("made by the backend's bundle", backendBundle(best), bundleOf(reactor));
        assertEquals(1, context.getServiceReferences(Reactor.class, null).size());

        ServiceReference<ReactorProvider> provider = awaitService(ReactorProvider.class, "(spindle.reactor.backend=select)");
        assertEquals(10, provider.getProperty(Constants.SERVICE_RANKING));
        assertEquals(10, service(provider).priority());
        assertEquals("dev.spindle.reactor.select", provider.getBundle().getSymbolicName());

        ServiceReference<ReactorProvider> epoll = awaitService(ReactorProvider.class, "(spindle.reactor.backend=epoll)");
        assertEquals(30, epoll.getProperty(Constants.SERVICE_RANKING));
        assertEquals("dev.spindle.reactor.epoll", epoll.getBundle().getSymbolicName());
        if (System.getProperty("os.name").startsWith("Linux")) {
            // The framework's JVM has --enable-native-access=ALL-UNNAMED (itests/pom.xml).
            assertTrue("epoll available in the framework: " + service(epoll).unavailabilityCause(), service(epoll).isAvailable());
            assertEquals("on Linux the best backend is epoll", "epoll", best);
        }
    }

    @Test
    public void signalBusServiceDeliversOnTheReactorService() throws Exception {
        Reactor reactor = service(awaitService(Reactor.class, null));
        ServiceReference<SignalBus> ref = awaitService(SignalBus.class, null);
        assertEquals(best(), ref.getProperty(ReactorProvider.BACKEND_PROPERTY));
        SignalBus bus = service(ref);
        assertSame(reactor, bus.reactor());
        bus.close(); // ignored: the bus is shared
        assertNotNull(bus.listenAll(SignalBus.LISTENER_FAILED, (s, e) -> { }));
    }

    @Test
    public void metatypeDescribesTheConfiguration() throws Exception {
        MetaTypeService metatype = service(awaitService(MetaTypeService.class, null));
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle("dev.spindle.reactor.quick"));
        assertTrue(Arrays.asList(info.getPids()).contains(PID));
        ObjectClassDefinition ocd = info.getObjectClassDefinition(PID, null);
        assertEquals("Spindle reactor", ocd.getName());
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        List<String> ids = Arrays.stream(ads).map(AttributeDefinition::getID).toList();
        assertEquals(List.of("backend", "threadName", "workerThreads"), ids);
        assertEquals("spindle-reactor", ads[1].getDefaultValue()[0]);
        assertEquals(AttributeDefinition.INTEGER, ads[2].getType());
    }

    @Test
    public void stoppingEveryBackendBundleRemovesTheReactorServiceAndStartingThemBringsItBack() throws Exception {
        String best = best();
        ServiceReference<Reactor> ref = awaitReactor(best, null);
        Reactor reactor = service(ref);
        Set<Bundle> backends = new LinkedHashSet<>();
        for (ServiceReference<ReactorProvider> p : context.getServiceReferences(ReactorProvider.class, null)) {
            backends.add(p.getBundle());
        }
        Bundle bestBundle = backendBundle(best);
        bestBundle.stop();
        // Withdrawn and stopped before the provider's unbind returned, i.e. before stop() returned.
        assertEquals(ReactorState.STOPPED, reactor.state());
        for (Bundle b : backends) {
            b.stop();
        }
        awaitNoService(Reactor.class, null);
        awaitNoService(SignalBus.class, null);
        assertActive(bundle("dev.spindle.reactor.quick"));
        assertActive(bundle("dev.spindle.signals"));

        for (Bundle b : backends) {
            b.start();
        }
        ServiceReference<Reactor> again = awaitReactor(best, ref);
        assertEquals(ReactorState.STARTED, service(again).state());
        awaitService(SignalBus.class, "(" + ReactorProvider.BACKEND_PROPERTY + "=" + best + ")");
    }
}
