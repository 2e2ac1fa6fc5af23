package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ProcessSpec} building and checks, and {@link ProcessExit}'s reading of exit values. */
class ProcessSpecTest {

    @Test
    @DisplayName("defaults: inherited environment, parent's directory, both streams piped, TERMINATE after 5 s")
    void defaults() {
        ProcessSpec s = ProcessSpec.of("ls", "-l", "/tmp");
        assertEquals(List.of("ls", "-l", "/tmp"), s.command());
        assertEquals("ls", s.executable());
        assertEquals(List.of("-l", "/tmp"), s.arguments());
        assertTrue(s.inheritsEnvironment());
        assertEquals(Map.of(), s.environment());
        assertNull(s.workingDirectory());
        assertEquals(ProcessSpec.Output.PIPE, s.stdout());
        assertEquals(ProcessSpec.Output.PIPE, s.stderr());
        assertFalse(s.stderrMerged());
        assertTrue(s.isPiped(ProcessStream.STDOUT) && s.isPiped(ProcessStream.STDERR));
        assertEquals(ProcessSpec.ShutdownPolicy.TERMINATE, s.shutdownPolicy());
        assertEquals(ProcessSpec.DEFAULT_SHUTDOWN_GRACE, s.shutdownGrace());
    }

    @Test
    @DisplayName("NET-6 environment: inherit (+ set, − removed), exactly a map, or empty")
    void environmentResolution() {
        Map<String, String> parent = Map.of("PATH", "/bin", "HOME", "/root");
        ProcessSpec inherit = ProcessSpec.builder("x").environmentVariable("A", "1").removeEnvironmentVariable("HOME").build();
        assertEquals(Map.of("PATH", "/bin", "A", "1"), inherit.resolveEnvironment(parent));
        assertEquals(Set.of("HOME"), inherit.removedEnvironmentVariables());

        ProcessSpec exact = ProcessSpec.builder("x").environment(Map.of("B", "2")).environmentVariable("C", "3").build();
        assertFalse(exact.inheritsEnvironment());
        assertEquals(Map.of("B", "2", "C", "3"), exact.resolveEnvironment(parent));

        ProcessSpec empty = ProcessSpec.builder("x").environmentVariable("A", "1").clearEnvironment().build();
        assertEquals(Map.of(), empty.resolveEnvironment(parent));

        ProcessSpec back = empty.toBuilder().inheritEnvironment().build();
        assertEquals(parent, back.resolveEnvironment(parent));
    }

    @Test
    @DisplayName("bad values are refused when set, naming what was found")
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcessSpec.builder(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessSpec.builder("x").arguments("ok", "nul\0here"));
        assertTrue(e.getMessage().contains("argument 2") && e.getMessage().contains("nul\\0here"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessSpec.builder("x").environmentVariable("A=B", "v"));
        assertThrows(IllegalArgumentException.class, () -> ProcessSpec.builder("x").environmentVariable("", "v"));
        assertThrows(IllegalArgumentException.class, () -> ProcessSpec.builder("x").environment(Map.of("A", "v\0")));
        assertThrows(IllegalArgumentException.class, () -> ProcessSpec.builder("x").shutdownGrace(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> ProcessSpec.builder("x").stderr(ProcessSpec.Output.DISCARD).mergeStderrIntoStdout(true).build());
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder("x").arguments("a", null));
    }

    @Test
    @DisplayName("toBuilder copies every setting; merged stderr is not piped on its own")
    void toBuilderRoundTrip() {
        ProcessSpec s = ProcessSpec.builder("x").arguments("a").environment(Map.of("K", "V"))
                .workingDirectory(Path.of("/tmp")).mergeStderrIntoStdout(true).stdout(ProcessSpec.Output.PIPE)
                .shutdownPolicy(ProcessSpec.ShutdownPolicy.DETACH).shutdownGrace(Duration.ofSeconds(1)).build();
        ProcessSpec c = s.toBuilder().build();
        assertEquals(s.toString(), c.toString());
        assertEquals(s.command(), c.command());
        assertEquals(Path.of("/tmp"), c.workingDirectory());
        assertFalse(c.isPiped(ProcessStream.STDERR));
        assertEquals(ProcessSpec.ShutdownPolicy.DETACH, c.shutdownPolicy());
    }

    @Test
    @DisplayName("ProcessExit: JDK exit values above 128 read as an inferred signal; exact exits and signals from backends")
    void exitValues() {
        ProcessExit three = ProcessExit.fromExitValue(3);
        assertEquals(OptionalInt.of(3), three.exitCode());
        assertEquals(OptionalInt.empty(), three.signal());
        assertEquals("exit code 3", three.toString());

        ProcessExit killed = ProcessExit.fromExitValue(137);
        assertEquals(OptionalInt.of(9), killed.signal());
        assertTrue(killed.isSignalInferred());
        assertEquals(OptionalInt.empty(), killed.exitCode());
        assertEquals("killed by SIGKILL (9), inferred from exit value 137", killed.toString());

        assertEquals(OptionalInt.of(128), ProcessExit.fromExitValue(128).exitCode());
        assertEquals(OptionalInt.of(200), ProcessExit.fromExitValue(200).exitCode());
        assertEquals(OptionalInt.of(-1), ProcessExit.fromExitValue(-1).exitCode());

        ProcessExit exact = ProcessExit.killedBy(15);
        assertEquals(143, exact.exitValue());
        assertFalse(exact.isSignalInferred());
        assertEquals("killed by SIGTERM (15)", exact.toString());
        assertEquals(OptionalInt.of(137), ProcessExit.exited(137).exitCode());
        assertTrue(ProcessExit.exited(0).isSuccess());
        assertEquals(ProcessExit.fromExitValue(5), ProcessExit.exited(5));
        assertFalse(ProcessExit.killedBy(9).equals(ProcessExit.fromExitValue(137)));
        assertThrows(IllegalArgumentException.class, () -> ProcessExit.killedBy(0));
    }

    @Test
    @DisplayName("ProcessStartException names the command, its arguments and the reason")
    void startExceptionMessage() {
        ProcessStartException e = new ProcessStartException(List.of("cmd", "a b"), "error=2, No such file or directory", null);
        assertEquals("cannot start process \"cmd\" with arguments [a b]: error=2, No such file or directory", e.getMessage());
        assertEquals(List.of("cmd", "a b"), e.command());
    }
}
