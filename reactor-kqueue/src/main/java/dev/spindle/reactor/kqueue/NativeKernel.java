package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The real kernel: each {@link Kernel} method is one downcall through {@link BsdLibc}, with
 * {@code errno} read from this instance's capture segment and returned negated. Nothing else
 * happens here; the conventions (retries, would-block, flags) live in {@link BsdIo}, where the
 * tests can reach them. Loop thread only, except {@link #keventWake}.
 */
final class NativeKernel implements Kernel {
    /** {@code struct timespec} of zero, for the wake-up's non-waiting {@code kevent}. */
    private static final MemorySegment ZERO_TIMEOUT = Arena.global().allocate(BsdPlatform.TIMESPEC);

    private final MemorySegment state;

    /**
     * Allocates the errno capture segment from {@code arena}.
     *
     * @param arena the loop run's arena
     */
    NativeKernel(Arena arena) {
        this.state = arena.allocate(BsdLibc.CAPTURE_SIZE, 8);
    }

    private int fail() {
        return -state.get(JAVA_INT, BsdLibc.ERRNO_OFFSET);
    }

    private int result(int r) {
        return r >= 0 ? r : fail();
    }

    private long result(long r) {
        return r >= 0 ? r : fail();
    }

    @Override
    public int kqueue() {
        try {
            return result((int) BsdLibc.KQUEUE.invokeExact(state));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout) {
        try {
            return result((int) BsdLibc.KEVENT.invokeExact(state, kq, changes, nchanges, events, nevents, timeout));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int keventWake(int kq, MemorySegment change) {
        try {
            return (int) BsdLibc.KEVENT_WAKE.invokeExact(kq, change, 1, MemorySegment.NULL, 0, ZERO_TIMEOUT);
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        try {
            return result((int) BsdLibc.SOCKET.invokeExact(state, domain, type, protocol));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        try {
            return result((int) BsdLibc.FCNTL.invokeExact(state, fd, cmd, arg));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        try {
            return result((int) BsdLibc.SETSOCKOPT.invokeExact(state, fd, level, name, value, len));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return result((int) BsdLibc.GETSOCKOPT.invokeExact(state, fd, level, name, value, len));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int bind(int fd, MemorySegment addr, int len) {
        return addressCall(BsdLibc.BIND, fd, addr, len);
    }

    @Override
    public int connect(int fd, MemorySegment addr, int len) {
        return addressCall(BsdLibc.CONNECT, fd, addr, len);
    }

    private int addressCall(MethodHandle h, int fd, MemorySegment addr, int len) {
        try {
            return result((int) h.invokeExact(state, fd, addr, len));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int listen(int fd, int backlog) {
        return intCall(BsdLibc.LISTEN, fd, backlog);
    }

    @Override
    public int shutdown(int fd, int how) {
        return intCall(BsdLibc.SHUTDOWN, fd, how);
    }

    private int intCall(MethodHandle h, int fd, int arg) {
        try {
            return result((int) h.invokeExact(state, fd, arg));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int accept(int fd, MemorySegment addr, MemorySegment len) {
        return addressOutCall(BsdLibc.ACCEPT, fd, addr, len);
    }

    @Override
    public int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        return addressOutCall(BsdLibc.GETSOCKNAME, fd, addr, len);
    }

    private int addressOutCall(MethodHandle h, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return result((int) h.invokeExact(state, fd, addr, len));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int accept4(int fd, MemorySegment addr, MemorySegment len, int flags) {
        MethodHandle h = BsdLibc.ACCEPT4;
        if (h == null) {
            throw new UnsupportedOperationException("this C library has no accept4()");
        }
        try {
            return result((int) h.invokeExact(state, fd, addr, len, flags));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int close(int fd) {
        try {
            return result((int) BsdLibc.CLOSE.invokeExact(state, fd));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int pipe(MemorySegment fds) {
        try {
            return result((int) BsdLibc.PIPE.invokeExact(state, fds));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public int pipe2(MemorySegment fds, int flags) {
        MethodHandle h = BsdLibc.PIPE2;
        if (h == null) {
            throw new UnsupportedOperationException("this C library has no pipe2()");
        }
        try {
            return result((int) h.invokeExact(state, fds, flags));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public long read(int fd, MemorySegment buf) {
        return transfer(buf.isNative() ? BsdLibc.READ : BsdLibc.READ_HEAP, fd, buf);
    }

    @Override
    public long write(int fd, MemorySegment buf) {
        return transfer(buf.isNative() ? BsdLibc.WRITE : BsdLibc.WRITE_HEAP, fd, buf);
    }

    private long transfer(MethodHandle h, int fd, MemorySegment buf) {
        try {
            return result((long) h.invokeExact(state, fd, buf, buf.byteSize()));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public long send(int fd, MemorySegment buf, int flags) {
        MethodHandle h = buf.isNative() ? BsdLibc.SEND : BsdLibc.SEND_HEAP;
        try {
            return result((long) h.invokeExact(state, fd, buf, buf.byteSize(), flags));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public long sendto(int fd, MemorySegment buf, int flags, MemorySegment to, int tolen) {
        MethodHandle h = buf.isNative() ? BsdLibc.SENDTO : BsdLibc.SENDTO_HEAP;
        try {
            return result((long) h.invokeExact(state, fd, buf, buf.byteSize(), flags, to, tolen));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public long recvmsg(int fd, MemorySegment msg, int flags) {
        try {
            return result((long) BsdLibc.RECVMSG.invokeExact(state, fd, msg, flags));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }

    @Override
    public long sendmsg(int fd, MemorySegment msg, int flags) {
        try {
            return result((long) BsdLibc.SENDMSG.invokeExact(state, fd, msg, flags));
        } catch (Throwable t) {
            throw BsdLibc.rethrow(t);
        }
    }
}
