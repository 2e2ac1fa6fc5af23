package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLOUT;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStartException;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.spi.AbstractProcessTransport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process on the epoll backend, without a thread of its own: started with
 * {@code posix_spawnp}, its three pipes and a pidfd watched by the reactor's epoll set.
 *
 * <ul>
 *   <li><b>Start.</b> The pipes are made close-on-exec, the parent's ends non-blocking; file
 *       actions {@code dup2} the child's ends to 0, 1 and 2 (or open {@code /dev/null} for a
 *       discarded stream, or leave an inherited one alone, or {@code dup2(1, 2)} for merged
 *       output), change to the working directory ({@code addchdir_np}) and close every other
 *       descriptor ({@code addclosefrom_np(3)}); the signal mask is emptied. glibc reports a
 *       failed {@code exec} as the result of {@code posix_spawnp}, so a missing or non-executable
 *       command is a {@link ProcessStartException} with the errno, and nothing is left open.</li>
 *   <li><b>Output.</b> Level-triggered {@code EPOLLIN} on each piped output while reading is
 *       not paused (paused, the pipe leaves the epoll set: the child blocks when it is full);
 *       reads go into the reactor's read buffer and reach the protocol without a copy.</li>
 *   <li><b>Input.</b> Written straight to the pipe while nothing waits; what the pipe does not
 *       take is copied into a queue drained on {@code EPOLLOUT}.</li>
 *   <li><b>Exit.</b> The pidfd becomes readable when the child exits; {@code waitid} then gives
 *       the exact status: the exit code, or the signal that killed it
 *       ({@link ProcessExit#killedBy}, nothing inferred). Signals go through
 *       {@code pidfd_send_signal}, which can never reach a process that reused the pid.</li>
 *   <li><b>After the end.</b> A child whose transport ended before its exit was collected
 *       (killed by {@code terminate()}, or detached) is handed to {@link EpollReaper}.</li>
 * </ul>
 * Needs Linux 5.3 ({@code pidfd_open}) and glibc 2.34 ({@code addclosefrom_np}); elsewhere the
 * reactor uses the portable implementation. Loop thread only.
 */
final class EpollProcessTransport extends AbstractProcessTransport {
    private static final Logger LOG = LoggerFactory.getLogger(EpollProcessTransport.class);
    /** Reads of one output per readiness event before the loop moves on (level-triggered: it comes back). */
    private static final int READS_PER_EVENT = 16;
    private static volatile @Nullable Boolean available;

    private final EpollReactor epoll;
    private final NativeIo io;
    private final LinuxLayout layout;
    private final @Nullable Output stdout;
    private final @Nullable Output stderr;
    private final Input stdin;
    private final EpollHandler exitWatch = events -> collectExit();
    private int pidfd;

    private EpollProcessTransport(EpollReactor reactor, NativeIo io, LinuxLayout layout, ProcessSpec spec,
            ProcessProtocol protocol, long pid, int pidfd, int stdinFd, int stdoutFd, int stderrFd) {
        super(reactor, spec, protocol, pid);
        this.epoll = reactor;
        this.io = io;
        this.layout = layout;
        this.pidfd = pidfd;
        this.stdin = new Input(stdinFd);
        this.stdout = stdoutFd >= 0 ? new Output(ProcessStream.STDOUT, stdoutFd) : null;
        this.stderr = stderrFd >= 0 ? new Output(ProcessStream.STDERR, stderrFd) : null;
    }

    /**
     * Whether native processes work here (the C library's spawn functions and {@code pidfd_open}),
     * found out once.
     */
    static boolean available(NativeIo io) {
        Boolean a = available;
        if (a == null) {
            boolean ok;
            try {
                ok = SpawnLibc.complete();
                if (ok) {
                    io.close(io.pidfdOpen(ProcessHandle.current().pid()));
                } else {
                    LOG.info("the C library lacks posix_spawn_file_actions_addchdir_np or _addclosefrom_np (glibc < 2.34):"
                            + " child processes use the portable implementation");
                }
            } catch (ErrnoException | RuntimeException | LinkageError e) {
                LOG.info("native child processes are unavailable ({}): they use the portable implementation", e.toString());
                ok = false;
            }
            a = ok;
            available = a;
        }
        return a;
    }

    // ------------------------------------------------------------------ start

    /**
     * Starts {@code spec} and connects {@code protocol}. Loop thread; the caller checked the
     * arguments and the reactor's state.
     *
     * @return the transport, after {@code processStarted}
     * @throws ProcessStartException if the child cannot be started; nothing is left open
     */
    static ProcessTransport spawn(EpollReactor reactor, NativeIo io, LinuxLayout layout, ProcessSpec spec,
            ProcessProtocol protocol) {
        Path dir = spec.workingDirectory();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ProcessStartException(spec.command(), (Files.exists(dir)
                    ? "working directory is not a directory: " : "working directory does not exist: ") + dir, null);
        }
        List<Integer> open = new ArrayList<>(6);
        try {
            long in = io.childPipe(false);
            open.add((int) in);
            open.add((int) (in >>> 32));
            long out = spec.isPiped(ProcessStream.STDOUT) ? io.childPipe(true) : -1;
            if (out != -1) {
                open.add((int) out);
                open.add((int) (out >>> 32));
            }
            long err = spec.isPiped(ProcessStream.STDERR) ? io.childPipe(true) : -1;
            if (err != -1) {
                open.add((int) err);
                open.add((int) (err >>> 32));
            }
            long pid = posixSpawn(spec, dir, (int) in, out == -1 ? -1 : (int) (out >>> 32), err == -1 ? -1 : (int) (err >>> 32));
            // The child has its copies: the parent keeps only its own ends.
            io.close((int) in);
            open.remove(Integer.valueOf((int) in));
            if (out != -1) {
                io.close((int) (out >>> 32));
                open.remove(Integer.valueOf((int) (out >>> 32)));
            }
            if (err != -1) {
                io.close((int) (err >>> 32));
                open.remove(Integer.valueOf((int) (err >>> 32)));
            }
            int pfd;
            try {
                pfd = io.pidfdOpen(pid);
            } catch (ErrnoException e) {
                io.kill(pid, LinuxLayout.SIGKILL);
                io.waitExit(pid, true);
                throw new ProcessStartException(spec.command(), "cannot watch the child: " + e.getMessage(), e);
            }
            open.clear();
            EpollProcessTransport t = new EpollProcessTransport(reactor, io, layout, spec, protocol, pid, pfd,
                    (int) (in >>> 32), out == -1 ? -1 : (int) out, err == -1 ? -1 : (int) err);
            try {
                t.watch();
            } catch (ErrnoException | RuntimeException e) {
                t.sendKill();
                t.releasePipes();
                throw new ProcessStartException(spec.command(), "cannot watch the child: " + e.getMessage(), e);
            }
            t.start();
            return t;
        } catch (ErrnoException e) {
            throw new ProcessStartException(spec.command(), e.getMessage(), e);
        } finally {
            for (int fd : open) {
                io.close(fd);
            }
        }
    }

    /** Registers the pidfd and the piped outputs, and gives standard input its slot. */
    private void watch() throws ErrnoException {
        epoll.register(pidfd, exitWatch, EPOLLIN);
        epoll.install(stdin.fd, stdin);
        Output o = stdout;
        if (o != null) {
            epoll.install(o.fd, o);
            o.watch(true);
        }
        Output e = stderr;
        if (e != null) {
            epoll.install(e.fd, e);
            e.watch(true);
        }
    }

    /**
     * {@code posix_spawnp} with the file actions and attributes described in the class comment.
     *
     * @return the child's pid
     * @throws ProcessStartException naming the errno if the child cannot be started
     */
    private static long posixSpawn(ProcessSpec spec, @Nullable Path dir, int stdinRead, int stdoutWrite, int stderrWrite) {
        Charset charset = NativeIo.platformCharset();
        try (Arena a = Arena.ofConfined()) {
            List<String> command = spec.command();
            MemorySegment file = cString(a, charset, command.get(0), spec, "the executable");
            MemorySegment argv = a.allocate(ADDRESS, command.size() + 1L);
            for (int i = 0; i < command.size(); i++) {
                argv.setAtIndex(ADDRESS, i, cString(a, charset, command.get(i), spec, i == 0 ? "the executable" : "argument " + i));
            }
            Map<String, String> env = spec.resolveEnvironment(System.getenv());
            MemorySegment envp = a.allocate(ADDRESS, env.size() + 1L);
            int k = 0;
            for (Map.Entry<String, String> e : env.entrySet()) {
                envp.setAtIndex(ADDRESS, k++, cString(a, charset, e.getKey() + "=" + e.getValue(), spec,
                        "environment variable " + e.getKey()));
            }
            MemorySegment chdir = dir == null ? null : cString(a, charset, dir.toString(), spec, "working directory " + dir);
            MemorySegment actions = a.allocate(LinuxLayout.POSIX_SPAWN_FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = a.allocate(LinuxLayout.POSIX_SPAWNATTR_SIZE, 16);
            MemorySegment sigset = a.allocate(LinuxLayout.SIGSET_SIZE, 16);
            MemorySegment pid = a.allocate(JAVA_INT);
            check(spec, SpawnLibc.fileActionsInit(actions), "posix_spawn_file_actions_init");
            try {
                check(spec, SpawnLibc.attrInit(attr), "posix_spawnattr_init");
                try {
                    MemorySegment devNull = a.allocateFrom("/dev/null");
                    check(spec, SpawnLibc.addDup2(actions, stdinRead, 0), "adddup2");
                    output(spec, actions, devNull, spec.stdout(), stdoutWrite, 1);
                    if (spec.stderrMerged()) {
                        check(spec, SpawnLibc.addDup2(actions, 1, 2), "adddup2");
                    } else {
                        output(spec, actions, devNull, spec.stderr(), stderrWrite, 2);
                    }
                    if (chdir != null) {
                        check(spec, SpawnLibc.addChdir(actions, chdir), "addchdir_np");
                    }
                    check(spec, SpawnLibc.addCloseFrom(actions, 3), "addclosefrom_np");
                    // The loop thread's signal mask is not the child's business.
                    check(spec, SpawnLibc.sigemptyset(sigset) == 0 ? 0 : Errno.EINVAL, "sigemptyset");
                    check(spec, SpawnLibc.attrSetSigmask(attr, sigset), "posix_spawnattr_setsigmask");
                    check(spec, SpawnLibc.attrSetFlags(attr, (short) LinuxLayout.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
                    int e = SpawnLibc.posixSpawnp(pid, file, actions, attr, argv, envp);
                    if (e != 0) {
                        // The JDK's wording ("error=2, No such file or directory"), and the errno name.
                        throw new ProcessStartException(command, "error=" + e + ", " + Errno.message(e) + " (" + Errno.name(e) + ")",
                                new ErrnoException("posix_spawnp " + command.get(0), e));
                    }
                    return pid.get(JAVA_INT, 0);
                } finally {
                    SpawnLibc.attrDestroy(attr);
                }
            } finally {
                SpawnLibc.fileActionsDestroy(actions);
            }
        }
    }

    private static void output(ProcessSpec spec, MemorySegment actions, MemorySegment devNull, ProcessSpec.Output how,
            int pipeWrite, int target) {
        switch (how) {
            case PIPE:
                check(spec, SpawnLibc.addDup2(actions, pipeWrite, target), "adddup2");
                break;
            case DISCARD:
                check(spec, SpawnLibc.addOpen(actions, target, devNull, LinuxLayout.O_WRONLY, 0), "addopen /dev/null");
                break;
            default:
                // INHERIT: the JVM's own descriptor stays where it is.
                break;
        }
    }

    private static void check(ProcessSpec spec, int error, String what) {
        if (error != 0) {
            throw new ProcessStartException(spec.command(), what + ": " + Errno.name(error) + " (" + Errno.message(error) + ")",
                    new ErrnoException(what, error));
        }
    }

    /**
     * A NUL-terminated string in the platform charset. A character it cannot represent fails the
     * start instead of reaching the child as {@code ?}; so does a NUL inside.
     */
    private static MemorySegment cString(Arena a, Charset charset, String s, ProcessSpec spec, String what) {
        CharsetEncoder encoder = charset.newEncoder();
        if (!encoder.canEncode(s)) {
            throw new ProcessStartException(spec.command(), what + " \"" + s + "\" cannot be represented in the platform charset "
                    + charset.name() + " (the JVM's locale; start the JVM under a UTF-8 locale such as C.UTF-8)", null);
        }
        if (s.indexOf('\0') >= 0) {
            throw new ProcessStartException(spec.command(), what + " contains a NUL character", null);
        }
        byte[] bytes = s.getBytes(charset);
        MemorySegment m = a.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, m, JAVA_BYTE, 0, bytes.length);
        return m;
    }

    // ------------------------------------------------------------------ exit

    private void collectExit() {
        int fd = pidfd;
        if (fd < 0) {
            return;
        }
        long status;
        try {
            status = io.waitExit(pid(), false);
        } catch (ErrnoException e) {
            LOG.warn("process {}: its pidfd reported the exit but waitid failed: {}", pid(), e.getMessage());
            status = -2;
        }
        if (status == -1) {
            return;
        }
        pidfd = -1;
        epoll.deregister(fd, true);
        io.close(fd);
        if (status == -2) {
            exited(ProcessExit.fromExitValue(-1));
            return;
        }
        int code = (int) (status >>> 32);
        int value = (int) status;
        exited(code == LinuxLayout.CLD_EXITED ? ProcessExit.exited(value) : ProcessExit.killedBy(value));
    }

    // ------------------------------------------------------------------ AbstractProcessTransport

    @Override
    protected void sendInput(ByteBuffer data) {
        stdin.send(data);
    }

    @Override
    protected void closeInput() {
        stdin.closeAfterPending();
    }

    @Override
    protected void outputPaused(boolean paused) {
        Output o = stdout;
        if (o != null) {
            o.watch(!paused);
        }
        Output e = stderr;
        if (e != null) {
            e.watch(!paused);
        }
    }

    @Override
    protected void sendTerminate() {
        signal(LinuxLayout.SIGTERM);
    }

    @Override
    protected void sendKill() {
        signal(LinuxLayout.SIGKILL);
    }

    private void signal(int signal) {
        if (pidfd < 0 || !io.isOpen()) {
            return;
        }
        int e = io.pidfdSignal(pidfd, signal);
        if (e != 0 && e != Errno.ESRCH) {
            LOG.warn("pidfd_send_signal({}) to process {} failed: {}", ProcessExit.signalName(signal), pid(), Errno.name(e));
        }
    }

    @Override
    protected void releasePipes() {
        Output o = stdout;
        if (o != null) {
            o.close();
        }
        Output e = stderr;
        if (e != null) {
            e.close();
        }
        stdin.close();
        int fd = pidfd;
        if (fd >= 0) {
            pidfd = -1;
            if (io.isOpen()) {
                epoll.deregister(fd, true);
                EpollReaper.adopt(io, layout, fd, pid());
            }
        }
    }

    /** Runs {@code task} from the loop's queue (outside the caller's call), or now if the queue is full. */
    private void post(Runnable task) {
        if (!reactor.tryExecute(task)) {
            task.run();
        }
    }

    // ------------------------------------------------------------------ pipes

    /** A piped output of the child: level-triggered while watched. */
    private final class Output implements EpollHandler {
        final ProcessStream stream;
        final int fd;
        private boolean open = true;
        private int registered;

        Output(ProcessStream stream, int fd) {
            this.stream = stream;
            this.fd = fd;
        }

        void watch(boolean on) {
            if (!open) {
                return;
            }
            int want = on ? EPOLLIN : 0;
            try {
                epoll.control(fd, registered, want);
                registered = want;
            } catch (ErrnoException e) {
                close();
                outputEnded(stream, e);
            }
        }

        @Override
        public void ready(int events) {
            for (int i = 0; i < READS_PER_EVENT && open && registered != 0 && !ended(); i++) {
                ByteBuffer buf = epoll.readBuffer();
                buf.clear();
                int n;
                try {
                    n = io.read(fd, buf);
                } catch (ErrnoException e) {
                    close();
                    outputEnded(stream, e);
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    close();
                    outputEnded(stream, null);
                    return;
                }
                buf.flip();
                deliverOutput(stream, buf);
            }
        }

        void close() {
            if (!open) {
                return;
            }
            open = false;
            if (io.isOpen()) {
                epoll.deregister(fd, registered != 0);
                io.close(fd);
            }
            registered = 0;
        }
    }

    /** The child's standard input: written at once while nothing waits, else queued for {@code EPOLLOUT}. */
    private final class Input implements EpollHandler {
        final int fd;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private boolean open = true;
        private boolean registered;
        private boolean closeAfterPending;

        Input(int fd) {
            this.fd = fd;
        }

        void send(ByteBuffer data) {
            if (!open) {
                // Writing failed already; its report is on the way.
                data.position(data.limit());
                return;
            }
            if (queue.isEmpty()) {
                int n;
                try {
                    n = io.write(fd, data);
                } catch (ErrnoException e) {
                    fail(e, true);
                    return;
                }
                if (n > 0) {
                    inputWritten(n);
                }
                if (!data.hasRemaining() || !open) {
                    return;
                }
            }
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data).flip();
            queue.addLast(copy);
            want(true);
        }

        @Override
        public void ready(int events) {
            while (open) {
                ByteBuffer b = queue.peekFirst();
                if (b == null) {
                    break;
                }
                int n;
                try {
                    n = io.write(fd, b);
                } catch (ErrnoException e) {
                    fail(e, false);
                    return;
                }
                if (n > 0) {
                    inputWritten(n);
                }
                if (b.hasRemaining()) {
                    return;
                }
                queue.pollFirst();
            }
            if (!open) {
                return;
            }
            want(false);
            if (closeAfterPending) {
                close();
                inputDone(null);
            }
        }

        void closeAfterPending() {
            closeAfterPending = true;
            if (queue.isEmpty()) {
                post(() -> {
                    if (open) {
                        close();
                        inputDone(null);
                    }
                });
            }
        }

        private void want(boolean on) {
            if (!open || registered == on) {
                return;
            }
            try {
                epoll.control(fd, registered ? EPOLLOUT : 0, on ? EPOLLOUT : 0);
                registered = on;
            } catch (ErrnoException e) {
                fail(e, false);
            }
        }

        private void fail(IOException e, boolean later) {
            close();
            if (later) {
                post(() -> inputDone(e));
            } else {
                inputDone(e);
            }
        }

        void close() {
            if (!open) {
                return;
            }
            open = false;
            queue.clear();
            if (io.isOpen()) {
                epoll.deregister(fd, registered);
                io.close(fd);
            }
            registered = false;
        }
    }
}
