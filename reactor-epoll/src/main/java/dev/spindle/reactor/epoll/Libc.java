package dev.spindle.reactor.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Downcalls into the C library, one method handle per function, linked when this class
 * initialises (the first use after native access was checked). Every call that can fail captures
 * {@code errno} into a caller-supplied segment ({@link #CAPTURE_SIZE} bytes): the methods here
 * return the raw C result and leave the mapping to {@link NativeIo}.
 *
 * <p>Pointers on the hot path ({@code read}, {@code write}, {@code writev}, {@code epoll_wait},
 * {@code recvmsg}, {@code sendmsg}, {@code recvmmsg}, {@code sendmmsg})
 * are passed as raw addresses ({@code long}), which skips the liveness bookkeeping of a segment
 * argument; callers keep the memory reachable. {@link Linker.Option#critical(boolean)} is used
 * for calls that never block: {@code epoll_ctl}, the socket-option and socket-name calls, the
 * wake-up write to an eventfd, and the transfers ({@code read}, {@code readv}, {@code write},
 * {@code writev}, {@code recvmsg}, {@code sendmsg}, {@code recvmmsg} without a timeout,
 * {@code sendmmsg}), which this backend only makes on descriptors it opened non-blocking itself
 * (sockets, pipe ends, eventfd).
 * A critical call skips the thread-state transition of an ordinary downcall (15–20 ns of the
 * 200–230 ns of a {@code read} that finds nothing, measured in this project's VM); the price is that a safepoint waits for the call, which for
 * a non-blocking transfer of at most 64 KiB is microseconds. Read and write on heap arrays need it
 * anyway to pass heap memory; those transfers are capped by {@link NativeIo} so the garbage
 * collector is never held up long. Calls that may block ({@code epoll_wait}, {@code close}) are
 * ordinary.
 */
@SuppressWarnings("restricted")
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

    /** Bytes of the errno capture segment. */
    static final long CAPTURE_SIZE = CAPTURE_LAYOUT.byteSize();
    /** Offset of {@code errno} in the capture segment. */
    static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle BIND = link("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle LISTEN = link("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle ACCEPT4 = link("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle CONNECT = link("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle GETSOCKOPT = link("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO, CRITICAL);
    private static final MethodHandle SETSOCKOPT = link("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle GETSOCKNAME = link("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO, CRITICAL);
    private static final MethodHandle SHUTDOWN = link("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle READ = link("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO, CRITICAL);
    private static final MethodHandle WRITE = link("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO, CRITICAL);
    private static final MethodHandle READ_HEAP = link("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO, CRITICAL_HEAP);
    private static final MethodHandle WRITE_HEAP = link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO, CRITICAL_HEAP);
    private static final MethodHandle WRITEV = link("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle READV = link("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle RECVMSG = link("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle SENDMSG = link("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle RECVMMSG = link("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO, CRITICAL);
    private static final MethodHandle SENDMMSG = link("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle WAKE_WRITE = link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle PIPE2 = link("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle EVENTFD = link("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle EPOLL_CREATE1 = link("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle EPOLL_CTL = link("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), ERRNO, CRITICAL);
    private static final MethodHandle EPOLL_WAIT = link("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), ERRNO);
    /** glibc 2.35+ and Linux 5.11+: a nanosecond timeout. Null when the C library lacks it. */
    private static final @Nullable MethodHandle EPOLL_PWAIT2 = linkOptional("epoll_pwait2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO);

    private Libc() {
    }

    static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    static @Nullable MethodHandle linkOptional(String name, FunctionDescriptor fd, Linker.Option... options) {
        Optional<MemorySegment> symbol = LIBC.find(name);
        return symbol.map(s -> LINKER.downcallHandle(s, fd, options)).orElse(null);
    }

    static boolean hasEpollPwait2() {
        return EPOLL_PWAIT2 != null;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall threw " + t, t);
    }

    static int socket(MemorySegment st, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment st, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int listen(MemorySegment st, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(st, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int accept4(MemorySegment st, int fd, MemorySegment addr, MemorySegment len, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(st, fd, addr, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int connect(MemorySegment st, int fd, MemorySegment addr, int len) {
        try {
            return (int) CONNECT.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(MemorySegment st, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(st, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment st, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockname(MemorySegment st, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int shutdown(MemorySegment st, int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(st, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment st, int fd) {
        try {
            return (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(MemorySegment st, int fd, long address, long len) {
        try {
            return (long) READ.invokeExact(st, fd, address, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(MemorySegment st, int fd, long address, long len) {
        try {
            return (long) WRITE.invokeExact(st, fd, address, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long readHeap(MemorySegment st, int fd, MemorySegment dst, long len) {
        try {
            return (long) READ_HEAP.invokeExact(st, fd, dst, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long writeHeap(MemorySegment st, int fd, MemorySegment src, long len) {
        try {
            return (long) WRITE_HEAP.invokeExact(st, fd, src, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long readv(MemorySegment st, int fd, long iov, int count) {
        try {
            return (long) READV.invokeExact(st, fd, iov, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long writev(MemorySegment st, int fd, long iov, int count) {
        try {
            return (long) WRITEV.invokeExact(st, fd, iov, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvmsg}; {@code msg} is the raw address of a {@code struct msghdr}. */
    static long recvmsg(MemorySegment st, int fd, long msg, int flags) {
        try {
            return (long) RECVMSG.invokeExact(st, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmsg}; {@code msg} is the raw address of a {@code struct msghdr}. */
    static long sendmsg(MemorySegment st, int fd, long msg, int flags) {
        try {
            return (long) SENDMSG.invokeExact(st, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code recvmmsg}; {@code msgvec} is the raw address of an array of {@code struct mmsghdr},
     * {@code timeout} of a {@code struct timespec} (0 for none).
     */
    static int recvmmsg(MemorySegment st, int fd, long msgvec, int vlen, int flags, long timeout) {
        try {
            return (int) RECVMMSG.invokeExact(st, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmmsg}; {@code msgvec} is the raw address of an array of {@code struct mmsghdr}. */
    static int sendmmsg(MemorySegment st, int fd, long msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(st, fd, msgvec, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write} without errno capture, for the wake-up from any thread. */
    static long wakeWrite(int fd, long address, long len) {
        try {
            return (long) WAKE_WRITE.invokeExact(fd, address, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pipe2(MemorySegment st, MemorySegment fds, int flags) {
        try {
            return (int) PIPE2.invokeExact(st, fds, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(MemorySegment st, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(st, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate1(MemorySegment st, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(st, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(MemorySegment st, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollWait(MemorySegment st, int epfd, long events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(st, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollPwait2(MemorySegment st, int epfd, long events, int max, long timespec) {
        MethodHandle h = EPOLL_PWAIT2;
        if (h == null) {
            throw new UnsupportedOperationException("the C library has no epoll_pwait2()");
        }
        try {
            return (int) h.invokeExact(st, epfd, events, max, timespec, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
