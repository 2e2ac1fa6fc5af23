package dev.spindle.reactor.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts this JVM's open file descriptors through {@code /proc/self/fd} (Linux). */
public final class OpenDescriptors {
    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private OpenDescriptors() {
    }

    /**
     * Skips the calling test where the count is not available (not Linux).
     */
    public static void assumeCountable() {
        assumeTrue(Files.isDirectory(FD_DIR), "descriptor counting needs /proc/self/fd (Linux)");
    }

    /**
     * The number of open descriptors, not counting the one used to list them.
     *
     * @return the count
     */
    public static long count() {
        try (Stream<Path> s = Files.list(FD_DIR)) {
            return s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
