package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls that may block ({@code epoll_wait}, {@code epoll_pwait2}) must not be critical downcalls:
 * a thread blocked in one stays "in Java" for the VM, and the next safepoint (any garbage
 * collection) then waits for it forever, freezing the whole JVM. Checked in a child JVM
 * ({@link SafepointMain}), so that the freeze fails this test instead of hanging the build.
 */
@Timeout(120)
class SafepointTest {

    @Test
    void garbageCollectionCompletesWhileEveryBackendThreadIsBlockedInTheKernel(@TempDir Path dir) throws Exception {
        List<String> command = List.of(ChildJvm.currentJava(), "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SafepointMain.class.getName());
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, "the child JVM froze (a blocking call linked as a critical downcall holds the safepoint); output:\n" + out);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("GC OK") && out.contains("DONE"), out);
    }
}
