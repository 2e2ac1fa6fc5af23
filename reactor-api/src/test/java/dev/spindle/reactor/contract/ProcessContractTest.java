package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStartException;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child processes on real programs (SPEC NET-6; {@code DescriptorReactor.spawnProcess},
 * {@code ProcessTransport}, {@code ProcessProtocol}, {@code ProcessSpec}): arguments,
 * environment, working directory, the output streams, standard input with back-pressure, exit
 * codes and signals, start failures without leaked descriptors, and what the reactor's
 * {@code stop()} and {@code terminate()} do to a live child. POSIX only: the children are
 * {@code /bin/sh}, {@code cat}, {@code printenv}, {@code pwd}, {@code sleep} and {@code true}.
 *
 * <p>Every wait is for an event (a callback, the child's disappearance, a thread's end) with a
 * bound; the one timer (resuming paused reading) only paces the test and nothing depends on its
 * length.
 */
@Timeout(60)
@EnabledOnOs({OS.LINUX, OS.MAC, OS.FREEBSD, OS.OPENBSD, OS.SOLARIS, OS.AIX})
public abstract class ProcessContractTest extends ReactorContractSupport {
    private static final int CHUNK = 64 * 1024;

    /** For subclasses. */
    protected ProcessContractTest() {
    }

    // ------------------------------------------------------------------ helpers

    private static ProcessTransport spawn(ReactorHarness h, ProcessSpec spec, RecordingProcessProtocol p) {
        return h.call(() -> h.reactor().spawnProcess(spec, p));
    }

    private static ProcessSpec sh(String script, String... args) {
        return ProcessSpec.builder("/bin/sh").arguments("-c", script, "sh").arguments(args).build();
    }

    private static RecordingProcessProtocol.Ended awaitEnd(RecordingProcessProtocol p) {
        return ReactorHarness.await(p.ended());
    }

    private static void assertNormalEnd(RecordingProcessProtocol p, int exitValue) {
        RecordingProcessProtocol.Ended end = awaitEnd(p);
        assertNull(end.cause(), "a normal end has no cause: " + end);
        ProcessExit exit = end.exit();
        assertNotNull(exit, "a normal end has the exit");
        assertEquals(exitValue, exit.exitValue(), "exit: " + exit);
        assertEquals(1, p.exitedCalls());
        assertEquals(1, p.endedCalls());
        List<String> events = p.events();
        assertEquals("started", events.get(0));
        assertEquals("ended", events.get(events.size() - 1), "processEnded comes last: " + events);
        assertEquals(0, p.offLoopCalls(), "every callback on the loop thread");
    }

    /** The threads of ours serving the process with {@code pid}. */
    private static List<String> processThreads(long pid) {
        String prefix = "spindle-process-" + pid + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.toList());
    }

    private static void awaitNoProcessThreads(long pid) {
        ReactorHarness.await("no spindle-process-" + pid + "-* thread left", () -> processThreads(pid).isEmpty());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitGone(long pid) {
        ReactorHarness.await("process " + pid + " gone", () -> !alive(pid));
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Charset platformCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    private static ProcessStartException spawnFails(ReactorHarness h, ProcessSpec spec, RecordingProcessProtocol p) {
        return h.call(() -> assertThrows(ProcessStartException.class, () -> h.reactor().spawnProcess(spec, p)));
    }

    // ------------------------------------------------------------------ arguments, environment, directory

    @Test
    @DisplayName("NET-6: arguments reach the child verbatim: spaces, quotes, backslashes, globs, $, newlines, empty, unicode (or a ProcessStartException when the platform charset cannot encode them)")
    public void argumentsArePassedVerbatim() {
        ReactorHarness h = started();
        List<String> ascii = List.of("plain", "two  spaces", "double\"quote", "it's", "", "back\\slash", "*", "$HOME",
                "new\nline", "-n");
        List<String> unicode = List.of("ünïcödé ✓", "日本語");
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, sh("printf '<%s>' \"$@\"", ascii.toArray(new String[0])), p);
        assertNormalEnd(p, 0);
        assertEquals(ascii.stream().map(a -> "<" + a + ">").collect(Collectors.joining()), p.text(ProcessStream.STDOUT));

        Charset platform = platformCharset();
        ProcessSpec withUnicode = sh("printf '<%s>' \"$@\"", unicode.toArray(new String[0]));
        RecordingProcessProtocol q = new RecordingProcessProtocol();
        if (platform.newEncoder().canEncode(String.join("", unicode))) {
            spawn(h, withUnicode, q);
            assertNormalEnd(q, 0);
            assertEquals(unicode.stream().map(a -> "<" + a + ">").collect(Collectors.joining()),
                    q.text(ProcessStream.STDOUT, platform));
        } else {
            ProcessStartException e = spawnFails(h, withUnicode, q);
            assertTrue(e.getMessage().contains(platform.name()), e.getMessage());
            assertEquals(List.of(), q.events());
        }
    }

    @Test
    @DisplayName("NET-6: environment(map) is exactly that map, nothing inherited; clearEnvironment() is empty")
    public void explicitEnvironmentIsExactlyTheMap() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, ProcessSpec.builder("printenv").environment(Map.of("SPINDLE_A", "1", "SPINDLE_B", "x y = z")).build(), p);
        assertNormalEnd(p, 0);
        List<String> lines = new ArrayList<>(Arrays.asList(p.text(ProcessStream.STDOUT).split("\n")));
        Collections.sort(lines);
        assertEquals(List.of("SPINDLE_A=1", "SPINDLE_B=x y = z"), lines);

        RecordingProcessProtocol q = new RecordingProcessProtocol();
        spawn(h, ProcessSpec.builder("printenv").clearEnvironment().build(), q);
        assertNormalEnd(q, 0);
        assertEquals("", q.text(ProcessStream.STDOUT));
    }

    @Test
    @DisplayName("NET-6 (Spindle's choice): by default the parent's environment is inherited; variables can be added and removed on top")
    public void environmentIsInheritedByDefault() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessSpec spec = ProcessSpec.builder("/bin/sh")
                .arguments("-c", "printf '%s|%s|%s' \"$PATH\" \"$SPINDLE_ADDED\" \"${HOME-unset}\"")
                .environmentVariable("SPINDLE_ADDED", "added value")
                .removeEnvironmentVariable("HOME")
                .build();
        spawn(h, spec, p);
        assertNormalEnd(p, 0);
        assertEquals(System.getenv("PATH") + "|added value|unset", p.text(ProcessStream.STDOUT));
    }

    @Test
    @DisplayName("NET-6: the child starts in the working directory given")
    public void childStartsInTheWorkingDirectory(@TempDir Path dir) throws IOException {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, ProcessSpec.builder("pwd").workingDirectory(dir).build(), p);
        assertNormalEnd(p, 0);
        assertEquals(dir.toRealPath() + "\n", p.text(ProcessStream.STDOUT));
    }

    // ------------------------------------------------------------------ output streams

    @Test
    @DisplayName("stdout and stderr arrive separately, each closed once, all output before processEnded")
    public void stdoutAndStderrAreSeparate() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, sh("echo out; echo err >&2; echo out2"), p);
        assertNormalEnd(p, 0);
        assertEquals("out\nout2\n", p.text(ProcessStream.STDOUT));
        assertEquals("err\n", p.text(ProcessStream.STDERR));
        List<String> events = p.events();
        assertEquals(1, Collections.frequency(events, "closed:STDOUT"), events.toString());
        assertEquals(1, Collections.frequency(events, "closed:STDERR"), events.toString());
        assertTrue(events.lastIndexOf("STDOUT") < events.indexOf("closed:STDOUT"), events.toString());
        assertTrue(events.lastIndexOf("STDERR") < events.indexOf("closed:STDERR"), events.toString());
    }

    @Test
    @DisplayName("mergeStderrIntoStdout: both arrive interleaved as STDOUT; no STDERR events")
    public void mergedStderrArrivesAsStdout() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessSpec spec = sh("echo out; echo err >&2; echo out2").toBuilder().mergeStderrIntoStdout(true).build();
        spawn(h, spec, p);
        assertNormalEnd(p, 0);
        assertEquals("out\nerr\nout2\n", p.text(ProcessStream.STDOUT));
        List<String> events = p.events();
        assertFalse(events.contains("STDERR"), events.toString());
        assertFalse(events.contains("closed:STDERR"), events.toString());
        assertTrue(events.contains("closed:STDOUT"), events.toString());
    }

    @Test
    @DisplayName("Output.DISCARD: no output, no outputClosed, and no reader thread for the child")
    public void discardedOutputNeedsNoReader() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessSpec spec = sh("echo hidden; echo hidden >&2; exec sleep 60").toBuilder()
                .stdout(ProcessSpec.Output.DISCARD).stderr(ProcessSpec.Output.DISCARD).build();
        ProcessTransport t = spawn(h, spec, p);
        assertEquals(List.of(), processThreads(t.pid()), "a discarded stream needs no reader");
        h.run(t::kill);
        RecordingProcessProtocol.Ended end = awaitEnd(p);
        assertNull(end.cause());
        assertEquals(9, end.exit().signal().orElse(-1), "exit: " + end.exit());
        assertEquals(List.of("started", "exited", "ended"), p.events());
    }

    // ------------------------------------------------------------------ standard input

    @Test
    @DisplayName("closeStdin: cat sees end of file and exits 0; inputClosed(null); writes after it throw")
    public void closeStdinGivesTheChildEndOfFile() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, ProcessSpec.of("cat"), p);
        h.run(() -> {
            assertTrue(t.isStdinOpen());
            t.write("hello, ".getBytes(UTF_8));
            ByteBuffer b = ByteBuffer.wrap("cat".getBytes(UTF_8));
            t.write(b);
            assertFalse(b.hasRemaining(), "write consumes the buffer");
            t.closeStdin();
            assertFalse(t.isStdinOpen());
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        });
        assertNull(ReactorHarness.await(p.inputClosed()));
        assertNormalEnd(p, 0);
        assertEquals("hello, cat", p.text(ProcessStream.STDOUT));
        assertTrue(p.events().indexOf("inputClosed") < p.events().indexOf("ended"));
        h.run(() -> {
            assertFalse(t.isOpen());
            assertFalse(t.isAlive());
            assertEquals(0, t.exit().exitValue());
        });
    }

    @Test
    @DisplayName("20 MiB through cat: stdin back-pressure (writability false/true), reading paused and resumed, nothing delivered while paused, every byte intact")
    public void largeStreamThroughCatWithBackPressureAndPausedReading() {
        ReactorHarness h = started();
        CatPump p = new CatPump(20L << 20);
        spawn(h, ProcessSpec.of("cat"), p);
        assertNormalEnd(p, 0);
        assertEquals(20L << 20, p.stdoutPattern().count());
        p.stdoutPattern().assertIntact();
        assertNull(ReactorHarness.await(p.inputClosed()));
        assertTrue(p.pauses.get() >= 4, "reading was paused: " + p.pauses.get());
        assertEquals(0, p.deliveredWhilePaused.get(), "no output while paused");
        List<Boolean> w = p.writability();
        assertTrue(w.contains(false) && w.contains(true), "stdin back-pressure: " + w);
        for (int i = 0; i < w.size(); i++) {
            assertEquals(i % 2 != 0, w.get(i), "writability alternates, starting with false: " + w);
        }
    }

    /** Pumps a pattern stream into the child's stdin as fast as writability allows; pauses reading every 4 MiB received. */
    private static final class CatPump extends RecordingProcessProtocol {
        private static final long PAUSE_EVERY = 4L << 20;
        private final long total;
        private final StreamPattern.Source source = new StreamPattern.Source();
        private long nextPause = PAUSE_EVERY;
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger deliveredWhilePaused = new AtomicInteger();

        CatPump(long total) {
            this.total = total;
        }

        @Override
        protected void onStarted(ProcessTransport t) {
            pump(t);
        }

        @Override
        protected void onWritabilityChanged(boolean writable) {
            if (writable) {
                pump(transport());
            }
        }

        private void pump(ProcessTransport t) {
            while (t.isWritable() && source.offset() < total) {
                t.write(source.next((int) Math.min(CHUNK, total - source.offset())));
            }
            if (source.offset() == total && t.isStdinOpen()) {
                t.closeStdin();
            }
        }

        @Override
        protected void onOutput(ProcessStream stream, ByteBuffer data) {
            ProcessTransport t = transport();
            if (t.isReadingPaused()) {
                deliveredWhilePaused.incrementAndGet();
            }
            if (receivedBytes(ProcessStream.STDOUT) >= nextPause) {
                nextPause += PAUSE_EVERY;
                t.pauseReading();
                pauses.incrementAndGet();
                t.reactor().schedule(Duration.ofMillis(20), t::resumeReading);
            }
        }
    }

    @Test
    @DisplayName("stdin hard limit: writes to a child that does not read raise writabilityChanged(false), then WriteBufferFullException past maxPendingWriteBytes")
    public void writesPastTheHardLimitThrowWriteBufferFull() {
        int limit = 1 << 20;
        ReactorHarness h = started(config().maxPendingWriteBytes(limit).build());
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, ProcessSpec.of("sleep", "60"), p);
        long[] result = h.call(() -> {
            StreamPattern.Source src = new StreamPattern.Source();
            // The child never reads: the pipe takes its capacity, the rest stays pending.
            long cap = limit + (4L << 20);
            while (src.offset() < cap) {
                ByteBuffer chunk = src.next(CHUNK);
                try {
                    t.write(chunk);
                } catch (WriteBufferFullException e) {
                    assertEquals(CHUNK, chunk.remaining(), "a refused write queues nothing");
                    return new long[] {src.offset() - CHUNK, t.pendingWriteBytes()};
                }
            }
            throw new AssertionError("no WriteBufferFullException after " + src.offset() + " bytes, pending "
                    + t.pendingWriteBytes());
        });
        assertTrue(result[1] <= limit, "pending within the limit: " + result[1]);
        assertTrue(result[1] + CHUNK > limit, "refused only because the limit would pass: pending " + result[1]);
        assertEquals(List.of(false), p.writability());
        h.run(t::kill);
        assertEquals(9, awaitEnd(p).exit().signal().orElse(-1));
    }

    @Test
    @DisplayName("a child that closes its stdin: the next write fails, inputClosed(ConnectionLostException), stdin no longer open")
    public void childClosingStdinFailsTheWrite() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, sh("exec 0<&-; echo closed; exec sleep 60"), p);
        ReactorHarness.await("the child closed its stdin", () -> p.text(ProcessStream.STDOUT).equals("closed\n"));
        h.run(() -> t.write(new byte[CHUNK]));
        Throwable cause = ReactorHarness.await(p.inputClosed());
        assertInstanceOf(ConnectionLostException.class, cause);
        assertFalse(h.call(t::isStdinOpen));
        assertThrows(IllegalStateException.class, () -> h.run(() -> t.write(new byte[] {1})));
        h.run(t::kill);
        awaitEnd(p);
        assertEquals(0, p.offLoopCalls());
    }

    // ------------------------------------------------------------------ exit and signals

    @Test
    @DisplayName("exit code: sh -c 'exit 3' ends with exit value 3, no signal")
    public void exitCodeIsDelivered() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, sh("exit 3"), p);
        assertNormalEnd(p, 3);
        ProcessExit exit = ReactorHarness.await(p.exited());
        assertEquals(3, exit.exitCode().orElse(-1));
        assertFalse(exit.signal().isPresent());
        assertFalse(exit.isSuccess());
    }

    @Test
    @DisplayName("kill(): SIGKILL; the exit reports signal 9 (exit value 137); the child is gone")
    public void killReportsSigkill() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, ProcessSpec.of("sleep", "60"), p);
        long pid = t.pid();
        assertTrue(alive(pid));
        assertTrue(h.call(t::isAlive));
        h.run(t::kill);
        assertNormalEnd(p, 137);
        ProcessExit exit = ReactorHarness.await(p.exited());
        assertEquals(9, exit.signal().orElse(-1));
        assertFalse(exit.exitCode().isPresent());
        assertTrue(exit.toString().contains("SIGKILL"), exit.toString());
        awaitGone(pid);
        awaitNoProcessThreads(pid);
        h.run(() -> {
            assertFalse(t.isAlive());
            t.kill();
            t.terminate();
        });
    }

    @Test
    @DisplayName("terminate(): SIGTERM; the exit reports signal 15 (exit value 143)")
    public void terminateReportsSigterm() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, ProcessSpec.of("sleep", "60"), p);
        h.run(t::terminate);
        assertNormalEnd(p, 143);
        assertEquals(15, ReactorHarness.await(p.exited()).signal().orElse(-1));
        awaitGone(t.pid());
    }

    @Test
    @DisplayName("terminate() of a child that handles SIGTERM: what it writes in its handler is delivered, then the exit code it chose")
    public void outputWrittenOnSigtermIsDelivered() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawn(h, sh("trap 'echo bye; echo bye >&2; exit 7' TERM; echo ready; "
                + "while :; do sleep 1 >/dev/null 2>&1 & wait $!; done"), p);
        ReactorHarness.await("the child handles SIGTERM", () -> p.text(ProcessStream.STDOUT).equals("ready\n"));
        h.run(t::terminate);
        assertNormalEnd(p, 7);
        assertEquals("ready\nbye\n", p.text(ProcessStream.STDOUT));
        assertEquals("bye\n", p.text(ProcessStream.STDERR));
    }

    @Test
    @DisplayName("order: thousands of lines and stderr, then exit 5: all output before processEnded, exited and ended once, all on the loop")
    public void allOutputIsDeliveredBeforeProcessEnded() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        spawn(h, sh("i=0; while [ $i -lt 3000 ]; do echo \"line $i\"; i=$((i+1)); done; echo done >&2; exit 5"), p);
        assertNormalEnd(p, 5);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertEquals(expected.toString(), p.text(ProcessStream.STDOUT));
        assertEquals("done\n", p.text(ProcessStream.STDERR));
        List<String> events = p.events();
        int ended = events.indexOf("ended");
        assertTrue(events.indexOf("closed:STDOUT") < ended && events.indexOf("closed:STDERR") < ended
                && events.indexOf("exited") < ended, events.toString());
    }

    // ------------------------------------------------------------------ start failures

    @Test
    @DisplayName("bad input: a command that is not found throws ProcessStartException naming it and the OS reason; the protocol is never called")
    public void commandNotFoundThrowsProcessStartException() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessSpec spec = ProcessSpec.of("spindle-no-such-command", "arg one");
        ProcessStartException e = spawnFails(h, spec, p);
        assertTrue(e.getMessage().contains("spindle-no-such-command"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertEquals(spec.command(), e.command());
        assertTrue(e.reason().contains("No such file or directory"), e.reason());
        assertEquals(List.of(), p.events());
    }

    @Test
    @DisplayName("bad input: a file that is not executable throws ProcessStartException with the OS reason")
    public void notExecutableThrowsProcessStartException(@TempDir Path dir) throws IOException {
        ReactorHarness h = started();
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        ProcessStartException e = spawnFails(h, ProcessSpec.of(script.toString()), new RecordingProcessProtocol());
        assertTrue(e.getMessage().contains(script.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    @DisplayName("bad input: a working directory that does not exist, or is a file, throws ProcessStartException naming it")
    public void badWorkingDirectoryThrowsProcessStartException(@TempDir Path dir) throws IOException {
        ReactorHarness h = started();
        Path missing = dir.resolve("missing");
        ProcessStartException e = spawnFails(h, ProcessSpec.builder("pwd").workingDirectory(missing).build(),
                new RecordingProcessProtocol());
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(missing.toString()), e.getMessage());
        Path file = Files.writeString(dir.resolve("file"), "x");
        e = spawnFails(h, ProcessSpec.builder("pwd").workingDirectory(file).build(), new RecordingProcessProtocol());
        assertTrue(e.getMessage().contains("not a directory") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("bad input: 100 failed spawns leak no descriptor, and neither do 10 children run to their end (/proc/self/fd)")
    public void failedSpawnsLeakNoDescriptors(@TempDir Path dir) throws IOException {
        ReactorHarness h = started();
        Path file = Files.writeString(dir.resolve("not-executable"), "x");
        List<ProcessSpec> bad = List.of(ProcessSpec.of("spindle-no-such-command"), ProcessSpec.of(file.toString()),
                ProcessSpec.builder("pwd").workingDirectory(dir.resolve("missing")).build());
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        for (ProcessSpec spec : bad) {
            spawnFails(h, spec, p); // warm-up: the JDK loads its launcher once
        }
        long before = openDescriptors();
        int failures = h.call(() -> {
            int n = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    h.reactor().spawnProcess(bad.get(i % bad.size()), p);
                } catch (ProcessStartException e) {
                    n++;
                }
            }
            return n;
        });
        assertEquals(100, failures);
        long after = openDescriptors();
        assertTrue(after <= before + 2, "descriptors before " + before + ", after 100 failed spawns " + after);
        assertEquals(List.of(), p.events());

        List<RecordingProcessProtocol> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordingProcessProtocol r = new RecordingProcessProtocol();
            runs.add(r);
            spawn(h, ProcessSpec.of("true"), r);
        }
        for (RecordingProcessProtocol r : runs) {
            assertNormalEnd(r, 0);
        }
        ReactorHarness.await("descriptors of ended children closed (before " + before + ")",
                () -> openDescriptors() <= before + 2);
    }

    @Test
    @DisplayName("spawnProcess off the loop throws IllegalStateException; so does a transport call off the loop")
    public void offLoopCallsAreRefused() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        assertThrows(IllegalStateException.class, () -> h.reactor().spawnProcess(ProcessSpec.of("true"), p));
        ProcessTransport t = spawn(h, ProcessSpec.of("cat"), p);
        assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        assertThrows(IllegalStateException.class, t::kill);
        h.run(t::closeStdin);
        assertNormalEnd(p, 0);
    }

    @Test
    @DisplayName("a protocol that throws from processStarted: logged, the child is killed, processEnded reports the exception")
    public void protocolThrowingAbortsTheProcess() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol() {
            @Override
            protected void onStarted(ProcessTransport t) {
                throw new IllegalStateException("protocol bug");
            }
        };
        ProcessTransport t = spawn(h, ProcessSpec.of("sleep", "60"), p);
        RecordingProcessProtocol.Ended end = awaitEnd(p);
        assertInstanceOf(ConnectionLostException.class, end.cause());
        assertEquals("protocol bug", end.cause().getCause().getMessage());
        awaitGone(t.pid());
        awaitNoProcessThreads(t.pid());
        assertFalse(h.call(t::isOpen));
    }

    // ------------------------------------------------------------------ reactor shutdown

    private static ProcessTransport spawnSleeper(ReactorHarness h, RecordingProcessProtocol p,
            ProcessSpec.ShutdownPolicy policy) {
        return spawn(h, ProcessSpec.builder("sleep").arguments("60").shutdownPolicy(policy).build(), p);
    }

    /** A child that ignores SIGTERM, once it has said so. */
    private static ProcessTransport spawnIgnoringSigterm(ReactorHarness h, RecordingProcessProtocol p, Duration grace) {
        ProcessSpec spec = sh("trap '' TERM; echo ready; exec sleep 60").toBuilder().shutdownGrace(grace).build();
        ProcessTransport t = spawn(h, spec, p);
        ReactorHarness.await("the child ignores SIGTERM", () -> p.text(ProcessStream.STDOUT).equals("ready\n"));
        return t;
    }

    /** stop(), then: the stop waited for the child's end, which was normal with {@code exitValue}; child and threads gone. */
    private static void stopAndExpectEnd(ReactorHarness h, RecordingProcessProtocol p, ProcessTransport t, int exitValue) {
        h.reactor().stop();
        h.awaitState(ReactorState.STOPPED);
        assertTrue(p.ended().isDone(), "the stop waited for the child");
        assertNormalEnd(p, exitValue);
        awaitGone(t.pid());
        awaitNoProcessThreads(t.pid());
    }

    @Test
    @DisplayName("stop() with a live child (TERMINATE, the default): SIGTERM, the exit delivered, processEnded before STOPPED; child and threads gone")
    public void stopTerminatesALiveChild() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawnSleeper(h, p, ProcessSpec.ShutdownPolicy.TERMINATE);
        stopAndExpectEnd(h, p, t, 143);
        assertEquals(15, p.ended().join().exit().signal().orElse(-1));
    }

    @Test
    @DisplayName("stop() with a child that ignores SIGTERM: SIGKILL after the shutdown grace")
    public void stopKillsAChildThatIgnoresSigtermAfterTheGrace() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawnIgnoringSigterm(h, p, Duration.ofMillis(200));
        stopAndExpectEnd(h, p, t, 137);
    }

    @Test
    @DisplayName("stop() with ShutdownPolicy.KILL: SIGKILL at once")
    public void stopWithKillPolicyKills() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessTransport t = spawnSleeper(h, p, ProcessSpec.ShutdownPolicy.KILL);
        stopAndExpectEnd(h, p, t, 137);
    }

    @Test
    @DisplayName("terminate() with a live child: SIGKILL, pipes closed, processEnded(null exit, cause) before terminate returns; child, threads and descriptors gone")
    public void terminateKillsALiveChild() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        boolean linux = Files.isDirectory(Path.of("/proc/self/fd"));
        long before = linux ? openDescriptors() : 0;
        long pid = spawnSleeper(h, p, ProcessSpec.ShutdownPolicy.TERMINATE).pid();
        h.terminate();
        assertTrue(p.ended().isDone(), "processEnded before terminate() returns");
        RecordingProcessProtocol.Ended end = p.ended().join();
        assertNull(end.exit(), "the exit was not observed");
        assertInstanceOf(ConnectionLostException.class, end.cause());
        assertEquals(List.of("started", "ended"), p.events());
        awaitGone(pid);
        awaitNoProcessThreads(pid);
        if (linux) {
            // Counted after the child ended and its helpers closed their streams (the reactor's own
            // selector, open at the baseline, is closed by now too).
            assertTrue(openDescriptors() <= before, "no descriptor of the child's pipes left open: before "
                    + before + ", after " + openDescriptors());
        }
    }

    @Test
    @DisplayName("ShutdownPolicy.DETACH: terminate() leaves the child running and ends the transport; our reader threads end when the child does")
    public void detachedChildOutlivesTheReactor() {
        ReactorHarness h = started();
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        long pid = spawnSleeper(h, p, ProcessSpec.ShutdownPolicy.DETACH).pid();
        closeLater(() -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        h.terminate();
        assertInstanceOf(ConnectionLostException.class, p.ended().join().cause());
        assertTrue(alive(pid), "a detached child keeps running");
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        awaitGone(pid);
        awaitNoProcessThreads(pid);
    }

    @Test
    @DisplayName("spawnProcess while the reactor is stopping throws ProcessStartException")
    public void spawnWhileStoppingIsRefused() {
        ReactorHarness h = started();
        ProcessTransport t = spawnIgnoringSigterm(h, new RecordingProcessProtocol(), Duration.ofSeconds(30));
        h.reactor().stop();
        h.awaitState(ReactorState.STOPPING);
        RecordingProcessProtocol p = new RecordingProcessProtocol();
        ProcessStartException e = spawnFails(h, ProcessSpec.of("true"), p);
        assertTrue(e.getMessage().contains("stopping"), e.getMessage());
        h.run(t::kill);
        h.awaitState(ReactorState.STOPPED);
        assertEquals(List.of(), p.events());
    }
}
