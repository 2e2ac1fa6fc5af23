package dev.spindle.reactor.epoll;

import static dev.spindle.reactor.epoll.LinuxLayout.AF_INET;
import static dev.spindle.reactor.epoll.LinuxLayout.AF_INET6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.spindle.reactor.UnixAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

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
    private static final Charset FILE_NAMES = platformCharset();

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
    private final MemorySegment option;
    private final MemorySegment siginfo;
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
        this.option = arena.allocate(LinuxLayout.GROUP_SOURCE_REQ.byteSize(), 8);
        this.siginfo = arena.allocate(LinuxLayout.SIGINFO_SIZE, 8);
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

    /**
     * A pipe for a child process: both ends close-on-exec, and only the parent's end
     * non-blocking (the child's stays blocking, as programs expect of their standard streams).
     *
     * @param parentReads whether the parent keeps the read end (an output of the child)
     * @return the read end in the low 32 bits, the write end above
     */
    long childPipe(boolean parentReads) throws ErrnoException {
        if (Libc.pipe2(state, fdPair, LinuxLayout.O_CLOEXEC) != 0) {
            throw new ErrnoException("pipe2", errno());
        }
        int r = fdPair.get(JAVA_INT, 0);
        int w = fdPair.get(JAVA_INT, 4);
        if (SpawnLibc.fcntl(state, parentReads ? r : w, LinuxLayout.F_SETFL, LinuxLayout.O_NONBLOCK) != 0) {
            int e = errno();
            close(r);
            close(w);
            throw new ErrnoException("fcntl(F_SETFL, O_NONBLOCK)", e);
        }
        return (r & 0xFFFF_FFFFL) | ((long) w << 32);
    }

    /** {@code pidfd_open(pid, 0)}: a descriptor that becomes readable when the process exits. */
    int pidfdOpen(long pid) throws ErrnoException {
        long fd = SpawnLibc.syscall(state, LinuxLayout.SYS_PIDFD_OPEN, pid, 0, 0, 0);
        if (fd < 0) {
            throw new ErrnoException("pidfd_open(" + pid + ")", errno());
        }
        return (int) fd;
    }

    /**
     * {@code pidfd_send_signal(pidfd, signal, NULL, 0)}: signals exactly the process the
     * descriptor was opened for, never one that reused its number.
     *
     * @return 0, or the errno ({@code ESRCH} once it has exited)
     */
    int pidfdSignal(int pidfd, int signal) {
        return SpawnLibc.syscall(state, LinuxLayout.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0) == 0 ? 0 : errno();
    }

    /** {@code kill(pid, signal)}: for a child that has no pidfd. @return 0, or the errno */
    int kill(long pid, int signal) {
        return SpawnLibc.kill(state, (int) pid, signal) == 0 ? 0 : errno();
    }

    /**
     * Collects the exit of child {@code pid} if it has exited ({@code waitid(P_PID, WEXITED)},
     * without waiting unless {@code block}).
     *
     * @return -1 if it has not exited yet, else {@code si_code << 32 | si_status}
     *     ({@code CLD_EXITED} with the exit code, {@code CLD_KILLED} or {@code CLD_DUMPED} with
     *     the signal)
     */
    long waitExit(long pid, boolean block) throws ErrnoException {
        siginfo.fill((byte) 0);
        int options = LinuxLayout.WEXITED | (block ? 0 : LinuxLayout.WNOHANG);
        while (SpawnLibc.waitid(state, LinuxLayout.P_PID, (int) pid, siginfo, options) != 0) {
            int e = errno();
            if (e != Errno.EINTR) {
                throw new ErrnoException("waitid(P_PID, " + pid + ")", e);
            }
        }
        if (siginfo.get(JAVA_INT, LinuxLayout.SI_PID) == 0) {
            return -1;
        }
        return ((long) siginfo.get(JAVA_INT, LinuxLayout.SI_CODE) << 32)
                | (siginfo.get(JAVA_INT, LinuxLayout.SI_STATUS) & 0xFFFF_FFFFL);
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

    /**
     * A non-blocking, close-on-exec socket.
     *
     * @param family {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}
     * @param type {@code SOCK_STREAM} or {@code SOCK_DGRAM}
     */
    int socket(int family, int type) throws ErrnoException {
        int fd = Libc.socket(state, family, type | LinuxLayout.SOCK_NONBLOCK | LinuxLayout.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new ErrnoException("socket(" + (family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_UNIX")
                    + (type == LinuxLayout.SOCK_DGRAM ? ", SOCK_DGRAM)" : ", SOCK_STREAM)"), errno());
        }
        return fd;
    }

    /**
     * The scratch area for a structured socket option ({@link LinuxLayout#GROUP_SOURCE_REQ}'s size),
     * zeroed; fill it, then call {@link #setOption}.
     */
    MemorySegment option() {
        return option.fill((byte) 0);
    }

    /** {@code setsockopt} with the first {@code length} bytes of {@link #option()}. */
    void setOption(int fd, int level, int name, int length, String what) throws ErrnoException {
        if (Libc.setsockopt(state, fd, level, name, option, length) != 0) {
            throw new ErrnoException("setsockopt(" + what + ")", errno());
        }
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
    boolean connect(int fd, InetSocketAddress target) throws IOException {
        return connectEncoded(fd, encode(target), target);
    }

    /** {@code connect} to the address in the scratch area. */
    private boolean connectEncoded(int fd, int len, SocketAddress target) throws IOException {
        if (Libc.connect(state, fd, sockaddr, len) == 0) {
            return true;
        }
        int e = errno();
        // EINTR: the connect goes on in the background, exactly like EINPROGRESS.
        if (e == Errno.EINPROGRESS || e == Errno.EINTR) {
            return false;
        }
        throw ErrnoException.connectFailure("connect to " + target, e);
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

    // ------------------------------------------------------------------ UNIX-domain sockets

    /** Binds {@code fd} to a path or an abstract name. */
    void bind(int fd, UnixAddress address) throws ErrnoException {
        int len = encodeUnix(address);
        if (Libc.bind(state, fd, sockaddr, len) != 0) {
            throw new ErrnoException("bind to " + address, errno());
        }
    }

    /**
     * Starts a non-blocking UNIX-domain connect. Linux settles it at once: connected, or an error
     * ({@code ENOENT}, {@code ECONNREFUSED}, {@code EAGAIN} when the listener's backlog is full).
     *
     * @return true if connected, false if the kernel reports the connect in progress
     */
    boolean connect(int fd, UnixAddress target) throws IOException {
        return connectEncoded(fd, encodeUnix(target), target);
    }

    /** The peer address of the last successful {@link #accept} on a UNIX-domain socket. */
    SocketAddress acceptedUnixPeer() {
        return decodeUnix(sockaddr, socklen.get(JAVA_INT, 0));
    }

    /** {@code getsockname} of a UNIX-domain socket: {@code UnixDomainSocketAddress.of("")} if unnamed. */
    SocketAddress unixLocalAddress(int fd) throws ErrnoException {
        socklen.set(JAVA_INT, 0, (int) LinuxLayout.SOCKADDR_STORAGE_SIZE);
        if (Libc.getsockname(state, fd, sockaddr, socklen) != 0) {
            throw new ErrnoException("getsockname", errno());
        }
        return decodeUnix(sockaddr, socklen.get(JAVA_INT, 0));
    }

    /**
     * Writes {@code address} as a {@code sockaddr_un} into the scratch area: a path with its
     * terminating NUL, or (abstract namespace) a NUL followed by exactly the name's bytes, the
     * length telling where the name ends.
     *
     * @return the structure's length
     */
    private int encodeUnix(UnixAddress address) throws ErrnoException {
        return encodeUnix(sockaddr, address);
    }

    /**
     * Encodes a UNIX-domain address for the kernel.
     *
     * @param at at least {@code sizeof(struct sockaddr_un)} bytes
     * @return the structure's length
     * @throws ErrnoException {@code ENAMETOOLONG} if it does not fit {@code sun_path}
     */
    static int encodeUnix(MemorySegment at, UnixAddress address) throws ErrnoException {
        at.asSlice(0, LinuxLayout.SOCKADDR_UN.byteSize()).fill((byte) 0);
        at.set(JAVA_SHORT, LinuxLayout.SIN_FAMILY, (short) LinuxLayout.AF_UNIX);
        byte[] name;
        long start;
        int extra;
        if (address.isAbstract()) {
            name = address.abstractName().getBytes(StandardCharsets.UTF_8);
            start = LinuxLayout.SUN_PATH + 1;
            extra = 1;
        } else {
            name = address.path().toString().getBytes(FILE_NAMES);
            start = LinuxLayout.SUN_PATH;
            extra = 1;
        }
        if (name.length + extra > LinuxLayout.SUN_PATH_SIZE) {
            throw new ErrnoException("encode " + address + " (" + name.length + " bytes) for sun_path", Errno.ENAMETOOLONG);
        }
        MemorySegment.copy(name, 0, at, JAVA_BYTE, start, name.length);
        // A path's length counts its terminating NUL; an abstract name is exactly its bytes after the leading NUL.
        return (int) (LinuxLayout.SUN_PATH + name.length + extra);
    }

    /**
     * Decodes a {@code sockaddr_un} of {@code length} bytes: unnamed (only the family) as
     * {@code UnixDomainSocketAddress.of("")}, a path as a {@link UnixDomainSocketAddress}, an
     * abstract name as a {@link UnixAddress}.
     */
    static SocketAddress decodeUnix(MemorySegment at, int length) {
        int pathBytes = (int) Math.min(length - LinuxLayout.SUN_PATH, LinuxLayout.SUN_PATH_SIZE);
        if (pathBytes <= 0) {
            return UnixDomainSocketAddress.of("");
        }
        if (at.get(JAVA_BYTE, LinuxLayout.SUN_PATH) == 0) {
            byte[] name = new byte[pathBytes - 1];
            MemorySegment.copy(at, JAVA_BYTE, LinuxLayout.SUN_PATH + 1, name, 0, name.length);
            if (name.length == 0) {
                return UnixDomainSocketAddress.of("");
            }
            try {
                return UnixAddress.abstractName(new String(name, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // Not UTF-8 and longer once decoded: shown in ISO-8859-1, one character per byte.
                return UnixAddress.abstractName(new String(name, StandardCharsets.ISO_8859_1));
            }
        }
        int len = 0;
        while (len < pathBytes && at.get(JAVA_BYTE, LinuxLayout.SUN_PATH + len) != 0) {
            len++;
        }
        byte[] path = new byte[len];
        MemorySegment.copy(at, JAVA_BYTE, LinuxLayout.SUN_PATH, path, 0, len);
        return UnixDomainSocketAddress.of(new String(path, FILE_NAMES));
    }

    /**
     * The platform charset the JDK turns file names, command lines and environments into bytes
     * with ({@code sun.jnu.encoding}): socket paths and a child's arguments are encoded alike.
     */
    static Charset platformCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    // ------------------------------------------------------------------ UDP

    /** Binds {@code fd}; on an {@code AF_INET6} socket an IPv4 address is bound as IPv4-mapped. */
    void bind(int fd, InetSocketAddress address, boolean inet6) throws ErrnoException {
        int len = encode(sockaddr, address.getAddress(), address.getPort(), inet6);
        if (Libc.bind(state, fd, sockaddr, len) != 0) {
            throw new ErrnoException("bind to " + address, errno());
        }
    }

    /** Connects a datagram socket to {@code peer} (settles at once). */
    void connectDatagram(int fd, InetSocketAddress peer, boolean inet6) throws ErrnoException {
        int len = encode(sockaddr, peer.getAddress(), peer.getPort(), inet6);
        while (Libc.connect(state, fd, sockaddr, len) != 0) {
            int e = errno();
            if (e != Errno.EINTR) {
                throw new ErrnoException("connect to " + peer, e);
            }
        }
    }

    /** Dissolves a datagram socket's association: {@code connect} to {@code AF_UNSPEC}. */
    void disconnect(int fd) throws ErrnoException {
        sockaddr.asSlice(0, LinuxLayout.SOCKADDR_IN6.byteSize()).fill((byte) 0);
        sockaddr.set(JAVA_SHORT, LinuxLayout.SIN_FAMILY, (short) LinuxLayout.AF_UNSPEC);
        if (Libc.connect(state, fd, sockaddr, (int) LinuxLayout.SOCKADDR_IN.byteSize()) != 0) {
            throw new ErrnoException("connect(AF_UNSPEC)", errno());
        }
    }

    /**
     * {@code recvmsg} with a prepared {@code struct msghdr}: one datagram into its buffers, the
     * sender into its {@code msg_name}; the kernel sets {@code msg_namelen} and
     * {@code msg_flags} ({@code MSG_TRUNC} when the datagram was cut to the buffers).
     *
     * @param msghdr the raw address of the {@code msghdr}; the caller keeps it reachable
     * @return the bytes received, or -1 if no datagram was waiting
     */
    int receiveMessage(int fd, long msghdr) throws ErrnoException {
        while (true) {
            long n = Libc.recvmsg(state, fd, msghdr, 0);
            if (n >= 0) {
                return (int) n;
            }
            if (!interrupted("recvmsg")) {
                return -1;
            }
        }
    }

    /**
     * {@code sendmsg} with a prepared {@code struct msghdr}: one datagram.
     *
     * @param msghdr the raw address of the {@code msghdr}; the caller keeps it reachable
     * @return the bytes sent (all of them), or -1 if the socket buffer is full
     */
    int sendMessage(int fd, long msghdr) throws ErrnoException {
        while (true) {
            long n = Libc.sendmsg(state, fd, msghdr, 0);
            if (n >= 0) {
                return (int) n;
            }
            if (!interrupted("sendmsg")) {
                return -1;
            }
        }
    }

    /**
     * {@code recvmmsg} without a timeout: up to {@code count} datagrams, each into the buffers
     * of its {@code mmsghdr}, with its length in {@code msg_len}. An error met after the first
     * datagram is left for the next call (the kernel keeps it).
     *
     * @param msgvec the raw address of the {@code mmsghdr} array; the caller keeps it reachable
     * @return the datagrams received, 0 if none was waiting
     */
    int receiveMessages(int fd, long msgvec, int count) throws ErrnoException {
        while (true) {
            int n = Libc.recvmmsg(state, fd, msgvec, count, 0, 0L);
            if (n >= 0) {
                return n;
            }
            if (!interrupted("recvmmsg")) {
                return 0;
            }
        }
    }

    /**
     * {@code sendmmsg}: up to {@code count} datagrams, in order. Fewer are sent when the socket
     * buffer fills or a later datagram fails; that datagram's error comes back from the next call.
     *
     * @param msgvec the raw address of the {@code mmsghdr} array; the caller keeps it reachable
     * @return the datagrams sent, from the first on; 0 if the socket buffer is full
     */
    int sendMessages(int fd, long msgvec, int count) throws ErrnoException {
        while (true) {
            int n = Libc.sendmmsg(state, fd, msgvec, count, 0);
            if (n >= 0) {
                return n;
            }
            if (!interrupted("sendmmsg")) {
                return 0;
            }
        }
    }

    /**
     * The outcome of a failed message call, from {@code errno}: true for {@code EINTR} (call
     * again), false for {@code EAGAIN} (would block).
     *
     * @throws ErrnoException for any other error
     */
    private boolean interrupted(String call) throws ErrnoException {
        int e = errno();
        if (e == Errno.EAGAIN) {
            return false;
        }
        if (e != Errno.EINTR) {
            throw new ErrnoException(call, e);
        }
        return true;
    }

    /** {@code shutdown(SHUT_WR)}, ignoring failure (a socket already shut down or reset). */
    void shutdownOutputQuietly(int fd) {
        Libc.shutdown(state, fd, LinuxLayout.SHUT_WR);
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
     * Scattering read ({@code readv}) into direct buffers: fills them in order, each from its
     * position, and advances them by what was read. Buffers with nothing remaining are skipped; at
     * most {@value #MAX_IOV} take part. The stream transports read into one buffer and do not use
     * it; it is here for a reader that owns several buffers.
     *
     * @return bytes read, 0 if none are waiting (or no buffer has room), -1 at end of stream
     * @throws IllegalArgumentException if a buffer with room is not direct
     */
    long read(int fd, ByteBuffer[] dsts, int offset, int length) throws ErrnoException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        int count = 0;
        for (int i = offset; i < offset + length && count < MAX_IOV; i++) {
            ByteBuffer b = dsts[i];
            int room = b.remaining();
            if (room == 0) {
                continue;
            }
            if (!b.isDirect()) {
                throw new IllegalArgumentException("readv needs direct buffers; buffer " + i + " is on the heap");
            }
            long at = (long) count * 16;
            iov.set(JAVA_LONG, at, MemorySegment.ofBuffer(b).address());
            iov.set(JAVA_LONG, at + 8, room);
            count++;
        }
        if (count == 0) {
            return 0;
        }
        long n;
        while (true) {
            n = Libc.readv(state, fd, iov.address(), count);
            if (n >= 0) {
                break;
            }
            int e = errno();
            if (e == Errno.EAGAIN) {
                Reference.reachabilityFence(dsts);
                return 0;
            }
            if (e != Errno.EINTR) {
                throw new ErrnoException("readv", e);
            }
        }
        Reference.reachabilityFence(dsts);
        if (n == 0) {
            return -1;
        }
        long left = n;
        for (int i = offset; i < offset + length && left > 0; i++) {
            ByteBuffer b = dsts[i];
            int take = (int) Math.min(left, b.remaining());
            b.position(b.position() + take);
            left -= take;
        }
        return n;
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
        return encode(at, ip, port, false);
    }

    /**
     * Encodes an address for a socket of a family.
     *
     * @param at at least {@link LinuxLayout#SOCKADDR_STORAGE_SIZE} bytes
     * @param inet6 the socket is {@code AF_INET6}: an IPv4 address becomes IPv4-mapped
     *     ({@code ::ffff:a.b.c.d})
     * @return the structure's length
     */
    static int encode(MemorySegment at, InetAddress ip, int port, boolean inet6) {
        at.asSlice(0, LinuxLayout.SOCKADDR_IN6.byteSize()).fill((byte) 0);
        byte[] bytes = ip.getAddress();
        if (inet6 && ip instanceof Inet4Address) {
            at.set(JAVA_SHORT, LinuxLayout.SIN_FAMILY, (short) AF_INET6);
            at.set(LinuxLayout.NETWORK_SHORT, LinuxLayout.SIN6_PORT, (short) port);
            at.set(JAVA_BYTE, LinuxLayout.SIN6_ADDR + 10, (byte) -1);
            at.set(JAVA_BYTE, LinuxLayout.SIN6_ADDR + 11, (byte) -1);
            MemorySegment.copy(bytes, 0, at, JAVA_BYTE, LinuxLayout.SIN6_ADDR + 12, 4);
            return (int) LinuxLayout.SOCKADDR_IN6.byteSize();
        }
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
