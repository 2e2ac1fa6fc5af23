package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.AF_INET;
import static dev.spindle.reactor.epoll.LinuxLayout.AF_INET6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The system calls of one loop run, with errno turned into {@link ErrnoException}s and the
 * scratch memory they need (the errno capture, socket addresses, an {@code iovec} array, a
 * staging area for heap buffers) allocated once from the run's confined arena. Loop thread only;
 * once the arena is closed every call fails with {@link IllegalStateException}, so a handle left
 * over from an earlier run can never touch a descriptor number reused by a later one.
 *
 * <p>Return conventions follow {@code java.nio} channels: reads and writes advance the buffer,
 * 0 means "would block" ({@code EAGAIN}), a read of -1 means end of stream; {@code EINTR} is
 * retried, except by {@code close} (Linux releases the descriptor even when interrupted) and by
 * {@code epoll_wait} (which returns with no events, so the loop re-computes its timeout).
 */
final class NativeIo {
    /** Buffers per {@code writev}: Linux's {@code IOV_MAX}. */
    static final int MAX_IOV = 1024;
    /** Heap bytes copied per gathering write; direct buffers go to the kernel in place. */
    static final int STAGING_SIZE = 256 * 1024;
    /**
     * Bytes per read or write on a heap array. Such calls are "critical" (the garbage collector
     * waits for them), so each moves a bounded amount; the caller's loop does the rest.
     */
    static final int HEAP_TRANSFER_LIMIT = 256 * 1024;

    private static volatile boolean pwait2Works = true;

    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment intValue;
    private final MemorySegment socklen;
    private final MemorySegment sockaddr;
    private final MemorySegment event;
    private final MemorySegment iov;
    private final MemorySegment staging;
    private final MemorySegment timespec;
    private final MemorySegment fdPair;
    private final LinuxLayout layout;
    private final long eventDataOffset;
    private final long eventEventsOffset;
    private boolean nanosecondWaits;
    private long interruptedWaits;

    /**
     * Allocates the scratch memory from {@code arena}.
     *
     * @param arena the loop run's confined arena
     * @param layout the architecture's structures
     * @param nanosecondWaits use {@code epoll_pwait2} if the C library and kernel have it
     */
    NativeIo(Arena arena, LinuxLayout layout, boolean nanosecondWaits) {
        this.arena = arena;
        this.layout = layout;
        this.state = arena.allocate(Libc.CAPTURE_SIZE, 8);
        this.intValue = arena.allocate(8, 8);
        this.socklen = arena.allocate(4, 4);
        this.sockaddr = arena.allocate(LinuxLayout.SOCKADDR_STORAGE_SIZE, 8);
        this.event = arena.allocate(layout.epollEvent());
        this.iov = arena.allocate(LinuxLayout.IOVEC.byteSize() * MAX_IOV, 8);
        this.staging = arena.allocate(STAGING_SIZE, 64);
        this.timespec = arena.allocate(LinuxLayout.TIMESPEC);
        this.fdPair = arena.allocate(8, 4);
        this.eventDataOffset = layout.epollDataOffset();
        this.eventEventsOffset = layout.epollEventsOffset();
        this.nanosecondWaits = nanosecondWaits && Libc.hasEpollPwait2() && pwait2Works;
    }

    /** Whether the arena (and so this object) is still usable. */
    boolean isOpen() {
        return arena.scope().isAlive();
    }

    private int errno() {
        return state.get(JAVA_INT, Libc.ERRNO_OFFSET);
    }

    /** Whether waits use {@code epoll_pwait2} (nanoseconds) rather than {@code epoll_wait}. */
    boolean nanosecondWaits() {
        return nanosecondWaits;
    }

    /** How many waits {@code EINTR} cut short: for tests. */
    long interruptedWaits() {
        return interruptedWaits;
    }

    // ------------------------------------------------------------------ descriptors

    /**
     * {@code close}. Never throws: the descriptor is released even on {@code EINTR} or
     * {@code EIO}, and must not be closed again.
     *
     * @return 0, or the errno
     */
    int close(int fd) {
        if (fd < 0 || !isOpen()) {
            return 0;
        }
        return Libc.close(state, fd) == 0 ? 0 : errno();
    }

    /** {@code pipe2(O_NONBLOCK | O_CLOEXEC)}: the read end in the low 32 bits, the write end above. */
    long pipe() throws ErrnoException {
        if (Libc.pipe2(state, fdPair, LinuxLayout.O_NONBLOCK | LinuxLayout.O_CLOEXEC) != 0) {
            throw new ErrnoException("pipe2", errno());
        }
        return (fdPair.get(JAVA_INT, 0) & 0xFFFF_FFFFL) | ((long) fdPair.get(JAVA_INT, 4) << 32);
    }

    int eventfd() throws ErrnoException {
        int fd = Libc.eventfd(state, 0, LinuxLayout.EFD_NONBLOCK | LinuxLayout.EFD_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("eventfd", errno());
        }
        return fd;
    }

    // ------------------------------------------------------------------ epoll

    int epollCreate() throws ErrnoException {
        int fd = Libc.epollCreate1(state, LinuxLayout.EPOLL_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("epoll_create1", errno());
        }
        return fd;
    }

    /**
     * {@code epoll_ctl}.
     *
     * @param op {@code EPOLL_CTL_ADD}, {@code _MOD} or {@code _DEL}
     * @param events the event mask
     * @param data the 64-bit token handed back with each event
     */
    void epollCtl(int epfd, int op, int fd, int events, long data) throws ErrnoException {
        event.set(JAVA_INT, eventEventsOffset, events);
        event.set(JAVA_LONG_UNALIGNED, eventDataOffset, data);
        if (Libc.epollCtl(state, epfd, op, fd, event) != 0) {
            throw new ErrnoException("epoll_ctl(" + (op == LinuxLayout.EPOLL_CTL_ADD ? "ADD" : op == LinuxLayout.EPOLL_CTL_MOD ? "MOD" : "DEL")
                    + ", fd " + fd + ")", errno());
        }
    }

    /**
     * Waits for events: {@code epoll_pwait2} with a nanosecond timeout where available, else
     * {@code epoll_wait} with the timeout rounded up to whole milliseconds (a timer is then late
     * by less than a millisecond, never early).
     *
     * @param events the address of the event array
     * @param max its length
     * @param timeoutNanos -1 without bound, 0 not to wait
     * @return the number of events, 0 also when a signal interrupted the wait
     */
    int epollWait(int epfd, long events, int max, long timeoutNanos) throws ErrnoException {
        int n;
        if (nanosecondWaits) {
            long ts = 0;
            if (timeoutNanos >= 0) {
                timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                ts = timespec.address();
            }
            n = Libc.epollPwait2(state, epfd, events, max, ts);
            if (n >= 0) {
                return n;
            }
            int e = errno();
            if (e == Errno.ENOSYS || e == Errno.EPERM) {
                // Linux before 5.11, or a seccomp filter that does not know the call.
                nanosecondWaits = false;
                pwait2Works = false;
            } else {
                return waitFailed(e);
            }
        }
        int millis;
        if (timeoutNanos < 0) {
            millis = -1;
        } else if (timeoutNanos == 0) {
            millis = 0;
        } else {
            millis = (int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000);
        }
        n = Libc.epollWait(state, epfd, events, max, millis);
        return n >= 0 ? n : waitFailed(errno());
    }

    private int waitFailed(int e) throws ErrnoException {
        if (e == Errno.EINTR) {
            interruptedWaits++;
            return 0;
        }
        throw new ErrnoException("epoll_wait", e);
    }

    // ------------------------------------------------------------------ sockets

    /** A non-blocking, close-on-exec TCP socket for the family of {@code address}. */
    int tcpSocket(InetAddress address) throws ErrnoException {
        int fd = Libc.socket(state, address instanceof Inet4Address ? AF_INET : AF_INET6,
                LinuxLayout.SOCK_STREAM | LinuxLayout.SOCK_NONBLOCK | LinuxLayout.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new ErrnoException("socket", errno());
        }
        return fd;
    }

    void setIntOption(int fd, int level, int name, int value, String what) throws ErrnoException {
        intValue.set(JAVA_INT, 0, value);
        if (Libc.setsockopt(state, fd, level, name, intValue, 4) != 0) {
            throw new ErrnoException("setsockopt(" + what + ")", errno());
        }
    }

    int intOption(int fd, int level, int name, String what) throws ErrnoException {
        intValue.set(JAVA_INT, 0, 0);
        socklen.set(JAVA_INT, 0, 4);
        if (Libc.getsockopt(state, fd, level, name, intValue, socklen) != 0) {
            throw new ErrnoException("getsockopt(" + what + ")", errno());
        }
        return intValue.get(JAVA_INT, 0);
    }

    void bind(int fd, InetSocketAddress address) throws ErrnoException {
        int len = encode(address);
        if (Libc.bind(state, fd, sockaddr, len) != 0) {
            throw new ErrnoException("bind to " + address, errno());
        }
    }

    void listen(int fd, int backlog) throws ErrnoException {
        if (Libc.listen(state, fd, backlog) != 0) {
            throw new ErrnoException("listen", errno());
        }
    }

    /**
     * Starts a non-blocking connect.
     *
     * @return true if connected at once, false if in progress (wait for writability, then
     *     read {@code SO_ERROR})
     */
    boolean connect(int fd, InetSocketAddress target) throws ErrnoException {
        int len = encode(target);
        if (Libc.connect(state, fd, sockaddr, len) == 0) {
            return true;
        }
        int e = errno();
        // EINTR: the connect goes on in the background, exactly like EINPROGRESS.
        if (e == Errno.EINPROGRESS || e == Errno.EINTR) {
            return false;
        }
        throw new ErrnoException("connect to " + target, e);
    }

    /**
     * {@code accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)}; the peer's address is then available from
     * {@link #acceptedPeer()}.
     *
     * @return the new descriptor, or -1 when no connection is waiting
     */
    int accept(int fd) throws ErrnoException {
        while (true) {
            socklen.set(JAVA_INT, 0, (int) LinuxLayout.SOCKADDR_STORAGE_SIZE);
            int c = Libc.accept4(state, fd, sockaddr, socklen, LinuxLayout.SOCK_NONBLOCK | LinuxLayout.SOCK_CLOEXEC);
            if (c >= 0) {
                return c;
            }
            int e = errno();
            if (e == Errno.EAGAIN) {
                return -1;
            }
            if (e != Errno.EINTR) {
                throw new ErrnoException("accept4", e);
            }
        }
    }

    /** The peer address of the last successful {@link #accept}. */
    InetSocketAddress acceptedPeer() throws ErrnoException {
        return decode("accept4");
    }

    InetSocketAddress localAddress(int fd) throws ErrnoException {
        socklen.set(JAVA_INT, 0, (int) LinuxLayout.SOCKADDR_STORAGE_SIZE);
        if (Libc.getsockname(state, fd, sockaddr, socklen) != 0) {
            throw new ErrnoException("getsockname", errno());
        }
        return decode("getsockname");
    }

    void shutdownOutput(int fd) throws ErrnoException {
        if (Libc.shutdown(state, fd, LinuxLayout.SHUT_WR) != 0) {
            throw new ErrnoException("shutdown(SHUT_WR)", errno());
        }
    }

    // ------------------------------------------------------------------ data

    /**
     * Reads into {@code dst} from its position, advancing it.
     *
     * @return bytes read, 0 if none are waiting, -1 at end of stream
     */
    int read(int fd, ByteBuffer dst) throws ErrnoException {
        int pos = dst.position();
        int len = dst.limit() - pos;
        if (len == 0) {
            return 0;
        }
        long n;
        while (true) {
            if (dst.isDirect()) {
                n = Libc.read(state, fd, MemorySegment.ofBuffer(dst).address(), len);
                Reference.reachabilityFence(dst);
            } else {
                n = Libc.readHeap(state, fd, MemorySegment.ofBuffer(dst), Math.min(len, HEAP_TRANSFER_LIMIT));
            }
            if (n >= 0) {
                break;
            }
            int e = errno();
            if (e == Errno.EAGAIN) {
                return 0;
            }
            if (e != Errno.EINTR) {
                throw new ErrnoException("read", e);
            }
        }
        if (n == 0) {
            return -1;
        }
        dst.position(pos + (int) n);
        return (int) n;
    }

    /**
     * Writes from {@code src} at its position, advancing it.
     *
     * @return bytes written, 0 if the kernel took none
     */
    int write(int fd, ByteBuffer src) throws ErrnoException {
        int total = 0;
        while (src.hasRemaining()) {
            int pos = src.position();
            int len = src.limit() - pos;
            long n;
            if (src.isDirect()) {
                n = Libc.write(state, fd, MemorySegment.ofBuffer(src).address(), len);
                Reference.reachabilityFence(src);
            } else {
                len = Math.min(len, HEAP_TRANSFER_LIMIT);
                n = Libc.writeHeap(state, fd, MemorySegment.ofBuffer(src), len);
            }
            if (n < 0) {
                int e = errno();
                if (e == Errno.EAGAIN) {
                    return total;
                }
                if (e == Errno.EINTR) {
                    continue;
                }
                throw new ErrnoException("write", e);
            }
            src.position(pos + (int) n);
            total += (int) n;
            if (n < len) {
                return total;
            }
        }
        return total;
    }

    /**
     * Gathering write: direct buffers are passed in place, heap buffers copied into the staging
     * area ({@value #STAGING_SIZE} bytes per system call). Goes on with further calls while the
     * kernel takes everything offered, so that, as for a channel, returning less than all means
     * the socket is full and will report {@code EPOLLOUT} again. Advances the buffers by what was
     * written.
     *
     * @return bytes written, 0 if the kernel took none
     */
    long write(int fd, ByteBuffer[] srcs, int offset, int length) throws ErrnoException {
        long total = 0;
        int end = offset + length;
        while (true) {
            int count = 0;
            int staged = 0;
            long offered = 0;
            for (int i = offset; i < end && count < MAX_IOV; i++) {
                ByteBuffer b = srcs[i];
                int len = b.remaining();
                if (len == 0) {
                    continue;
                }
                long base;
                boolean last = false;
                if (b.isDirect()) {
                    base = MemorySegment.ofBuffer(b).address();
                } else {
                    int room = STAGING_SIZE - staged;
                    if (room == 0) {
                        break;
                    }
                    if (len > room) {
                        len = room;
                        last = true;
                    }
                    MemorySegment.copy(MemorySegment.ofBuffer(b), 0, staging, staged, len);
                    base = staging.address() + staged;
                    staged += len;
                }
                long at = (long) count * 16;
                iov.set(JAVA_LONG, at, base);
                iov.set(JAVA_LONG, at + 8, len);
                count++;
                offered += len;
                if (last) {
                    break;
                }
            }
            if (count == 0) {
                return total;
            }
            long n;
            while (true) {
                n = Libc.writev(state, fd, iov.address(), count);
                if (n >= 0) {
                    break;
                }
                int e = errno();
                if (e == Errno.EAGAIN) {
                    return total;
                }
                if (e != Errno.EINTR) {
                    throw new ErrnoException("writev", e);
                }
            }
            Reference.reachabilityFence(srcs);
            long left = n;
            for (int i = offset; i < end && left > 0; i++) {
                ByteBuffer b = srcs[i];
                int take = (int) Math.min(b.remaining(), left);
                b.position(b.position() + take);
                left -= take;
            }
            total += n;
            if (n < offered) {
                return total;
            }
        }
    }

    // ------------------------------------------------------------------ socket addresses

    /** Writes {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6} into the scratch area. */
    private int encode(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("address must be resolved, found: " + address);
        }
        return encode(sockaddr, ip, address.getPort());
    }

    /**
     * Encodes an address for the kernel.
     *
     * @param at at least {@link LinuxLayout#SOCKADDR_STORAGE_SIZE} bytes
     * @return the structure's length
     */
    static int encode(MemorySegment at, InetAddress ip, int port) {
        at.fill((byte) 0);
        byte[] bytes = ip.getAddress();
        if (ip instanceof Inet4Address) {
            at.set(JAVA_SHORT, LinuxLayout.SIN_FAMILY, (short) AF_INET);
            at.set(LinuxLayout.NETWORK_SHORT, LinuxLayout.SIN_PORT, (short) port);
            MemorySegment.copy(bytes, 0, at, JAVA_BYTE, LinuxLayout.SIN_ADDR, 4);
            return (int) LinuxLayout.SOCKADDR_IN.byteSize();
        }
        at.set(JAVA_SHORT, LinuxLayout.SIN_FAMILY, (short) AF_INET6);
        at.set(LinuxLayout.NETWORK_SHORT, LinuxLayout.SIN6_PORT, (short) port);
        MemorySegment.copy(bytes, 0, at, JAVA_BYTE, LinuxLayout.SIN6_ADDR, 16);
        at.set(JAVA_INT, LinuxLayout.SIN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
        return (int) LinuxLayout.SOCKADDR_IN6.byteSize();
    }

    private InetSocketAddress decode(String operation) throws ErrnoException {
        try {
            return decode(sockaddr);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new ErrnoException(operation + " returned an address family this backend does not handle ("
                    + sockaddr.get(JAVA_SHORT, LinuxLayout.SIN_FAMILY) + ")", Errno.EINVAL);
        }
    }

    /**
     * Decodes a {@code sockaddr_in} or {@code sockaddr_in6}. An IPv4-mapped IPv6 address
     * becomes an {@link Inet4Address}, as in {@code java.net}.
     */
    static InetSocketAddress decode(MemorySegment at) throws UnknownHostException {
        int family = at.get(JAVA_SHORT, LinuxLayout.SIN_FAMILY);
        if (family == AF_INET) {
            byte[] bytes = new byte[4];
            MemorySegment.copy(at, JAVA_BYTE, LinuxLayout.SIN_ADDR, bytes, 0, 4);
            int port = Short.toUnsignedInt(at.get(LinuxLayout.NETWORK_SHORT, LinuxLayout.SIN_PORT));
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        }
        if (family == AF_INET6) {
            byte[] bytes = new byte[16];
            MemorySegment.copy(at, JAVA_BYTE, LinuxLayout.SIN6_ADDR, bytes, 0, 16);
            int port = Short.toUnsignedInt(at.get(LinuxLayout.NETWORK_SHORT, LinuxLayout.SIN6_PORT));
            int scope = at.get(JAVA_INT, LinuxLayout.SIN6_SCOPE_ID);
            InetAddress ip = InetAddress.getByAddress(bytes);
            if (scope != 0 && ip instanceof Inet6Address) {
                ip = Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(ip, port);
        }
        throw new IllegalArgumentException("unknown address family " + family);
    }
}
