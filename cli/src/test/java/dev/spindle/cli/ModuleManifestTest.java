package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.buildcheck.BundleModuleConsistency;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

class ModuleManifestTest {
    @Test
    void bundleManifestMatchesModuleInfoAndBothExportNothing() throws Exception {
        Path classes = Path.of("target/classes");
        ModuleDescriptor module = BundleModuleConsistency.check(classes);
        assertEquals("dev.spindle.cli", module.name());
        assertTrue(module.exports().isEmpty(), () -> "the cli exports nothing, found: " + module.exports());
        Manifest manifest;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        assertTrue(BundleModuleConsistency.exportedPackages(manifest.getMainAttributes().getValue("Export-Package"))
                .isEmpty(), () -> "Export-Package: " + manifest.getMainAttributes().getValue("Export-Package"));
    }
}
