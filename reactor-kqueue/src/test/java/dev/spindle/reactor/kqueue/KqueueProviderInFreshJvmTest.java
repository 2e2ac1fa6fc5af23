package dev.spindle.reactor.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.ChildJvm;
import dev.spindle.reactor.spi.ReactorProvider;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * The provider as a user meets it, in fresh JVMs: on this JDK and on Java 17, on the class path and
 * on the module path, with and without native access. It always loads and never throws; on Linux
 * it names the system as the reason. A Java 17 JVM reads its release-17 class files instead of
 * failing with {@link UnsupportedClassVersionError}, and nothing native is touched on the way (no
 * restricted-method warning).
 */
@Timeout(120)
class KqueueProviderInFreshJvmTest {
    private static final String UNNAMED = "unnamed module";
    private static final String NAMED = "module dev.spindle.reactor.kqueue";
    private static final String PROBE = """
            package probe;

            import dev.spindle.reactor.spi.ReactorProvider;
            import java.util.ServiceLoader;

            public final class KqueueProbe {
                public static void main(String[] args) {
                    for (ReactorProvider p : ServiceLoader.load(ReactorProvider.class)) {
                        if (p.name().equals("kqueue")) {
                            Throwable cause = p.unavailabilityCause();
                            System.out.println("kqueue|" + p.priority() + "|" + p.isAvailable() + "|"
                                    + (cause == null ? "" : cause.getMessage()) + "|"
                                    + (p.getClass().getModule().isNamed() ? p.getClass().getModule() : "unnamed module"));
                        }
                    }
                }
            }
            """;

    @TempDir
    static Path probeDir;

    @BeforeAll
    static void compileProbe() throws Exception {
        Path src = probeDir.resolve("probe/KqueueProbe.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, PROBE);
        ChildJvm.Result r = ChildJvm.run(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "17", "-d", probeDir.toString(), "-cp", location(ReactorProvider.class), src.toString()));
        assertEquals(0, r.exitCode(), () -> "the probe compiles: " + r.output());
    }

    /**
     * What the probe prints on this system for a JVM of {@code javaFeature}: on Linux always the
     * system as the reason; on macOS or FreeBSD the Java version, native access, or nothing.
     */
    private static String expected(int javaFeature, boolean nativeAccess, String module) {
        String problem = KqueueReactorProvider.platformProblem(System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), javaFeature);
        if ("Linux".equals(System.getProperty("os.name"))) {
            assertEquals("kqueue needs macOS or FreeBSD; this is Linux", problem);
        }
        if (problem != null) {
            return "kqueue|30|false|" + problem + "|" + module;
        }
        return nativeAccess ? "kqueue|30|true||" + module
                : "kqueue|30|false|" + new KqueueBootstrap().get().getMessage() + "|" + module;
    }

    @Test
    void classPathOnThisJdkWithoutNativeAccess() throws Exception {
        ChildJvm.Result r = probe(ChildJvm.currentJava(), false);
        String line = line(r);
        String want = expected(Runtime.version().feature(), false, UNNAMED);
        if (want.startsWith("kqueue|30|false|native access")) {
            // The advice is worded for the unnamed module; this test JVM's own check is not.
            assertTrue(line.startsWith("kqueue|30|false|native access is not enabled for the class path"), line);
        } else {
            assertEquals(want, line);
        }
        assertFalse(r.output().contains("restricted method"), "nothing native is touched: " + r.output());
    }

    @Test
    void classPathOnThisJdkWithNativeAccess() throws Exception {
        assertEquals(expected(Runtime.version().feature(), true, UNNAMED),
                line(probe(ChildJvm.currentJava(), false, "--enable-native-access=ALL-UNNAMED")));
    }

    @Test
    void modulePathOnThisJdkWithNativeAccess() throws Exception {
        ChildJvm.Result r = probe(ChildJvm.currentJava(), true, "--enable-native-access=dev.spindle.reactor.kqueue");
        assertEquals(expected(Runtime.version().feature(), true, NAMED), line(r));
        assertFalse(r.output().contains("restricted method"), r.output());
    }

    @Test
    void java17LoadsTheProviderFromTheClassPath() throws Exception {
        assertEquals(expected(17, false, UNNAMED), line(probe(ChildJvm.java17(), false)));
    }

    @Test
    void java17ResolvesTheModuleAndItsProvider() throws Exception {
        assertEquals(expected(17, false, NAMED), line(probe(ChildJvm.java17(), true)));
    }

    private static ChildJvm.Result probe(String java, boolean modulePath, String... options) throws Exception {
        String jars = String.join(File.pathSeparator, location(KqueueReactorProvider.class), location(ReactorProvider.class),
                location(Logger.class));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(List.of(options));
        if (modulePath) {
            command.addAll(List.of("--module-path", jars, "--add-modules", "dev.spindle.reactor.kqueue", "-cp", probeDir.toString()));
        } else {
            command.addAll(List.of("-cp", probeDir + File.pathSeparator + jars));
        }
        command.add("probe.KqueueProbe");
        return ChildJvm.run(command);
    }

    private static String line(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), r.output());
        for (String l : r.output().split("\n")) {
            if (l.startsWith("kqueue|")) {
                return l;
            }
        }
        throw new AssertionError("the probe did not list kqueue:\n" + r.output());
    }

    /** The jar or class directory a class was loaded from. */
    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
