package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.ChildJvm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
        String o = info(ChildJvm.currentJava(), "--enable-native-access=ALL-UNNAMED");
        assertTrue(LINUX, "this test expects Linux (x86_64 or aarch64)");
        assertTrue(Pattern.compile("(?m)^  epoll +30  yes  \\(chosen\\)$").matcher(o).find(), o);
        assertTrue(Pattern.compile("(?m)^  select +10  yes$").matcher(o).find(), o);
        assertTrue(o.contains("Chosen     epoll (highest priority available)"), o);
    }

    @Test
    void withoutNativeAccessSelectIsChosenAndEpollSaysWhichFlag() throws Exception {
        String o = info(ChildJvm.currentJava());
        assertTrue(Pattern.compile("(?m)^  epoll +30  no: .*--enable-native-access=ALL-UNNAMED.*$").matcher(o).find(), o);
        assertTrue(o.contains("Chosen     select (highest priority available)"), o);
    }

    @Test
    void onJava17SelectIsChosenAndEpollSaysItNeedsJava22() throws Exception {
        String o = info(ChildJvm.java17());
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
        ChildJvm.Result r = ChildJvm.run(command);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }
}
