package dev.spindle.itests.karaf;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * The Pax Exam options of the Karaf tests, used only by their {@code @Configuration} method
 * (outside Karaf): Apache Karaf from the local Maven repository, unpacked under
 * {@code target/karaf}, started in a JVM of its own, with a Maven resolver that looks only at the
 * local repository and at the repository of Spindle's artifacts from this build. The Mosquitto
 * broker the MQTT check talks to is started here too ({@link KarafTestBroker}).
 */
final class KarafOptions {
    private static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";
    private static final String MQTT_FACTORY_PID = "dev.spindle.mqtt.client";

    private KarafOptions() {
    }

    /**
     * Karaf with Spindle's feature repository and {@code spindle} in
     * {@code etc/org.apache.karaf.features.cfg} (installed at boot) unless {@code console}, in
     * which case the test types the console lines itself.
     */
    static Option[] karaf(boolean console, String featuresUrl) {
        String karafVersion = required("spindle.itest.karafVersion");
        String spindleRepository = Path.of(required("spindle.itest.repository")).toUri().toString();
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven().groupId("org.apache.karaf").artifactId("apache-karaf").type("tar.gz")
                                .versionAsInProject())
                        .name("Apache Karaf")
                        .karafVersion(karafVersion)
                        .unpackDirectory(new File(required("spindle.itest.karafDirectory")))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.INFO),
                // Karaf starts in 10-60 s on a busy machine; installing features takes a few more.
                systemTimeout(300_000),
                // Karaf's Maven resolver: its own system repository, then Spindle's artifacts from
                // this build, then the local repository (filled by Maven before the test); never a
                // remote repository, so nothing is downloaded at test time.
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                        "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                                + spindleRepository + "@id=spindle.build@snapshots"),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.localRepository",
                        required("spindle.itest.localRepository")),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.offline", "true"),
                // Karaf 4.4's Event Admin adds the caller's Subject to every event through
                // Subject.getSubject, which Java 24+ no longer supports (it throws, and the boot
                // features fail to install). Karaf's scripts work around it on 23 with
                // -Djava.security.manager=allow, an option 24+ refuses. Not adding the subject is
                // the workaround that runs on every Java.
                editConfigurationFilePut("etc/org.apache.felix.eventadmin.impl.EventAdmin.cfg",
                        "org.apache.felix.eventadmin.AddSubject", "false"),
                systemProperty("spindle.itest.version").value(required("spindle.itest.version")),
                systemProperty("spindle.itest.install").value(console ? "console" : "boot"),
                // What bin/karaf passes on Java 9+ (Pax Exam's runner does not), and native access
                // for the bundles (unnamed modules), which the epoll backend needs.
                vmOptions(
                        "--add-reads=java.xml=java.logging",
                        "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                        "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                        "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                        "--add-opens", "java.base/java.security=ALL-UNNAMED",
                        "--add-opens", "java.base/java.net=ALL-UNNAMED",
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                        "--add-opens", "java.base/java.util=ALL-UNNAMED",
                        "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                        "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                        "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx512m")));
        int mqttPort = KarafTestBroker.port();
        options.add(systemProperty(KarafTestBroker.PORT_PROPERTY).value(Integer.toString(mqttPort)));
        if (!console) {
            options.add(features(featuresUrl, "spindle"));
            // The MQTT client's factory configuration the property-file way (README): Karaf's file
            // installer reads etc/<factory PID>-<name>.cfg, every value as text.
            String cfg = "etc/" + MQTT_FACTORY_PID + "-" + SpindleFeaturesIT.mqttClientId() + ".cfg";
            options.add(editConfigurationFilePut(cfg, "host", "127.0.0.1"));
            options.add(editConfigurationFilePut(cfg, "port", Integer.toString(mqttPort)));
            options.add(editConfigurationFilePut(cfg, "clientId", SpindleFeaturesIT.mqttClientId()));
            options.add(editConfigurationFilePut(cfg, "version", "5"));
        }
        if (Boolean.getBoolean("spindle.itest.keepKaraf")) {
            // -Dspindle.itest.keepKaraf=true leaves the instance (etc/, data/log/karaf.log) under target/karaf.
            options.add(keepRuntimeFolder());
        }
        return options.toArray(Option[]::new);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + property
                    + " is not set (run through Maven: mvn -pl itests-karaf -am verify); found: " + value);
        }
        return value;
    }
}
