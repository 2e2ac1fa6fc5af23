package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.ChildJvm;
import java.io.File;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Availability as a user meets it, in fresh JVMs: with and without
 * {@code --enable-native-access}, on the class path and on the module path, on this JDK and on
 * Java 17. A small probe, compiled here for release 17, lists every {@code ReactorProvider} the
 * {@link java.util.ServiceLoader} finds, with its availability and reason.
 */
@Timeout(120)
class NativeAccessTest {
    private static final String PROBE = """
            package probe;

            import dev.spindle.reactor.spi.ReactorProvider;
            import java.util.ServiceLoader;

            public final class ProviderProbe {
                public static void main(String[] args) {
                    for (ReactorProvider p : ServiceLoader.load(ReactorProvider.class)) {
                        Throwable cause = p.unavailabilityCause();
                        System.out.println(p.name() + "|" + p.priority() + "|" + p.isAvailable() + "|"
                                + (cause == null ? "" : cause.getMessage())
                                + "|" + p.getClass().getModule());
                    }
                }
            }
            """;

    @TempDir
    static Path probeDir;

    @BeforeAll
    static void compileProbe() throws Exception {
        Path src = probeDir.resolve("probe/ProviderProbe.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, PROBE);
        ChildJvm.Result r = ChildJvm.run(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "17", "-d", probeDir.toString(), "-cp", module("dev.spindle.reactor").toString(), src.toString()));
        assertEquals(0, r.exitCode(), () -> "the probe compiles: " + r.output());
    }

    @Test
    void classPathWithoutTheFlagIsUnavailableAndSaysWhichFlag() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ChildJvm.currentJava(), "-cp", classPath(), "probe.ProviderProbe"));
        String line = epollLine(r);
        assertTrue(line.startsWith("epoll|30|false|"), line);
        assertTrue(line.contains("--enable-native-access=ALL-UNNAMED"), line);
        assertTrue(!r.output().contains("restricted method"), "nothing native is touched before the check: " + r.output());
    }

    @Test
    void classPathWithTheFlagIsAvailable() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ChildJvm.currentJava(), "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath(), "probe.ProviderProbe"));
        assertTrue(epollLine(r).startsWith("epoll|30|true||unnamed module"), r.output());
        assertTrue(!r.output().contains("WARNING: A restricted method"), "no restricted-method warning: " + r.output());
    }

    @Test
    void modulePathWithoutTheFlagNamesTheModule() throws Exception {
        String line = epollLine(ChildJvm.run(List.of(ChildJvm.currentJava(), "--module-path", modulePath(),
                "--add-modules", "dev.spindle.reactor.epoll", "-cp", probeDir.toString(), "probe.ProviderProbe")));
        assertTrue(line.startsWith("epoll|30|false|"), line);
        assertTrue(line.contains("--enable-native-access=dev.spindle.reactor.epoll"), line);
        assertTrue(line.endsWith("|module dev.spindle.reactor.epoll"), line);
    }

    @Test
    void modulePathWithTheFlagIsAvailable() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ChildJvm.currentJava(),
                "--enable-native-access=dev.spindle.reactor.epoll", "--module-path", modulePath(),
                "--add-modules", "dev.spindle.reactor.epoll", "-cp", probeDir.toString(), "probe.ProviderProbe"));
        assertEquals("epoll|30|true||module dev.spindle.reactor.epoll", epollLine(r), r.output());
    }

    @Test
    void java17LoadsTheProviderFromTheClassPathAndSaysItNeedsJava22() throws Exception {
        String line = epollLine(ChildJvm.run(List.of(ChildJvm.java17(), "-cp", classPath(), "probe.ProviderProbe")));
        assertTrue(line.startsWith("epoll|30|false|the epoll backend needs Java 22 or newer"), line);
        assertTrue(line.contains("running Java 17"), line);
    }

    @Test
    void java17ResolvesTheModuleAndItsProviderSaysItNeedsJava22() throws Exception {
        String line = epollLine(ChildJvm.run(List.of(ChildJvm.java17(), "--module-path", modulePath(),
                "--add-modules", "dev.spindle.reactor.epoll", "-cp", probeDir.toString(), "probe.ProviderProbe")));
        assertTrue(line.startsWith("epoll|30|false|the epoll backend needs Java 22 or newer"), line);
        assertTrue(line.endsWith("|module dev.spindle.reactor.epoll"), line);
    }

    private static String epollLine(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), r.output());
        for (String line : r.output().split("\n")) {
            if (line.startsWith("epoll|")) {
                return line;
            }
        }
        throw new AssertionError("the probe did not list epoll:\n" + r.output());
    }

    /** The probe, the epoll classes, reactor-api and slf4j-api on the class path. */
    private static String classPath() {
        return String.join(File.pathSeparator, probeDir.toString(), module("dev.spindle.reactor.epoll").toString(),
                module("dev.spindle.reactor").toString(), module("org.slf4j").toString());
    }

    /** The same three as modules. */
    private static String modulePath() {
        return String.join(File.pathSeparator, module("dev.spindle.reactor.epoll").toString(),
                module("dev.spindle.reactor").toString(), module("org.slf4j").toString());
    }

    /** The class path entry of this test run that is the named module. */
    static Path module(String name) {
        List<String> seen = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.exists(p)) {
                continue;
            }
            Set<ModuleReference> found;
            try {
                found = ModuleFinder.of(p).findAll();
            } catch (RuntimeException e) {
                continue;
            }
            for (ModuleReference m : found) {
                seen.add(m.descriptor().name());
                if (m.descriptor().name().equals(name)) {
                    return p;
                }
            }
        }
        throw new AssertionError("module " + name + " not on the test class path; found " + seen);
    }
}
