package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(Path.of("target/classes"));
        assertEquals("dev.spindle.reactor", module.name());
    }
}
