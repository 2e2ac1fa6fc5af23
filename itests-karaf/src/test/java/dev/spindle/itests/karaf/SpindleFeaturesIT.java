package dev.spindle.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Spindle's feature repository in Apache Karaf 4.4.10, installed the two ways a user does it,
 * one per Failsafe execution ({@code spindle.itest.install}):
 * <ul>
 *   <li>{@code console}: the README's three console lines, typed into a Karaf shell session once
 *       per Karaf, before the first test. Runs Karaf on Java 17, because Karaf 4.4.10's shell
 *       cannot open a session on Java 24 and newer ({@code Subject.getSubject} is gone); there
 *       the feature leaves epoll out (it needs Java 22) and the Reactor service runs on select.
 *       Then the README's MQTT lines: {@code feature:install spindle-mqtt} and the client's
 *       factory configuration made with {@code config:edit --factory}.</li>
 *   <li>{@code boot}: the feature repository and {@code spindle} in
 *       {@code etc/org.apache.karaf.features.cfg} ({@code featuresRepositories},
 *       {@code featuresBoot}), which works on every Java. Runs Karaf on the JDK that runs Maven
 *       (25) with native access for bundles: on Linux the Reactor service runs on epoll. The MQTT
 *       client's factory configuration is the file {@code etc/dev.spindle.mqtt.client-karaf_boot.cfg}.</li>
 * </ul>
 * Either way the MQTT client talks to a Mosquitto broker the test driver started
 * ({@link KarafTestBroker}).
 *
 * <p>This class names no Spindle type: Karaf starts without Spindle (console) or installs it
 * while the probe starts (boot), and the probe imports packages dynamically, so Spindle's classes
 * can only be loaded once the features are installed. Everything that uses them is in
 * {@link SpindleChecks} and {@link MqttChecks}, loaded later.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SpindleFeaturesIT {
    /** Spindle's bundles; {@code feature:install spindle} installs all of them where epoll can run. */
    static final List<String> SPINDLE_BUNDLES = List.of("dev.spindle.reactor", "dev.spindle.reactor.select",
            "dev.spindle.reactor.epoll", "dev.spindle.reactor.quick", "dev.spindle.signals", "dev.spindle.mqtt");
    static final String EPOLL_BUNDLE = "dev.spindle.reactor.epoll";

    /** What the console printed for each line, in order (console mode); set once per Karaf. */
    private static Map<String, String> typed;
    /** Why installing failed, so that the following tests fail at once instead of trying again. */
    private static Throwable installFailure;

    @Inject
    protected BundleContext context;

    @Inject
    protected SessionFactory sessions;

    @Inject
    protected FeaturesService features;

    @Configuration
    public Option[] config() {
        return KarafOptions.karaf(consoleMode(), featuresUrl());
    }

    /** True when the features are installed by typing the console lines, false when at boot. */
    static boolean consoleMode() {
        String mode = System.getProperty("spindle.itest.install");
        if ("console".equals(mode)) {
            return true;
        }
        if ("boot".equals(mode)) {
            return false;
        }
        throw new IllegalStateException("spindle.itest.install must be console or boot, found: " + mode);
    }

    static String featuresUrl() {
        return "mvn:dev.spindle/features/" + System.getProperty("spindle.itest.version") + "/xml/features";
    }

    /** The three console lines of the README. */
    static List<String> consoleLines() {
        return List.of("feature:repo-add " + featuresUrl(), "feature:install spindle",
                "service:list dev.spindle.reactor.Reactor");
    }

    /**
     * The MQTT client's lines of the README, typed after {@link #consoleLines()}: the feature, and
     * its factory configuration made with {@code config:} commands joined by {@code ;} into one
     * line (the editing session lives in the shell session).
     */
    static List<String> mqttConsoleLines() {
        return List.of("feature:install spindle-mqtt", "config:edit --factory --alias " + mqttClientId()
                + " dev.spindle.mqtt.client; config:property-set host 127.0.0.1; config:property-set port " + mqttPort()
                + "; config:property-set clientId " + mqttClientId() + "; config:update",
                "service:list dev.spindle.mqtt.MqttClient");
    }

    /**
     * The client identifier of the MQTT client configured for this Karaf, also the name of its
     * factory configuration: made with the console (console mode) or by the file
     * {@code etc/dev.spindle.mqtt.client-<id>.cfg} (boot mode, see {@link KarafOptions}).
     */
    static String mqttClientId() {
        return consoleMode() ? "karaf_console" : "karaf_boot";
    }

    /** The port of the test driver's Mosquitto broker, handed into Karaf as a system property. */
    static int mqttPort() {
        String port = System.getProperty(KarafTestBroker.PORT_PROPERTY);
        if (port == null) {
            throw new IllegalStateException("system property " + KarafTestBroker.PORT_PROPERTY + " is not set");
        }
        return Integer.parseInt(port);
    }

    /** epoll where the feature installs it and it can run (Karaf's JVM has native access), else select. */
    static String expectedBackend() {
        return epollExpected() ? "epoll" : "select";
    }

    /** The condition of the feature's epoll bundle: Linux and Java 22+. */
    static boolean epollExpected() {
        return System.getProperty("os.name", "").startsWith("Linux") && Runtime.version().feature() >= 22;
    }

    @Before
    public void install() throws Exception {
        if (installFailure != null) {
            throw new AssertionError("installing Spindle failed before: " + installFailure, installFailure);
        }
        if (typed == null) {
            try {
                typed = installOnce();
            } catch (Exception | AssertionError e) {
                installFailure = e;
                throw e;
            }
        }
    }

    private Map<String, String> installOnce() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        if (consoleMode()) {
            List<String> lines = consoleLines();
            out.put(lines.get(0), execute(lines.get(0)));
            out.put(lines.get(1), execute(lines.get(1)));
            // Declarative Services registers the Reactor service once the bundles have started: a
            // user types the third line after that.
            SpindleChecks.awaitReactor(context, expectedBackend());
            out.put(lines.get(2), execute(lines.get(2)));
            List<String> mqttLines = mqttConsoleLines();
            out.put(mqttLines.get(0), execute(mqttLines.get(0)));
            out.put(mqttLines.get(1), execute(mqttLines.get(1)));
            // Again a user lists the service once Declarative Services has registered it.
            MqttChecks.awaitClient(context, mqttClientId());
            out.put(mqttLines.get(2), execute(mqttLines.get(2)));
        } else {
            // Installed at boot from etc/org.apache.karaf.features.cfg, maybe still in progress.
            SpindleChecks.awaitReactor(context, expectedBackend());
        }
        return out;
    }

    @Test
    public void theFeaturesAreInstalledAndTheReactorServiceIsListed() throws Exception {
        Repository repository = features.getRepository(URI.create(featuresUrl()));
        assertNotNull("feature repository " + featuresUrl() + " added; console said: " + typed, repository);
        assertEquals("spindle-" + System.getProperty("spindle.itest.version"), repository.getName());
        for (String name : List.of("spindle-reactor", "spindle-signals", "spindle-mqtt", "spindle")) {
            assertTrue(name + " installed; console said: " + typed, features.isInstalled(features.getFeature(name)));
        }
        if (consoleMode()) {
            List<String> lines = consoleLines();
            List<String> all = new ArrayList<>(lines);
            all.addAll(mqttConsoleLines());
            assertEquals(all, List.copyOf(typed.keySet()));
            assertEquals("Adding feature url " + featuresUrl(), typed.get(lines.get(0)).strip());
            String listing = typed.get(lines.get(2)).replace("\r\n", "\n");
            Bundle quick = bundle("dev.spindle.reactor.quick");
            assertNotNull(quick);
            assertTrue("service:list shows the Reactor service: " + listing, listing.contains("[dev.spindle.reactor.Reactor]"));
            String providedBy = "Provided by : \n " + quick.getHeaders().get("Bundle-Name") + " (" + quick.getBundleId() + ")";
            assertTrue("registered by reactor-quick (" + providedBy + "): " + listing, listing.contains(providedBy));
            assertTrue("on " + expectedBackend() + ": " + listing,
                    listing.contains("spindle.reactor.backend = " + expectedBackend()));
            String mqttListing = typed.get(mqttConsoleLines().get(2)).replace("\r\n", "\n");
            assertTrue("service:list shows the MqttClient service: " + mqttListing,
                    mqttListing.contains("[dev.spindle.mqtt.MqttClient]"));
            Bundle mqtt = bundle("dev.spindle.mqtt");
            assertNotNull(mqtt);
            String mqttProvidedBy = "Provided by : \n " + mqtt.getHeaders().get("Bundle-Name") + " (" + mqtt.getBundleId() + ")";
            assertTrue("registered by mqtt-client (" + mqttProvidedBy + "): " + mqttListing,
                    mqttListing.contains(mqttProvidedBy));
            for (String property : List.of("mqtt.clientId = " + mqttClientId(), "mqtt.host = 127.0.0.1",
                    "mqtt.port = " + mqttPort(), "mqtt.version = 3.1.1", "service.factoryPid = dev.spindle.mqtt.client")) {
                assertTrue(property + ": " + mqttListing, mqttListing.contains(property));
            }
            assertFalse("no password: " + mqttListing, mqttListing.contains("password"));
        }
    }

    @Test
    public void everySpindleBundleIsActiveAndLogsThroughPaxLogging() throws Exception {
        for (String symbolicName : SPINDLE_BUNDLES) {
            Bundle b = bundle(symbolicName);
            if (symbolicName.equals(EPOLL_BUNDLE) && !epollExpected()) {
                assertNull("the feature leaves epoll out on " + System.getProperty("os.name") + ", Java "
                        + Runtime.version().feature(), b);
                continue;
            }
            assertNotNull(symbolicName + " installed; bundles: " + bundleStates(), b);
            assertEquals(symbolicName + " state; karaf.log: " + logTail(), Bundle.ACTIVE, b.getState());
            // slf4j-api comes from Karaf's pax-logging-api (org.slf4j 2.0.x in Spindle's [2.0,3)).
            assertEquals(symbolicName + " imports org.slf4j from", "org.ops4j.pax.logging.pax-logging-api",
                    packageProvider(b, "org.slf4j"));
        }
    }

    @Test
    public void theReactorServiceRunsScheduledCallsAndEchoesOverLoopbackTcp() throws Exception {
        SpindleChecks.scheduleAndEcho(context, expectedBackend());
    }

    @Test
    public void theReactorServiceRunsOnTheBestBackendHere() throws Exception {
        SpindleChecks.runsOn(context, expectedBackend());
    }

    @Test
    public void theMqttClientOfAFactoryConfigurationRoundTripsThroughMosquitto() throws Exception {
        MqttChecks.roundTrip(context, mqttClientId(), expectedBackend(), mqttPort());
    }

    @Test
    public void aWhiteboardListenerSeesTheReactorStopWhenItsBackendGoes() throws Exception {
        SpindleChecks.whiteboardSeesTheReactorStop(context, expectedBackend());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Types {@code line} into a new shell session and returns what it printed. Waits first for
     * the command to be registered: Karaf registers its commands while it boots, which may still
     * go on when the first test starts.
     */
    private String execute(String line) throws Exception {
        String[] command = line.substring(0, line.indexOf(' ')).split(":");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sessions.getRegistry().getCommand(command[0], command[1]) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no console command " + command[0] + ":" + command[1] + " within 60 s");
            }
            Thread.sleep(50);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            // As the user `karaf` of Karaf's default users.properties, with the roles of its group
            // `admingroup`, which the command ACLs (etc/org.apache.karaf.command.acl.*.cfg) check:
            // feature:install needs admin, config:edit/property-set/update need manager. Without a
            // subject the shell hides the commands ("Command not found").
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal("karaf"));
            for (String role : List.of("admin", "manager", "viewer", "systembundles", "ssh")) {
                subject.getPrincipals().add(new RolePrincipal(role));
            }
            Future<Object> result = executor.submit(() -> asUser(subject, () -> session.execute(line)));
            result.get(3, TimeUnit.MINUTES);
        } finally {
            executor.shutdownNow();
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("removal") // Subject.doAs: the way to run as a user on the Java 17 this runs on
    private static Object asUser(Subject subject, PrivilegedExceptionAction<Object> action) throws Exception {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private List<String> bundleStates() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            out.add(b.getSymbolicName() + "=" + b.getState());
        }
        return out;
    }

    private static String packageProvider(Bundle b, String packageName) {
        BundleWiring wiring = b.adapt(BundleWiring.class);
        for (BundleWire wire : wiring.getRequiredWires("osgi.wiring.package")) {
            if (packageName.equals(wire.getCapability().getAttributes().get("osgi.wiring.package"))) {
                return wire.getProvider().getBundle().getSymbolicName();
            }
        }
        return null;
    }

    /** The end of Karaf's log, for failure messages. */
    static String logTail() {
        Path log = Path.of(System.getProperty("karaf.data", "data"), "log", "karaf.log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }
}
