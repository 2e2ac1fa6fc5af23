package dev.spindle.reactor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStartException;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.SystemEvent;
import dev.spindle.reactor.TriggerPhase;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scripted child processes of {@link DeterministicReactor} over the shared
 * {@code AbstractProcessTransport}: callback order, the end condition, read pausing,
 * standard-input back-pressure and the shutdown policies, on the manual clock.
 */
class DeterministicReactorProcessTest {
    private DeterministicReactor reactor = DeterministicReactor.create();
    private final Recorder protocol = new Recorder();

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private ScriptedProcess spawn(ProcessSpec spec) {
        reactor.start();
        ProcessTransport t = reactor.spawnProcess(spec, protocol);
        List<ScriptedProcess> all = reactor.processes();
        ScriptedProcess p = all.get(all.size() - 1);
        assertSame(p, t);
        return p;
    }

    /** Records callbacks as strings. */
    static final class Recorder implements ProcessProtocol {
        final List<String> events = new ArrayList<>();
        @Nullable ProcessExit endedExit;
        @Nullable Throwable endedCause;
        @Nullable Throwable inputCause;
        @Nullable RuntimeException throwOnOutput;
        boolean pauseOnOutput;
        @Nullable ProcessTransport transport;

        @Override
        public void processStarted(ProcessTransport t) {
            transport = t;
            events.add("started");
        }

        @Override
        public void outputReceived(ProcessStream stream, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            events.add(stream + ":" + new String(b, UTF_8));
            if (throwOnOutput != null) {
                throw throwOnOutput;
            }
            if (pauseOnOutput && transport != null) {
                transport.pauseReading();
            }
        }

        @Override
        public void outputClosed(ProcessStream stream) {
            events.add("closed:" + stream);
        }

        @Override
        public void writabilityChanged(boolean writable) {
            events.add("writable:" + writable);
        }

        @Override
        public void inputClosed(@Nullable Throwable cause) {
            inputCause = cause;
            events.add("inputClosed:" + (cause == null ? "null" : cause.getClass().getSimpleName()));
        }

        @Override
        public void processExited(ProcessExit exit) {
            events.add("exited:" + exit.exitValue());
        }

        @Override
        public void processEnded(@Nullable ProcessExit exit, @Nullable Throwable cause) {
            endedExit = exit;
            endedCause = cause;
            events.add("ended:" + (cause == null ? "null" : cause.getClass().getSimpleName()));
        }
    }

    @Test
    @DisplayName("spawnProcess records a scripted process with a fake pid; processStarted runs inside the call")
    void spawnRecordsTheProcess() {
        ScriptedProcess p = spawn(ProcessSpec.of("grep", "-c", "x"));
        assertEquals(DeterministicReactor.FIRST_SCRIPTED_PID, p.pid());
        assertEquals(List.of("grep", "-c", "x"), p.spec().command());
        assertEquals(List.of("started"), protocol.events);
        assertTrue(p.isAlive() && p.isOpen() && p.isStdinOpen() && p.isWritable());
        assertSame(reactor, p.reactor());
    }

    @Test
    @DisplayName("the end waits for the exit and for every piped stream: exit first, then output, then processEnded")
    void endWaitsForExitAndEveryStream() {
        ScriptedProcess p = spawn(ProcessSpec.of("x"));
        p.emit(ProcessStream.STDOUT, "a");
        p.exit(0);
        p.emit(ProcessStream.STDERR, "e");
        p.closeOutput(ProcessStream.STDOUT);
        assertTrue(p.isOpen(), "stderr is still open");
        assertFalse(p.isAlive());
        p.closeOutput(ProcessStream.STDERR);
        assertEquals(List.of("started", "STDOUT:a", "exited:0", "STDERR:e", "closed:STDOUT", "closed:STDERR", "ended:null"),
                protocol.events);
        assertEquals(0, protocol.endedExit.exitValue());
        assertFalse(p.isOpen());
        assertTrue(p.pipesReleased());
        assertThrows(IllegalStateException.class, () -> p.write(new byte[] {1}));
    }

    @Test
    @DisplayName("merged or discarded streams are not waited for; emitting to them is refused")
    void onlyPipedStreamsCount() {
        ScriptedProcess p = spawn(ProcessSpec.builder("x").mergeStderrIntoStdout(true).build());
        assertThrows(IllegalArgumentException.class, () -> p.emit(ProcessStream.STDERR, "e"));
        p.closeOutput(ProcessStream.STDOUT);
        p.exit(3);
        assertEquals(List.of("started", "closed:STDOUT", "exited:3", "ended:null"), protocol.events);
    }

    @Test
    @DisplayName("pauseReading holds output and end of file until resumeReading; a pause inside outputReceived holds the rest")
    void pausedReadingHoldsOutput() {
        ScriptedProcess p = spawn(ProcessSpec.builder("x").stderr(ProcessSpec.Output.DISCARD).build());
        p.pauseReading();
        p.emit(ProcessStream.STDOUT, "1");
        p.closeOutput(ProcessStream.STDOUT);
        p.exit(0);
        assertEquals(List.of("started", "exited:0"), protocol.events);
        protocol.pauseOnOutput = true;
        p.resumeReading();
        assertEquals(List.of("started", "exited:0", "STDOUT:1"), protocol.events, "paused again by the protocol");
        protocol.pauseOnOutput = false;
        p.resumeReading();
        assertEquals(List.of("started", "exited:0", "STDOUT:1", "closed:STDOUT", "ended:null"), protocol.events);
    }

    @Test
    @DisplayName("stdin back-pressure: writability false above the high watermark, true at the low one; WriteBufferFullException past the hard limit")
    void stdinBackPressure() {
        reactor = DeterministicReactor.create(ReactorConfig.builder().writeWatermarks(10, 20).maxPendingWriteBytes(40).build());
        ScriptedProcess p = spawn(ProcessSpec.of("cat"));
        p.write(new byte[15]);
        assertTrue(p.isWritable());
        p.write(new byte[10]);
        assertFalse(p.isWritable());
        assertEquals(25, p.pendingWriteBytes());
        WriteBufferFullException e = assertThrows(WriteBufferFullException.class, () -> p.write(new byte[16]));
        assertTrue(e.getMessage().contains("40"), e.getMessage());
        assertEquals(25, p.pendingWriteBytes(), "a refused write queues nothing");
        assertEquals(10, p.takeInput(10).length);
        assertFalse(p.isWritable(), "15 pending, above the low watermark");
        p.takeInput(5);
        assertTrue(p.isWritable());
        assertEquals(List.of("started", "writable:false", "writable:true"), protocol.events);
        assertEquals(10, p.inputAvailable());
    }

    @Test
    @DisplayName("closeStdin: end of file once everything was taken; inputClosed(null); writes after it throw")
    void closeStdinAfterPendingInput() {
        ScriptedProcess p = spawn(ProcessSpec.of("cat"));
        p.write("abc".getBytes(UTF_8));
        p.closeStdin();
        assertFalse(p.isStdinOpen());
        assertThrows(IllegalStateException.class, () -> p.write(new byte[] {1}));
        assertFalse(p.inputEof());
        assertEquals("abc", new String(p.takeInput(), UTF_8));
        assertTrue(p.inputEof());
        assertEquals(List.of("started", "inputClosed:null"), protocol.events);
    }

    @Test
    @DisplayName("a failed stdin write drops pending input and reports inputClosed(ConnectionLostException)")
    void failedInputIsReported() {
        ScriptedProcess p = spawn(ProcessSpec.of("cat"));
        p.write(new byte[100]);
        p.failInput(new IOException("Broken pipe"));
        assertInstanceOf(ConnectionLostException.class, protocol.inputCause);
        assertEquals(0, p.pendingWriteBytes());
        assertThrows(IllegalStateException.class, () -> p.write(new byte[] {1}));
    }

    @Test
    @DisplayName("terminate()/kill() send SIGTERM/SIGKILL until the exit is known")
    void signalsAreRecorded() {
        ScriptedProcess p = spawn(ProcessSpec.of("sleep", "60"));
        p.terminate();
        p.kill();
        p.exit(ProcessExit.killedBy(9));
        p.kill();
        assertEquals(List.of("SIGTERM", "SIGKILL"), p.signals());
        assertEquals(137, p.exit().exitValue());
    }

    @Test
    @DisplayName("reactor stop() with TERMINATE: stdin closed, SIGTERM, SIGKILL after the grace on the clock; STOPPED once the scripted exit arrives")
    void stopTerminatesThenKillsAfterTheGrace() {
        ScriptedProcess p = spawn(ProcessSpec.builder("x").shutdownGrace(Duration.ofSeconds(2)).build());
        reactor.stop();
        reactor.runUntilIdle();
        assertEquals(ReactorState.STOPPING, reactor.state());
        assertEquals(List.of("SIGTERM"), p.signals());
        assertTrue(p.inputEof());
        reactor.advance(Duration.ofSeconds(2));
        assertEquals(List.of("SIGTERM", "SIGKILL"), p.signals());
        p.exit(ProcessExit.killedBy(9));
        p.closeOutput(ProcessStream.STDOUT);
        p.closeOutput(ProcessStream.STDERR);
        reactor.runUntilIdle();
        assertEquals(ReactorState.STOPPED, reactor.state());
        assertNull(protocol.endedCause);
        assertEquals(9, protocol.endedExit.signal().getAsInt());
    }

    @Test
    @DisplayName("reactor stop() with KILL: SIGKILL at once")
    void stopWithKillPolicy() {
        ScriptedProcess p = spawn(ProcessSpec.builder("x").shutdownPolicy(ProcessSpec.ShutdownPolicy.KILL).build());
        reactor.stop();
        reactor.runUntilIdle();
        assertEquals(List.of("SIGKILL"), p.signals());
    }

    @Test
    @DisplayName("reactor stop() with DETACH: no signal, pipes released, processEnded(null, cause) at once")
    void stopWithDetachPolicy() {
        ScriptedProcess p = spawn(ProcessSpec.builder("x").shutdownPolicy(ProcessSpec.ShutdownPolicy.DETACH).build());
        reactor.stop();
        reactor.runUntilIdle();
        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(List.of(), p.signals());
        assertTrue(p.pipesReleased());
        assertInstanceOf(ConnectionLostException.class, protocol.endedCause);
        assertNull(protocol.endedExit);
    }

    @Test
    @DisplayName("reactor terminate(): SIGKILL, processEnded with the cause and no exit")
    void terminateKills() {
        ScriptedProcess p = spawn(ProcessSpec.of("x"));
        reactor.terminate();
        assertEquals(List.of("SIGKILL"), p.signals());
        assertEquals(List.of("started", "ended:ConnectionLostException"), protocol.events);
        assertFalse(p.isOpen());
    }

    @Test
    @DisplayName("a protocol that throws from outputReceived: the process is killed and ends with the exception")
    void throwingProtocolAbortsTheProcess() {
        ScriptedProcess p = spawn(ProcessSpec.of("x"));
        protocol.throwOnOutput = new IllegalStateException("bug");
        p.emit(ProcessStream.STDOUT, "a");
        assertEquals(List.of("SIGKILL"), p.signals());
        assertInstanceOf(ConnectionLostException.class, protocol.endedCause);
        assertSame(protocol.throwOnOutput, protocol.endedCause.getCause());
        p.emit(ProcessStream.STDOUT, "ignored after the end");
        assertEquals(List.of("started", "STDOUT:a", "ended:ConnectionLostException"), protocol.events);
    }

    @Test
    @DisplayName("failNextSpawn makes one spawn throw ProcessStartException; nothing is recorded; spawning while stopping is refused")
    void spawnFailures() {
        reactor.start();
        reactor.failNextSpawn("error=2, No such file or directory");
        ProcessStartException e = assertThrows(ProcessStartException.class,
                () -> reactor.spawnProcess(ProcessSpec.of("nope"), protocol));
        assertTrue(e.getMessage().contains("\"nope\"") && e.getMessage().contains("No such file"), e.getMessage());
        assertEquals(List.of(), reactor.processes());
        assertEquals(List.of(), protocol.events);
        reactor.spawnProcess(ProcessSpec.of("x"), protocol);
        reactor.addSystemEventTrigger(SystemEvent.SHUTDOWN, TriggerPhase.BEFORE, () -> new CompletableFuture<Void>());
        reactor.stop();
        reactor.runPending();
        assertEquals(ReactorState.STOPPING, reactor.state());
        assertThrows(ProcessStartException.class, () -> reactor.spawnProcess(ProcessSpec.of("y"), protocol));
    }
}
