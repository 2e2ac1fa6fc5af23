package dev.spindle.reactor.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.spi.ReactorProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The Declarative Services component that registers the select provider in OSGi: bnd generated
 * its XML with the service properties the Reactor service component relies on, and it behaves
 * as the provider.
 */
class SelectReactorComponentTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void bndGeneratedTheComponentWithBackendNameAndRankingEqualToThePriority() throws Exception {
        Path xml = CLASSES.resolve("OSGI-INF/" + SelectReactorComponent.class.getName() + ".xml");
        String text = Files.readString(xml);
        assertTrue(text.contains("<provide interface=\"" + ReactorProvider.class.getName() + "\"/>"), text);
        assertTrue(text.contains("<property name=\"" + ReactorProvider.BACKEND_PROPERTY
                + "\" type=\"String\" value=\"select\"/>"), text);
        assertTrue(text.contains("<property name=\"service.ranking\" type=\"Integer\" value=\""
                + new SelectReactorProvider().priority() + "\"/>"), text);
        Manifest manifest;
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        assertEquals("OSGI-INF/" + SelectReactorComponent.class.getName() + ".xml",
                manifest.getMainAttributes().getValue("Service-Component"));
    }

    @Test
    void theComponentIsTheSelectProvider() {
        SelectReactorComponent component = new SelectReactorComponent();
        assertEquals("select", component.name());
        assertEquals(SelectReactorProvider.PRIORITY, component.priority());
        assertTrue(component.isAvailable());
        assertNull(component.unavailabilityCause());
        Reactor reactor = component.create(ReactorConfig.defaults());
        assertEquals(ReactorState.INIT, reactor.state());
        assertTrue(reactor instanceof SelectReactor);
    }
}
