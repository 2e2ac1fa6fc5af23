package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import dev.spindle.itests.backend.TestReactorProvider;
import dev.spindle.itests.broken.BrokenReactorProvider;
import dev.spindle.itests.consumer.ReactorConsumer;
import dev.spindle.itests.mqttconsumer.MqttConsumer;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.spi.ReactorProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.jspecify.annotations.Nullable;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.ProbeBuilder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every Pax Exam test here shares: the framework's bundles (Felix SCR with its API bundles,
 * Configuration Admin, Metatype, SPI Fly with ASM, slf4j-api and slf4j-simple), Spindle's
 * bundles from this build, the test bundles built with Tinybundles, and helpers that wait for
 * services, log lines and threads with generous bounds.
 *
 * <p>The framework runs in Failsafe's JVM (native container). slf4j-simple writes to
 * {@link #LOG_FILE}, so tests can assert that an error was logged.
 */
public abstract class SpindleOsgiSupport {
    /** Bundle symbolic names of Spindle's bundles, in install order. */
    static final List<String> SPINDLE_BUNDLES = List.of("dev.spindle.reactor", "dev.spindle.reactor.select", "dev.spindle.reactor.epoll",
            "dev.spindle.reactor.quick", "dev.spindle.signals", "dev.spindle.mqtt");
    static final String TEST_BACKEND = "dev.spindle.itests.backend.test";
    static final String BROKEN_BACKEND = "dev.spindle.itests.backend.broken";
    static final String CONSUMER = "dev.spindle.itests.consumer";
    static final String MQTT_CONSUMER = "dev.spindle.itests.mqttconsumer";
    /** The system property with the port of the test driver's Mosquitto broker: {@value}. */
    static final String MQTT_PORT = "spindle.itest.mqtt.port";
    static final String PID = "dev.spindle.reactor";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path LOG_FILE = Path.of(System.getProperty("spindle.itest.logDir", "target/framework-logs"),
            "framework.log");

    @Inject
    protected BundleContext context;

    /**
     * The probe (this module's test classes as a bundle, made by Pax Exam) contains the test
     * bundles' classes too; importing their packages makes it use the test bundles' own classes
     * (imports are searched before a bundle's content), so that it sees their services.
     */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                TestReactorProvider.class.getPackageName() + ";resolution:=optional",
                ReactorConsumer.class.getPackageName() + ";resolution:=optional",
                BrokenReactorProvider.class.getPackageName() + ";resolution:=optional",
                MqttConsumer.class.getPackageName() + ";resolution:=optional"));
        return probe;
    }

    // ------------------------------------------------------------------ bundles and services

    Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " is installed");
    }

    /** Waits for a service of {@code type} matching {@code filter} (null for any) and returns it. */
    <T> ServiceReference<T> awaitService(Class<T> type, @Nullable String filter) throws Exception {
        Filter f = filter(type, filter);
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        try {
            T service = tracker.waitForService(WAIT.toMillis());
            ServiceReference<T> ref = tracker.getServiceReference();
            if (service == null || ref == null) {
                fail("no " + f + " service within " + WAIT + "; services now: " + describe(type));
            }
            return ref;
        } finally {
            tracker.close();
        }
    }

    /**
     * The backend the Reactor service should use: the available provider with the highest
     * priority, leaving out {@code excluded} names. Today that is select; with reactor-epoll
     * installed (and native access granted) it is epoll, and the tests follow.
     */
    String best(String... excluded) throws Exception {
        awaitService(ReactorProvider.class, "(" + ReactorProvider.BACKEND_PROPERTY + "=select)");
        String best = null;
        int priority = Integer.MIN_VALUE;
        for (ServiceReference<ReactorProvider> ref : context.getServiceReferences(ReactorProvider.class, null)) {
            ReactorProvider p = context.getService(ref);
            if (p != null && p.isAvailable() && !List.of(excluded).contains(p.name()) && p.priority() > priority) {
                best = p.name();
                priority = p.priority();
            }
        }
        assertNotNull("no available backend besides " + List.of(excluded), best);
        return best;
    }

    /** The bundle that registers the provider of {@code backend}. */
    Bundle backendBundle(String backend) throws Exception {
        return awaitService(ReactorProvider.class, "(" + ReactorProvider.BACKEND_PROPERTY + "=" + backend + ")")
                .getBundle();
    }

    /** Waits for a {@code Reactor} service on {@code backend} other than {@code notThis}. */
    ServiceReference<Reactor> awaitReactor(String backend, @Nullable ServiceReference<Reactor> notThis)
            throws Exception {
        String filter = "(" + ReactorProvider.BACKEND_PROPERTY + "=" + backend + ")";
        if (notThis != null) {
            filter = "(&" + filter + "(!(service.id=" + notThis.getProperty(Constants.SERVICE_ID) + ")))";
        }
        return awaitService(Reactor.class, filter);
    }

    /** Waits until no service of {@code type} matching {@code filter} is registered. */
    void awaitNoService(Class<?> type, @Nullable String filter) throws Exception {
        Filter f = filter(type, filter);
        await("no " + f + " service", () -> {
            try {
                ServiceReference<?>[] refs = context.getServiceReferences(type.getName(), filter);
                return refs == null || refs.length == 0;
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    private Filter filter(Class<?> type, @Nullable String filter) throws InvalidSyntaxException {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        return context.createFilter(filter == null ? objectClass : "(&" + objectClass + filter + ")");
    }

    String describe(Class<?> type) throws InvalidSyntaxException {
        // All of them, also those whose class this bundle cannot see (a class-space problem).
        ServiceReference<?>[] refs = context.getAllServiceReferences(type.getName(), null);
        List<String> out = new ArrayList<>();
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                out.add("{id=" + r.getProperty(Constants.SERVICE_ID) + ", backend="
                        + r.getProperty(ReactorProvider.BACKEND_PROPERTY) + ", bundle=" + r.getBundle() + "}");
            }
        }
        return out.toString();
    }

    <T> T service(ServiceReference<T> ref) {
        T s = context.getService(ref);
        assertNotNull("service " + ref + " is gone", s);
        return s;
    }

    /** The name of the thread {@code reactor} runs tasks on. */
    static String loopThreadName(Reactor reactor) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        reactor.execute(() -> name.complete(Thread.currentThread().getName()));
        return name.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ configuration

    void configure(Object... keyValues) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        configuration().update(props);
    }

    void deleteConfiguration() throws Exception {
        configuration().delete();
    }

    private Configuration configuration() throws Exception {
        ServiceReference<ConfigurationAdmin> ref = awaitService(ConfigurationAdmin.class, null);
        return service(ref).getConfiguration(PID, "?");
    }

    // ------------------------------------------------------------------ logs, threads, descriptors

    /** The size of the framework's log now: pass it to {@link #awaitLog}. */
    static long logMark() throws IOException {
        return Files.exists(LOG_FILE) ? Files.size(LOG_FILE) : 0;
    }

    /** Waits until the framework's log, from {@code mark} on, has a line containing all {@code parts}. */
    static String awaitLog(long mark, String... parts) throws Exception {
        String[] found = new String[1];
        await("a log line with " + List.of(parts), () -> {
            for (String line : logSince(mark)) {
                boolean all = true;
                for (String p : parts) {
                    all &= line.contains(p);
                }
                if (all) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static List<String> logSince(long mark) {
        try {
            if (!Files.exists(LOG_FILE)) {
                return List.of();
            }
            byte[] all = Files.readAllBytes(LOG_FILE);
            int from = (int) Math.min(mark, all.length);
            return List.of(new String(all, from, all.length - from, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> spindleThreads() {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("spindle-")) {
                out.add(t.getName());
            }
        }
        return out;
    }

    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Open descriptors whose link names {@code kind}, e.g. {@code [eventpoll]} for an epoll instance. */
    static long openDescriptors(String kind) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains(kind);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    /** Polls {@code condition} every 10 ms until it holds, for at most {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static void assertActive(Bundle b) {
        assertEquals(b.getSymbolicName() + " state", Bundle.ACTIVE, b.getState());
    }

    static Bundle bundleOf(Object service) {
        Bundle b = FrameworkUtil.getBundle(service.getClass());
        assertNotNull("bundle of " + service, b);
        return b;
    }
}
