package dev.spindle.reactor.buildcheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a module's OSGi manifest and its JPMS descriptor agree: the bundle's symbolic name
 * is the module name, the bundle exports exactly the packages the module exports without
 * qualification, and the module is neither open nor automatic.
 *
 * <p>Each bundle module calls {@link #check(Path)} from its own {@code ModuleManifestTest} with
 * {@code Path.of("target/classes")}: bnd writes {@code META-INF/MANIFEST.MF} there during
 * {@code process-classes}, before the tests run. Shipped in {@code reactor-api}'s test-jar.
 */
public final class BundleModuleConsistency {
    private BundleModuleConsistency() {
    }

    /**
     * Reads {@code module-info.class} and {@code META-INF/MANIFEST.MF} under {@code classes} and
     * checks that they agree.
     *
     * @param classes a module's compiled classes, normally {@code target/classes}
     * @return the module descriptor, for further assertions
     * @throws AssertionError listing every disagreement, or naming the missing file
     * @throws IOException if a file cannot be read
     */
    public static ModuleDescriptor check(Path classes) throws IOException {
        Path moduleInfo = classes.resolve("module-info.class");
        Path manifestFile = classes.resolve("META-INF").resolve("MANIFEST.MF");
        if (!Files.isRegularFile(moduleInfo)) {
            throw new AssertionError("no module-info.class in " + classes.toAbsolutePath()
                    + ": every bundle module needs a hand-written src/main/java/module-info.java");
        }
        if (!Files.isRegularFile(manifestFile)) {
            throw new AssertionError("no META-INF/MANIFEST.MF in " + classes.toAbsolutePath()
                    + ": is bnd-maven-plugin's bnd-process goal configured in this module's pom?");
        }
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(moduleInfo)) {
            module = ModuleDescriptor.read(in);
        }
        Manifest manifest;
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = new Manifest(in);
        }
        Attributes main = manifest.getMainAttributes();

        List<String> problems = new ArrayList<>();
        if (module.isAutomatic()) {
            problems.add("module " + module.name() + " is automatic");
        }
        if (module.isOpen()) {
            problems.add("module " + module.name() + " is open");
        }
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null) {
            problems.add("the manifest has no Bundle-SymbolicName");
        } else {
            String symbolicName = splitOutsideQuotes(bsn, ';').get(0).trim();
            if (!symbolicName.equals(module.name())) {
                problems.add("Bundle-SymbolicName must equal the module name " + module.name() + ", found: "
                        + symbolicName);
            }
        }
        Set<String> bundleExports = exportedPackages(main.getValue("Export-Package"));
        Set<String> moduleExports = new TreeSet<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            if (!e.isQualified()) {
                moduleExports.add(e.source());
            }
        }
        if (!bundleExports.equals(moduleExports)) {
            Set<String> onlyBundle = new TreeSet<>(bundleExports);
            onlyBundle.removeAll(moduleExports);
            Set<String> onlyModule = new TreeSet<>(moduleExports);
            onlyModule.removeAll(bundleExports);
            problems.add("Export-Package " + bundleExports + " must equal the module's exports " + moduleExports
                    + "; only in Export-Package (add `exports` to module-info): " + onlyBundle
                    + "; only in module-info (add @Export to package-info): " + onlyModule);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("bundle manifest and module-info of " + classes.toAbsolutePath()
                    + " disagree:\n  " + String.join("\n  ", problems));
        }
        return module;
    }

    /**
     * The package names of an {@code Export-Package} header (OSGi core, 3.2.4): clauses are
     * separated by commas outside quoted strings; in each clause the {@code ;}-separated parts
     * before the first parameter ({@code name=value} or {@code name:=value}) are package names.
     *
     * @param header the header value, or null when absent
     * @return the packages, sorted; empty for a null or blank header
     */
    public static Set<String> exportedPackages(@Nullable String header) {
        Set<String> packages = new TreeSet<>();
        if (header == null || header.isBlank()) {
            return packages;
        }
        for (String clause : splitOutsideQuotes(header, ',')) {
            for (String part : splitOutsideQuotes(clause, ';')) {
                String p = part.trim();
                if (p.contains("=")) {
                    break;
                }
                if (!p.isEmpty()) {
                    packages.add(p);
                }
            }
        }
        return packages;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                current.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString());
        return parts;
    }
}
