package dev.spindle.reactor.buildcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BundleModuleConsistencyTest {
    @Test
    void exportedPackagesIgnoresCommasAndSemicolonsInsideQuotes() {
        String header = "dev.spindle.reactor;version=\"0.1.0\";uses:=\"org.jspecify.annotations,dev.x;y\","
                + "dev.spindle.reactor.spi;uses:=\"dev.spindle.reactor\";version=\"0.1.0\", dev.spindle.reactor.testing";
        assertEquals(Set.of("dev.spindle.reactor", "dev.spindle.reactor.spi", "dev.spindle.reactor.testing"),
                BundleModuleConsistency.exportedPackages(header));
    }

    @Test
    void exportedPackagesReadsEveryPathOfAMultiPackageClause() {
        assertEquals(Set.of("a.b", "c.d", "e.f"),
                BundleModuleConsistency.exportedPackages("a.b;c.d;version=1.0,e.f;mandatory:=\"x\""));
    }

    @Test
    void exportedPackagesHandlesEscapedQuotes() {
        assertEquals(Set.of("a.b", "c.d"),
                BundleModuleConsistency.exportedPackages("a.b;note=\"say \\\"hi, there\\\"\",c.d"));
    }

    @Test
    void exportedPackagesOfAnAbsentHeaderIsEmpty() {
        assertTrue(BundleModuleConsistency.exportedPackages(null).isEmpty());
        assertTrue(BundleModuleConsistency.exportedPackages("  ").isEmpty());
    }
}
