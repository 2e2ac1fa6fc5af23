package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfo() throws Exception {
        ModuleDescriptor module = BundleModuleConsistency.check(Path.of("target/classes"));
        assertEquals("dev.spindle.signals", module.name());
        Set<String> exports = module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("dev.spindle.signals"), exports, "only the API package is exported, internal stays private");
    }
}
