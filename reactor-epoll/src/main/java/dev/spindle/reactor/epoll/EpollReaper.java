package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.EPOLLIN;
import static dev.spindle.reactor.epoll.LinuxLayout.EPOLL_CTL_ADD;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps native children whose transport ended before their exit was collected: a child killed by
 * {@code terminate()} (the transport ends at once, the exit comes a moment later) or detached
 * and left running. Without it such a child would stay a zombie until the JVM ends. One daemon
 * thread for the whole JVM ({@code spindle-epoll-reaper}), started with the first such child,
 * waiting in an epoll set of the children's pidfds; when one becomes readable (the child
 * exited) the pidfd is closed first and the zombie then collected with {@code waitid}, so once a
 * child is gone none of its descriptors is left. Thread-safe.
 */
final class EpollReaper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EpollReaper.class);
    private static final int MAX_EVENTS = 16;
    private static final Object LOCK = new Object();
    private static @Nullable EpollReaper instance;

    private final int epfd;
    private final LinuxLayout layout;

    private EpollReaper(int epfd, LinuxLayout layout) {
        this.epfd = epfd;
        this.layout = layout;
    }

    /**
     * Hands a child over: its pidfd is watched from now on and closed once the child is reaped.
     * Never throws: if the hand-over fails, the pidfd is closed and the failure logged.
     *
     * @param io the calling loop's system calls
     * @param layout the architecture's structures
     * @param pidfd the child's pidfd, no longer in any reactor's table
     * @param pid the child's process id
     */
    static void adopt(NativeIo io, LinuxLayout layout, int pidfd, long pid) {
        try {
            EpollReaper r = instance(io, layout);
            io.epollCtl(r.epfd, EPOLL_CTL_ADD, pidfd, EPOLLIN, (pid << 32) | (pidfd & 0xFFFF_FFFFL));
        } catch (ErrnoException | RuntimeException | Error e) {
            LOG.warn("cannot hand process {} to the reaper ({}); once it exits it stays a zombie until the JVM ends",
                    pid, e.toString());
            io.close(pidfd);
        }
    }

    private static EpollReaper instance(NativeIo io, LinuxLayout layout) throws ErrnoException {
        synchronized (LOCK) {
            EpollReaper r = instance;
            if (r == null) {
                int fd = io.epollCreate();
                r = new EpollReaper(fd, layout);
                Thread t = new Thread(null, r, "spindle-epoll-reaper", 256 * 1024);
                t.setDaemon(true);
                try {
                    t.start();
                } catch (RuntimeException | OutOfMemoryError e) {
                    io.close(fd);
                    throw e;
                }
                instance = r;
            }
            return r;
        }
    }

    @Override
    public void run() {
        long size = layout.epollEventSize();
        long dataOffset = layout.epollDataOffset();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.CAPTURE_SIZE, 8);
            MemorySegment events = arena.allocate(size * MAX_EVENTS, 8);
            MemorySegment info = arena.allocate(LinuxLayout.SIGINFO_SIZE, 8);
            while (true) {
                int n = Libc.epollWait(st, epfd, events.address(), MAX_EVENTS, -1);
                if (n < 0) {
                    int e = st.get(JAVA_INT, Libc.ERRNO_OFFSET);
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    LOG.error("the process reaper stops: epoll_wait: {}", Errno.name(e));
                    return;
                }
                for (int i = 0; i < n; i++) {
                    long data = events.get(JAVA_LONG_UNALIGNED, i * size + dataOffset);
                    int pidfd = (int) data;
                    int pid = (int) (data >>> 32);
                    // The pidfd first (closing it also leaves the epoll set), then the zombie, which
                    // holds its pid until collected.
                    Libc.close(st, pidfd);
                    while (SpawnLibc.waitid(st, LinuxLayout.P_PID, pid, info, LinuxLayout.WEXITED) != 0) {
                        int e = st.get(JAVA_INT, Libc.ERRNO_OFFSET);
                        if (e != Errno.EINTR) {
                            LOG.debug("waitid for process {}: {}", pid, Errno.name(e));
                            break;
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("the process reaper failed", e);
        }
    }
}
