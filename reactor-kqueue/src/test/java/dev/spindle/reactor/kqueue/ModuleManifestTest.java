package dev.spindle.reactor.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(Path.of("target/classes"));
        assertEquals("dev.spindle.reactor.kqueue", module.name());
        assertTrue(module.exports().isEmpty(), () -> "a backend exports nothing, found: " + module.exports());
        assertEquals(1, module.provides().size());
        assertEquals("dev.spindle.reactor.kqueue.KqueueReactorProvider", module.provides().iterator().next().providers().get(0));
    }

    @Test
    void theBundleRequiresMacOsOrFreeBsd() throws Exception {
        Manifest m;
        try (var in = Files.newInputStream(Path.of("target/classes/META-INF/MANIFEST.MF"))) {
            m = new Manifest(in);
        }
        String required = m.getMainAttributes().getValue("Require-Capability");
        assertTrue(required.contains("osgi.native") && required.contains("MacOSX") && required.contains("FreeBSD"), required);
    }

    @Test
    void theProviderAndTheDescriptorAreJava17ClassFiles() throws Exception {
        assertEquals(61, majorVersion(Path.of("target/classes/module-info.class")));
        assertEquals(61, majorVersion(Path.of("target/classes/dev/spindle/reactor/kqueue/KqueueReactorProvider.class")));
        assertEquals(66, majorVersion(Path.of("target/classes/dev/spindle/reactor/kqueue/KqueueReactor.class")), "the rest is Java 22");
    }

    private static int majorVersion(Path classFile) throws Exception {
        byte[] b = Files.readAllBytes(classFile);
        return ((b[6] & 0xFF) << 8) | (b[7] & 0xFF);
    }
}
