package dev.spindle.reactor.quick;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(Path.of("target/classes"));
        assertEquals("dev.spindle.reactor.quick", module.name());
        assertEquals(1, module.exports().size(), () -> "exports: " + module.exports());
    }
}
