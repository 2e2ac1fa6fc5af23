package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProcessProtocol;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the native child processes of the epoll backend add to the contract: exit statuses
 * reported exactly (a signal is never inferred from an exit code, nor the other way round), no
 * thread per child, nothing of the parent's leaking into the child (descriptors, the loop
 * thread's signal mask), and killed children reaped after the reactor is gone.
 */
@Timeout(60)
class EpollProcessTest extends ReactorContractSupport {
    @TempDir
    Path dir;

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    private static ProcessSpec sh(String script) {
        return ProcessSpec.builder("/bin/sh").arguments("-c", script, "sh").build();
    }

    private static RecordingProcessProtocol.Ended run(ReactorHarness h, ProcessSpec spec, RecordingProcessProtocol p) {
        h.call(() -> h.reactor().spawnProcess(spec, p));
        return ReactorHarness.await(p.ended());
    }

    @Test
    void exitCodesAndSignalsAreReportedExactly() {
        ReactorHarness h = started();
        // exit 137 is an exit code, not SIGKILL: the portable implementation can only infer.
        ProcessExit code = run(h, sh("exit 137"), new RecordingProcessProtocol()).exit();
        assertEquals(ProcessExit.exited(137), code);
        assertFalse(code.signal().isPresent(), code.toString());

        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = h.call(() -> h.reactor().spawnProcess(ProcessSpec.of("sleep", "60"), p));
        h.run(t::kill);
        ProcessExit killed = ReactorHarness.await(p.ended()).exit();
        assertEquals(ProcessExit.killedBy(9), killed);
        assertFalse(killed.isSignalInferred(), "from waitid, not from an exit value: " + killed);
        assertEquals(137, killed.exitValue(), "the JDK's convention for exitValue()");

        // A signal the JDK's exit values cannot tell from a code, and a core-dumping one.
        ProcessExit usr1 = run(h, sh("kill -USR1 $$"), new RecordingProcessProtocol()).exit();
        assertEquals(ProcessExit.killedBy(10), usr1);
        ProcessExit quit = run(h, sh("ulimit -c 0; kill -QUIT $$"), new RecordingProcessProtocol()).exit();
        assertEquals(ProcessExit.killedBy(3), quit);
    }

    @Test
    void noThreadServesAChild() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = h.call(() -> h.reactor().spawnProcess(ProcessSpec.of("cat"), p));
        h.run(() -> t.write(new byte[] {'x'}));
        ReactorHarness.await("the echo through cat", () -> p.text(ProcessStream.STDOUT).equals("x"));
        String prefix = "spindle-process-" + t.pid();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(th -> th.getName().startsWith(prefix)),
                "a thread serves the child");
        h.run(t::closeStdin);
        assertTrue(ReactorHarness.await(p.ended()).exit().isSuccess());
    }

    @Test
    void theChildGetsOnlyItsThreeStreamsAndAnEmptySignalMask() throws Exception {
        ReactorHarness h = started();
        Path file = Files.writeString(dir.resolve("open"), "held open by the parent");
        // java.io opens files without O_CLOEXEC: the child must not inherit this one.
        try (FileInputStream held = new FileInputStream(file.toFile())) {
            RecordingProcessProtocol p = new RecordingProcessProtocol();
            // The shell prints its own mask with builtins only, before it forks anything: while a
            // child of dash runs, dash blocks every signal in its wait, so a grep run from it would
            // read that mask instead of the one it was started with. Then ls lists the shell's
            // descriptors (its parent, $$).
            run(h, sh("while read -r l; do case $l in SigBlk*) echo \"$l\";; esac; done < /proc/$$/status; ls /proc/$$/fd"), p);
            String out = p.text(ProcessStream.STDOUT);
            Set<String> fds = new TreeSet<>();
            for (String line : out.split("\n")) {
                if (!line.startsWith("SigBlk")) {
                    fds.add(line.trim());
                }
            }
            fds.remove("");
            assertEquals(new TreeSet<>(List.of("0", "1", "2")), fds, "the shell's descriptors: " + out);
            assertTrue(out.contains("SigBlk:\t0000000000000000"), out);
            assertTrue(held.available() > 0);
        }
    }

    @Test
    void aChildKilledByTerminateIsReapedAfterTheReactorIsGone() throws Exception {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        long pid = h.call(() -> h.reactor().spawnProcess(ProcessSpec.of("sleep", "60"), p)).pid();
        h.terminate();
        assertEquals(null, p.ended().join().exit(), "the exit came after the transport ended");
        Path proc = Path.of("/proc/" + pid);
        // Not even a zombie: /proc/<pid> disappears only once the child was collected.
        ReactorHarness.await("process " + pid + " reaped", () -> !Files.exists(proc));
        assertTrue(Arrays.stream(Thread.getAllStackTraces().keySet().toArray(Thread[]::new))
                .anyMatch(th -> th.getName().equals("spindle-epoll-reaper")), "the reaper collected it");
    }
}
