package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(Path.of("target/classes"));
        assertEquals("dev.spindle.reactor.epoll", module.name());
        assertTrue(module.exports().isEmpty(), () -> "a backend exports nothing, found: " + module.exports());
    }
}
