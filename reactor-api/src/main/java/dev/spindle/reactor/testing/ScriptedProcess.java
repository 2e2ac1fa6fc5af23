package dev.spindle.reactor.testing;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.spi.AbstractProcessTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A child process that the test plays, recorded by {@link DeterministicReactor#spawnProcess}:
 * nothing is started. It runs the real {@link AbstractProcessTransport}, so pending-input
 * accounting, watermarks, read pausing, callback order, the end condition and the shutdown
 * policies are the code every backend runs; only the pipes, signals and exit are scripted:
 * <ul>
 *   <li>the child's output: {@link #emit(ProcessStream, byte[])} and
 *       {@link #closeOutput(ProcessStream)} reach the protocol inside the call, or, while
 *       reading is paused, in order once it resumes;</li>
 *   <li>the child's standard input: what the protocol writes waits "in the pipe" until the
 *       test takes it with {@link #takeInput()} or {@link #takeInput(int)}, which lowers the
 *       pending input (writability events follow); {@link #failInput(IOException)} simulates a
 *       broken pipe; after {@code closeStdin()}, end of file is reached once everything was
 *       taken ({@link #inputEof()});</li>
 *   <li>the exit: {@link #exit(int)} or {@link #exit(ProcessExit)}; {@code processEnded}
 *       follows once every piped output is closed as well;</li>
 *   <li>signals are only recorded ({@link #signals()}): the scripted child does not die of
 *       them; script its exit, e.g. {@code exit(ProcessExit.killedBy(9))}.</li>
 * </ul>
 * Loop thread only.
 */
public final class ScriptedProcess extends AbstractProcessTransport {
    private final DeterministicReactor owner;
    private final ArrayDeque<Object[]> waitingOutput = new ArrayDeque<>();
    private final ByteArrayOutputStream inPipe = new ByteArrayOutputStream();
    private final List<String> signals = new ArrayList<>();
    private final List<ProcessStream> closedOutputs = new ArrayList<>();
    private boolean eofRequested;
    private boolean inputEof;
    private boolean released;

    ScriptedProcess(DeterministicReactor owner, ProcessSpec spec, ProcessProtocol protocol, long pid) {
        super(owner, spec, protocol, pid);
        this.owner = owner;
    }

    // ------------------------------------------------------------------ the child's side

    /**
     * The child writes {@code data} to {@code stream}: delivered at once, or after
     * {@code resumeReading()} while paused. Ignored once the transport has ended.
     *
     * @param stream a piped stream of the spec
     * @param data the bytes (copied)
     * @throws IllegalArgumentException if {@code stream} is not piped in the spec
     * @throws IllegalStateException if {@code stream} was closed, or off the loop thread
     */
    public void emit(ProcessStream stream, byte[] data) {
        Objects.requireNonNull(data, "data must not be null");
        checkOutput(stream, "emit");
        waitingOutput.addLast(new Object[] {stream, data.clone()});
        drainOutput();
    }

    /**
     * The child writes {@code text} in UTF-8 to {@code stream}.
     *
     * @param stream a piped stream of the spec
     * @param text the text
     */
    public void emit(ProcessStream stream, String text) {
        Objects.requireNonNull(text, "text must not be null");
        emit(stream, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * End of file on {@code stream}, after the output emitted before.
     *
     * @param stream a piped stream of the spec
     * @throws IllegalArgumentException if {@code stream} is not piped in the spec
     * @throws IllegalStateException if it was closed already, or off the loop thread
     */
    public void closeOutput(ProcessStream stream) {
        checkOutput(stream, "closeOutput");
        waitingOutput.addLast(new Object[] {stream, null});
        closedOutputs.add(stream);
        drainOutput();
    }

    private void checkOutput(ProcessStream stream, String operation) {
        Objects.requireNonNull(stream, "stream must not be null");
        owner.checkLoop("ScriptedProcess." + operation);
        if (!spec().isPiped(stream)) {
            throw new IllegalArgumentException(stream + " is not piped in " + spec());
        }
        if (closedOutputs.contains(stream)) {
            throw new IllegalStateException(operation + ": " + stream + " was closed already");
        }
    }

    private void drainOutput() {
        Object[] next;
        while (!isReadingPaused() && !ended() && (next = waitingOutput.pollFirst()) != null) {
            ProcessStream stream = (ProcessStream) next[0];
            byte[] data = (byte[]) next[1];
            if (data == null) {
                outputEnded(stream, null);
            } else {
                deliverOutput(stream, ByteBuffer.wrap(data));
            }
        }
    }

    /**
     * The child exits with {@code exitValue}, read as the JDK would report it
     * ({@link ProcessExit#fromExitValue(int)}).
     *
     * @param exitValue the exit value
     */
    public void exit(int exitValue) {
        exit(ProcessExit.fromExitValue(exitValue));
    }

    /**
     * The child's exit is collected.
     *
     * @param exit the exit
     * @throws IllegalStateException off the loop thread
     */
    public void exit(ProcessExit exit) {
        owner.checkLoop("ScriptedProcess.exit");
        exited(exit);
    }

    /**
     * Takes everything written to the child's standard input and not yet taken: the pipe
     * "reads" it, which lowers the pending input.
     *
     * @return the bytes, in order
     */
    public byte[] takeInput() {
        return takeInput(Integer.MAX_VALUE);
    }

    /**
     * Takes at most {@code max} bytes written to the child's standard input, oldest first.
     *
     * @param max 0 or more
     * @return the bytes
     * @throws IllegalStateException off the loop thread
     */
    public byte[] takeInput(int max) {
        owner.checkLoop("ScriptedProcess.takeInput");
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, found: " + max);
        }
        byte[] all = inPipe.toByteArray();
        int n = Math.min(max, all.length);
        inPipe.reset();
        inPipe.write(all, n, all.length - n);
        byte[] taken = new byte[n];
        System.arraycopy(all, 0, taken, 0, n);
        if (n > 0) {
            inputWritten(n);
        }
        if (eofRequested && inPipe.size() == 0 && !inputEof) {
            inputEof = true;
            inputDone(null);
        }
        return taken;
    }

    /**
     * Bytes written to the child's standard input and not yet taken.
     *
     * @return the count
     */
    public int inputAvailable() {
        return inPipe.size();
    }

    /**
     * Whether the child has read end of file on its standard input.
     *
     * @return true after {@code closeStdin()} once all input was taken
     */
    public boolean inputEof() {
        return inputEof;
    }

    /**
     * Writing to the child's standard input fails (e.g. a broken pipe): pending input is dropped
     * and the protocol is told.
     *
     * @param cause the failure
     * @throws IllegalStateException off the loop thread
     */
    public void failInput(IOException cause) {
        Objects.requireNonNull(cause, "cause must not be null");
        owner.checkLoop("ScriptedProcess.failInput");
        inPipe.reset();
        inputDone(cause);
    }

    /**
     * The signals sent to the child, in order: {@code SIGTERM} and {@code SIGKILL}.
     *
     * @return a snapshot
     */
    public List<String> signals() {
        return Collections.unmodifiableList(new ArrayList<>(signals));
    }

    /**
     * Whether the transport has released its pipes (it ended).
     *
     * @return true after the end
     */
    public boolean pipesReleased() {
        return released;
    }

    // ------------------------------------------------------------------ AbstractProcessTransport

    @Override
    protected void sendInput(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        inPipe.write(b, 0, b.length);
    }

    @Override
    protected void closeInput() {
        eofRequested = true;
        if (inPipe.size() == 0) {
            inputEof = true;
            inputDone(null);
        }
    }

    @Override
    protected void outputPaused(boolean paused) {
        if (!paused) {
            drainOutput();
        }
    }

    @Override
    protected void sendTerminate() {
        signals.add("SIGTERM");
    }

    @Override
    protected void sendKill() {
        signals.add("SIGKILL");
    }

    @Override
    protected void releasePipes() {
        released = true;
        waitingOutput.clear();
        inPipe.reset();
    }

    /**
     * The protocol of this process.
     *
     * @return the protocol
     */
    public ProcessProtocol processProtocol() {
        return protocol();
    }

    @Override
    public String toString() {
        return "ScriptedProcess[pid " + pid() + ", " + spec().command() + (isOpen() ? "" : ", ended") + "]";
    }
}
