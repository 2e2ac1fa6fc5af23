package dev.spindle.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import dev.spindle.itests.broken.BrokenReactorProvider;
import dev.spindle.itests.backend.TestReactor;
import dev.spindle.itests.backend.TestReactorProvider;
import dev.spindle.itests.consumer.ReactorConsumer;
import dev.spindle.itests.consumer.ReactorConsumerComponent;
import dev.spindle.itests.mqttconsumer.MqttConsumer;
import dev.spindle.itests.mqttconsumer.MqttConsumerComponent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * The Pax Exam options of the tests, used only by their {@code @Configuration} methods (outside
 * the framework): the framework's bundles (Felix SCR with its API bundles, Configuration Admin,
 * Metatype, SPI Fly with ASM, slf4j-api and slf4j-simple) from the local Maven repository,
 * Spindle's bundles from this build, and the test bundles built now with Tinybundles (bnd reads
 * their Declarative Services annotations, as bnd-maven-plugin does for Spindle's own bundles).
 */
final class SpindleOptions {
    private SpindleOptions() {
    }

    /** Framework services and Spindle's bundles; no test backend. */
    static Option spindle() {
        try {
            Files.createDirectories(SpindleOsgiSupport.LOG_FILE.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return composite(
                cleanCaches(),
                systemTimeout(60_000),
                systemProperty("org.slf4j.simpleLogger.logFile").value(SpindleOsgiSupport.LOG_FILE.toString()),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"),
                systemProperty("org.slf4j.simpleLogger.showDateTime").value("true"),
                // Start level 1, before Pax Exam's own bundles (2), the services (2) and Spindle (3):
                // SPI Fly must weave slf4j-api and register slf4j-simple before anything logs,
                // or slf4j 2 settles on its no-operation logger for the life of the framework.
                mavenBundle("org.ow2.asm", "asm").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-tree").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-analysis").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-commons").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-util").versionAsInProject().startLevel(1),
                mavenBundle("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.bundle").versionAsInProject()
                        .startLevel(1),
                mavenBundle("org.slf4j", "slf4j-api").versionAsInProject().startLevel(1),
                mavenBundle("org.slf4j", "slf4j-simple").versionAsInProject().startLevel(1),
                // Declarative Services: SCR 2.2 needs its API bundles beside it.
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject().startLevel(2),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject().startLevel(2),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject().startLevel(2),
                mavenBundle("org.osgi", "org.osgi.service.log").versionAsInProject().startLevel(2),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject().startLevel(2),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject().startLevel(2),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject().startLevel(2),
                junitBundles(),
                spindleBundle("reactor-api"),
                spindleBundle("reactor-select"),
                spindleBundle("reactor-epoll"),
                spindleBundle("reactor-quick"),
                spindleBundle("signals"),
                spindleBundle("mqtt-client"));
    }

    private static Option spindleBundle(String module) {
        String path = System.getProperty("spindle.itest." + module);
        if (path == null || path.isBlank() || path.startsWith("${")) {
            throw new IllegalStateException("system property spindle.itest." + module + " is not set to the jar of "
                    + module + " (run through Maven: mvn -pl itests -am verify); found: " + path);
        }
        return bundle(Path.of(path).toUri().toString());
    }

    /** The third-party backend {@code test} (priority 20), built now from this module's classes. */
    static Option testBackend() {
        return streamBundle(tiny(SpindleOsgiSupport.TEST_BACKEND, TestReactorProvider.class, TestReactor.class));
    }

    /**
     * Writes a backend that claims priority 500 and fails to create reactors to a jar file, for
     * a test to install when it wants to, and returns its location.
     */
    static String brokenBackendLocation() {
        try {
            Path jar = SpindleOsgiSupport.LOG_FILE.getParent().resolve("broken-backend.jar");
            Files.createDirectories(jar.getParent());
            try (InputStream in = tiny(SpindleOsgiSupport.BROKEN_BACKEND, BrokenReactorProvider.class)) {
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            return jar.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Mosquitto broker for the MQTT tests, started once per JVM here in the test driver (outside
     * the framework; the harness is in mqtt-client's test-jar, which is no bundle), and its port
     * handed to the tests inside the framework as the system property
     * {@value SpindleOsgiSupport#MQTT_PORT}.
     */
    static Option mqttBroker() {
        return systemProperty(SpindleOsgiSupport.MQTT_PORT).value(Integer.toString(TestBroker.port()));
    }

    /** A consumer of the MqttClient service: optional, dynamic, greedy; subscribes on every client. */
    static Option mqttConsumer() {
        return streamBundle(tiny(SpindleOsgiSupport.MQTT_CONSUMER, MqttConsumer.class, MqttConsumerComponent.class));
    }

    /** A consumer component with a dynamic, greedy, mandatory reference to the Reactor service. */
    static Option consumer() {
        return streamBundle(tiny(SpindleOsgiSupport.CONSUMER, ReactorConsumerComponent.class, ReactorConsumer.class));
    }

    /**
     * A bundle of {@code classes}, its manifest and Declarative Services XML made by bnd from the
     * classes and their annotations, as bnd-maven-plugin makes them for Spindle's own bundles.
     */
    private static InputStream tiny(String symbolicName, Class<?>... classes) {
        TinyBundle b = TinyBundles.bundle().setHeader(Constants.BUNDLE_SYMBOLICNAME, symbolicName)
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.EXPORT_PACKAGE, classes[0].getPackageName())
                // JSpecify annotations are compile-time only, as in Spindle's bnd.bnd files.
                .setHeader(Constants.IMPORT_PACKAGE, "org.jspecify.annotations;resolution:=optional, *");
        for (Class<?> c : classes) {
            b.addClass(c);
        }
        return b.build(TinyBundles.bndBuilder());
    }

}
