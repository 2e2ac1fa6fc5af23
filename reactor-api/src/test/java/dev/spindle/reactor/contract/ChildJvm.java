package dev.spindle.reactor.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command (usually a fresh JVM) to completion, with a bound, and collects its output; finds
 * the {@code java} launchers tests compare: this JVM's and a Java 17 one.
 */
public final class ChildJvm {
    private static final long TIMEOUT_SECONDS = 90;

    private ChildJvm() {
    }

    /**
     * What a finished process printed (stdout and stderr merged) and its exit code.
     *
     * @param exitCode the exit code
     * @param output the output
     */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs {@code command} with standard input closed and waits for it (bounded).
     *
     * @param command the command and its arguments
     * @return how it ended
     * @throws IOException if it cannot be started
     * @throws InterruptedException if interrupted while waiting
     */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("still running after " + TIMEOUT_SECONDS + " s: " + command);
            }
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * The {@code java} launcher of the JVM running the tests.
     *
     * @return its path
     */
    public static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A Java 17 launcher: {@code -Dspindle.test.java17=/path/to/jdk}, else the first JDK 17 under
     * {@code /usr/lib/jvm}. The portable-fallback promise (issue 4) is tested on a real Java 17,
     * so a machine without one fails here with what to install.
     *
     * @return its path
     * @throws IOException if {@code /usr/lib/jvm} cannot be read
     */
    public static String java17() throws IOException {
        String configured = System.getProperty("spindle.test.java17");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured, "bin", "java").toString();
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms, "*17*")) {
                for (Path d : dirs) {
                    Path java = d.resolve("bin/java");
                    if (Files.isExecutable(java) && Files.exists(d.resolve("release"))
                            && Files.readString(d.resolve("release")).contains("JAVA_VERSION=\"17")) {
                        return java.toString();
                    }
                }
            }
        }
        throw new AssertionError("no Java 17 found under /usr/lib/jvm; install one (Debian: openjdk-17-jre-headless)"
                + " or point -Dspindle.test.java17 at its home");
    }
}
