package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code spindle info} in fresh JVMs on the same class path as the launcher's jar: with native
 * access the epoll backend is chosen on Linux; without it, or on Java 17, select is chosen and
 * epoll's line says why.
 */
@Timeout(120)
class BackendChoiceInFreshJvmTest {
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

    @Test
    void withNativeAccessEpollIsChosen() throws Exception {
        String o = info(currentJava(), "--enable-native-access=ALL-UNNAMED");
        assertTrue(LINUX, "this test expects Linux (x86_64 or aarch64)");
        assertTrue(Pattern.compile("(?m)^  epoll +30  yes  \\(chosen\\)$").matcher(o).find(), o);
        assertTrue(Pattern.compile("(?m)^  select +10  yes$").matcher(o).find(), o);
        assertTrue(o.contains("Chosen     epoll (highest priority available)"), o);
    }

    @Test
    void withoutNativeAccessSelectIsChosenAndEpollSaysWhichFlag() throws Exception {
        String o = info(currentJava());
        assertTrue(Pattern.compile("(?m)^  epoll +30  no: .*--enable-native-access=ALL-UNNAMED.*$").matcher(o).find(), o);
        assertTrue(o.contains("Chosen     select (highest priority available)"), o);
    }

    @Test
    void onJava17SelectIsChosenAndEpollSaysItNeedsJava22() throws Exception {
        String o = info(java17());
        assertTrue(o.contains("Java       17."), o);
        assertTrue(Pattern.compile("(?m)^  epoll +30  no: the epoll backend needs Java 22 or newer .*running Java 17$")
                .matcher(o).find(), o);
        assertTrue(o.contains("Chosen     select (highest priority available)"), o);
    }

    private static String info(String java, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Spindle.class.getName(), "info"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "spindle info still running");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code -Dspindle.test.java17=JDK_HOME}, else the first Java 17 under /usr/lib/jvm. */
    private static String java17() throws IOException {
        String configured = System.getProperty("spindle.test.java17");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured, "bin", "java").toString();
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms, "*17*")) {
                for (Path d : dirs) {
                    Path release = d.resolve("release");
                    if (Files.isExecutable(d.resolve("bin/java")) && Files.exists(release)
                            && Files.readString(release).contains("JAVA_VERSION=\"17")) {
                        return d.resolve("bin/java").toString();
                    }
                }
            }
        }
        throw new AssertionError("no Java 17 found under /usr/lib/jvm; install one (Debian: openjdk-17-jre-headless)"
                + " or point -Dspindle.test.java17 at its home");
    }
}
