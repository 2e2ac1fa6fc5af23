package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What bnd made of the bundle (run after {@code process-classes}, on {@code target/classes}): the
 * manifest agrees with module-info, the MqttClient component is declared with its factory
 * configuration, Metatype describes it, and the bundle advertises the service it registers by hand.
 */
class MqttClientComponentManifestTest {
    private static final Path CLASSES = Path.of("target/classes");

    private static Attributes manifest() throws Exception {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            return new Manifest(in).getMainAttributes();
        }
    }

    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(CLASSES);
        assertEquals("dev.spindle.mqtt", module.name());
        Set<String> exports = module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("dev.spindle.mqtt", "dev.spindle.mqtt.signals"), exports, "internal stays private");
    }

    @Test
    void theComponentNeedsAFactoryConfigurationAndBindsTheReactorDynamically() throws Exception {
        String header = manifest().getValue("Service-Component");
        assertNotNull(header, "Service-Component");
        assertTrue(header.contains("OSGI-INF/dev.spindle.mqtt.client.xml"), header);
        String xml = Files.readString(CLASSES.resolve("OSGI-INF/dev.spindle.mqtt.client.xml"), StandardCharsets.UTF_8);
        for (String part : new String[] {"name=\"dev.spindle.mqtt.client\"", "configuration-policy=\"require\"",
                "configuration-pid=\"dev.spindle.mqtt.client\"", "interface=\"dev.spindle.reactor.Reactor\"",
                "cardinality=\"0..1\"", "policy=\"dynamic\"", "policy-option=\"greedy\""}) {
            assertTrue(xml.contains(part), () -> part + " in " + xml);
        }
    }

    @Test
    void metatypeDesignatesTheFactoryPidWithAPasswordAttribute() throws Exception {
        String xml = Files.readString(CLASSES.resolve("OSGI-INF/metatype/dev.spindle.mqtt.client.xml"),
                StandardCharsets.UTF_8);
        assertTrue(xml.contains("<Designate factoryPid=\"dev.spindle.mqtt.client\">"), xml);
        assertTrue(xml.contains("<AD id=\"password\" type=\"Password\""), xml);
    }

    @Test
    void theBundleProvidesTheMqttClientServiceCapability() throws Exception {
        String provided = manifest().getValue("Provide-Capability");
        assertNotNull(provided, "Provide-Capability");
        assertTrue(provided.contains("objectClass:List<String>=\"dev.spindle.mqtt.MqttClient\""), provided);
    }
}
