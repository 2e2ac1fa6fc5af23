package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.AF_INET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.spindle.reactor.UnixAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The system calls of one loop run in Java terms: results checked, {@code errno} turned into
 * {@link ErrnoException}s named for the system, retries and would-block handled, and the scratch
 * memory the calls need ({@code sockaddr}, {@code socklen_t}, {@code iovec} and {@code msghdr},
 * {@code timespec}, a staging area for heap buffers) allocated once from the run's confined arena.
 * Here the two BSDs part ways:
 * <ul>
 *   <li>FreeBSD creates descriptors non-blocking and close-on-exec in one call
 *       ({@code SOCK_NONBLOCK | SOCK_CLOEXEC}, {@code accept4}, {@code pipe2});</li>
 *   <li>Darwin has none of these: {@code socket}, {@code accept} and {@code pipe} are followed by
 *       {@code fcntl(F_SETFD, FD_CLOEXEC)} and {@code fcntl(F_SETFL, O_NONBLOCK)}, and each socket
 *       gets {@code SO_NOSIGPIPE}. Another thread that forks and executes between the two calls
 *       could inherit the descriptor, a window the JDK's own sockets on macOS share;</li>
 *   <li>socket writes go through {@code send}/{@code sendmsg} with {@link BsdPlatform#sendFlags()}
 *       ({@code MSG_NOSIGNAL} on FreeBSD), pipe writes through {@code write}.</li>
 * </ul>
 * Loop thread only; once the arena is closed every call fails with {@link IllegalStateException}, so
 * a handle left over from an earlier run never touches a descriptor number reused by a later one.
 *
 * <p>Return conventions follow {@code java.nio} channels: reads and writes advance the buffer,
 * 0 means would block ({@code EAGAIN}), a read of -1 means end of stream. {@code EINTR} is retried,
 * except by {@code close} (both systems release the descriptor even when interrupted) and by
 * {@code kevent} (which returns no events, so the loop computes its timeout again).
 */
final class BsdIo {
    /** Heap bytes copied per gathering write; direct buffers go to the kernel in place. */
    static final int STAGING_SIZE = 256 * 1024;
    /**
     * Bytes per read or write on a heap array. Such calls are "critical" (the garbage collector
     * waits for them), so each moves a bounded amount; the caller's loop does the rest.
     */
    static final int HEAP_TRANSFER_LIMIT = 256 * 1024;
    /**
     * The longest single wait. Longer timeouts are cut to this: the loop then computes its timeout
     * again. Darwin turns a {@code timespec} into nanoseconds and machine ticks, which a huge
     * {@code tv_sec} would overflow.
     */
    static final long MAX_WAIT_SECONDS = 86_400;

    private final Arena arena;
    private final Kernel kernel;
    private final BsdPlatform platform;
    private final MemorySegment intValue;
    private final MemorySegment socklen;
    private final MemorySegment sockaddr;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    private final MemorySegment staging;
    private final MemorySegment timespec;
    private final MemorySegment zeroTimespec;
    private final MemorySegment fdPair;
    private final MemorySegment option;
    private long interruptedWaits;

    /** The charset the JDK turns file names into bytes with, as it does for its own socket paths. */
    static final Charset FILE_NAME_CHARSET = fileNameCharset();

    /**
     * Allocates the scratch memory from {@code arena}.
     *
     * @param arena the loop run's confined arena
     * @param kernel the system calls
     * @param platform the system's constants and layouts
     */
    BsdIo(Arena arena, Kernel kernel, BsdPlatform platform) {
        this.arena = arena;
        this.kernel = kernel;
        this.platform = platform;
        this.intValue = arena.allocate(8, 8);
        this.socklen = arena.allocate(4, 4);
        this.sockaddr = arena.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE, 8);
        this.iov = arena.allocate(BsdPlatform.IOVEC.byteSize() * BsdPlatform.IOV_MAX, 8);
        this.msghdr = arena.allocate(BsdPlatform.MSGHDR);
        this.staging = arena.allocate(STAGING_SIZE, 64);
        this.timespec = arena.allocate(BsdPlatform.TIMESPEC);
        this.zeroTimespec = arena.allocate(BsdPlatform.TIMESPEC);
        this.fdPair = arena.allocate(8, 4);
        this.option = arena.allocate(Math.max(BsdPlatform.DARWIN_X86_64.groupSourceReq().byteSize(),
                BsdPlatform.FREEBSD_X86_64.groupSourceReq().byteSize()), 8);
    }

    private static Charset fileNameCharset() {
        for (String property : new String[] {"sun.jnu.encoding", "native.encoding"}) {
            String name = System.getProperty(property);
            if (name != null && Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** Whether the arena (and so this object) is still usable. */
    boolean isOpen() {
        return arena.scope().isAlive();
    }

    Kernel kernel() {
        return kernel;
    }

    BsdPlatform platform() {
        return platform;
    }

    /** How many waits {@code EINTR} cut short: for tests. */
    long interruptedWaits() {
        return interruptedWaits;
    }

    private ErrnoException error(String operation, long negatedErrno) {
        return platform.error(operation, (int) -negatedErrno);
    }

    // ------------------------------------------------------------------ descriptors

    /**
     * {@code close}. Never throws: the descriptor is released even on {@code EINTR} and must not be
     * closed again.
     *
     * @return 0, or the errno
     */
    int close(int fd) {
        if (fd < 0 || !isOpen()) {
            return 0;
        }
        int r = kernel.close(fd);
        return r < 0 ? -r : 0;
    }

    /**
     * A non-blocking, close-on-exec pipe.
     *
     * @return the read end in the low 32 bits, the write end above
     */
    long pipe() throws ErrnoException {
        int r;
        if (platform.atomicDescriptorFlags()) {
            r = kernel.pipe2(fdPair, BsdPlatform.O_NONBLOCK | platform.oCloexec());
        } else {
            r = kernel.pipe(fdPair);
        }
        if (r < 0) {
            throw error(platform.atomicDescriptorFlags() ? "pipe2" : "pipe", r);
        }
        int readEnd = fdPair.get(JAVA_INT, 0);
        int writeEnd = fdPair.get(JAVA_INT, 4);
        if (!platform.atomicDescriptorFlags()) {
            try {
                configure(readEnd, false);
                configure(writeEnd, false);
            } catch (ErrnoException e) {
                close(readEnd);
                close(writeEnd);
                throw e;
            }
        }
        return (readEnd & 0xFFFF_FFFFL) | ((long) writeEnd << 32);
    }

    /**
     * Where descriptors cannot be created with their flags (Darwin): close-on-exec, non-blocking
     * and, for a socket, {@code SO_NOSIGPIPE}.
     */
    private void configure(int fd, boolean socket) throws ErrnoException {
        int r = kernel.fcntl(fd, BsdPlatform.F_SETFD, BsdPlatform.FD_CLOEXEC);
        if (r < 0) {
            throw error("fcntl(F_SETFD, FD_CLOEXEC)", r);
        }
        int fl = kernel.fcntl(fd, BsdPlatform.F_GETFL, 0);
        if (fl < 0) {
            throw error("fcntl(F_GETFL)", fl);
        }
        r = kernel.fcntl(fd, BsdPlatform.F_SETFL, fl | BsdPlatform.O_NONBLOCK);
        if (r < 0) {
            throw error("fcntl(F_SETFL, O_NONBLOCK)", r);
        }
        if (socket && platform.noSigpipeOption() != 0) {
            setIntOption(fd, BsdPlatform.SOL_SOCKET, platform.noSigpipeOption(), 1, "SO_NOSIGPIPE");
        }
    }

    // ------------------------------------------------------------------ kqueue

    /** A new kqueue, close-on-exec. */
    int kqueue() throws ErrnoException {
        int kq = kernel.kqueue();
        if (kq < 0) {
            throw error("kqueue", kq);
        }
        int r = kernel.fcntl(kq, BsdPlatform.F_SETFD, BsdPlatform.FD_CLOEXEC);
        if (r < 0) {
            close(kq);
            throw error("fcntl(F_SETFD, FD_CLOEXEC) on the kqueue", r);
        }
        return kq;
    }

    /**
     * Submits changes and waits for events.
     *
     * @param timeout from {@link #timeout(long)}
     * @return the number of events, 0 also when a signal interrupted the wait
     */
    int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout)
            throws ErrnoException {
        int n = kernel.kevent(kq, changes, nchanges, events, nevents, timeout);
        if (n >= 0) {
            return n;
        }
        if (n == -BsdErrno.EINTR) {
            // The changes were applied before the wait was interrupted.
            interruptedWaits++;
            return 0;
        }
        throw error("kevent", n);
    }

    /** Applies changes at once, without fetching events; a failed change fails the call. */
    void keventNow(int kq, MemorySegment changes, int nchanges) throws ErrnoException {
        int n = kernel.kevent(kq, changes, nchanges, MemorySegment.NULL, 0, zeroTimespec);
        if (n < 0) {
            throw error("kevent (register)", n);
        }
    }

    /**
     * The {@code timeout} argument of {@code kevent}.
     *
     * @param nanos -1 without bound, 0 not to wait, else the bound
     * @return {@link MemorySegment#NULL}, or this object's {@code timespec} holding the bound
     */
    MemorySegment timeout(long nanos) {
        if (nanos < 0) {
            return MemorySegment.NULL;
        }
        encodeTimespec(timespec, nanos);
        return timespec;
    }

    /**
     * Writes a {@code struct timespec}, at most {@link #MAX_WAIT_SECONDS} long.
     *
     * @param nanos zero or positive
     */
    static void encodeTimespec(MemorySegment at, long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long rest = nanos % 1_000_000_000L;
        if (seconds >= MAX_WAIT_SECONDS) {
            seconds = MAX_WAIT_SECONDS;
            rest = 0;
        }
        at.set(JAVA_LONG, 0, seconds);
        at.set(JAVA_LONG, 8, rest);
    }

    // ------------------------------------------------------------------ sockets

    /** A non-blocking, close-on-exec TCP socket for the family of {@code address}. */
    int tcpSocket(InetAddress address) throws ErrnoException {
        int family = address instanceof Inet4Address ? AF_INET : platform.afInet6();
        return socket(family, BsdPlatform.SOCK_STREAM);
    }

    /**
     * A non-blocking, close-on-exec socket ({@code SO_NOSIGPIPE} on Darwin).
     *
     * @param family {@code AF_INET}, this system's {@code AF_INET6}, or {@code AF_UNIX}
     * @param type {@code SOCK_STREAM} or {@code SOCK_DGRAM}
     */
    int socket(int family, int type) throws ErrnoException {
        int fd = kernel.socket(family, type | platform.sockNonblock() | platform.sockCloexec(), 0);
        if (fd < 0) {
            throw error("socket", fd);
        }
        if (!platform.atomicDescriptorFlags()) {
            try {
                configure(fd, true);
            } catch (ErrnoException e) {
                close(fd);
                throw e;
            }
        }
        return fd;
    }

    void setIntOption(int fd, int level, int name, int value, String what) throws ErrnoException {
        intValue.set(JAVA_INT, 0, value);
        int r = kernel.setsockopt(fd, level, name, intValue.asSlice(0, 4), 4);
        if (r < 0) {
            throw error("setsockopt(" + what + ")", r);
        }
    }

    int intOption(int fd, int level, int name, String what) throws ErrnoException {
        intValue.set(JAVA_INT, 0, 0);
        socklen.set(JAVA_INT, 0, 4);
        int r = kernel.getsockopt(fd, level, name, intValue.asSlice(0, 4), socklen);
        if (r < 0) {
            throw error("getsockopt(" + what + ")", r);
        }
        return intValue.get(JAVA_INT, 0);
    }

    /**
     * The scratch memory of an option value ({@link #setOption}): zeroed, large enough for a
     * {@code struct group_source_req}. Valid until the next call that uses it.
     */
    MemorySegment option() {
        option.fill((byte) 0);
        return option;
    }

    /** {@code setsockopt} with the first {@code len} bytes of {@link #option()}. */
    void setOption(int fd, int level, int name, int len, String what) throws ErrnoException {
        int r = kernel.setsockopt(fd, level, name, option.asSlice(0, len), len);
        if (r < 0) {
            throw error("setsockopt(" + what + ")", r);
        }
    }

    /** {@code setsockopt} with a one-byte ({@code u_char}) value. */
    void setByteOption(int fd, int level, int name, int value, String what) throws ErrnoException {
        option().set(JAVA_BYTE, 0, (byte) value);
        setOption(fd, level, name, 1, what);
    }

    void bind(int fd, InetSocketAddress address) throws ErrnoException {
        int len = encode(address);
        int r = kernel.bind(fd, sockaddr, len);
        if (r < 0) {
            throw error("bind to " + address, r);
        }
    }

    /** Binds a UNIX-domain socket to a path: creates the socket file. */
    void bind(int fd, UnixAddress address) throws IOException {
        int len = encodeUnix(sockaddr, address, FILE_NAME_CHARSET);
        int r = kernel.bind(fd, sockaddr, len);
        if (r < 0) {
            throw error("bind to " + address, r);
        }
    }

    /**
     * Connects a UNIX-domain socket. Both BSDs settle it inside the call: connected, or refused
     * ({@code ECONNREFUSED}: nobody listens, or the backlog is full), or the path is missing.
     *
     * @return true if connected at once, false if in progress
     * @throws java.net.ConnectException when refused
     */
    boolean connect(int fd, UnixAddress target) throws IOException {
        int len = encodeUnix(sockaddr, target, FILE_NAME_CHARSET);
        int r = kernel.connect(fd, sockaddr, len);
        if (r >= 0) {
            return true;
        }
        if (r == -BsdErrno.EINPROGRESS || r == -BsdErrno.EINTR) {
            return false;
        }
        throw ErrnoException.connectFailure("connect to " + target, -r, platform.errno());
    }

    /**
     * Encodes a {@code sockaddr_un}: {@code sun_len}, {@code AF_UNIX}, the path's bytes and a NUL.
     *
     * @param at at least {@link BsdPlatform#SOCKADDR_STORAGE_SIZE} bytes
     * @return the length passed to the kernel, which is also {@code sun_len}
     * @throws IOException naming the lengths when the path does not fit {@code sun_path}
     */
    static int encodeUnix(MemorySegment at, UnixAddress address, Charset charset) throws IOException {
        if (address.isAbstract()) {
            throw new UnsupportedOperationException("the Linux abstract namespace does not exist on BSD: " + address);
        }
        byte[] path = address.path().toString().getBytes(charset);
        if (path.length > BsdPlatform.MAX_UNIX_PATH_BYTES) {
            throw new IOException("the path is too long for sun_path: " + path.length + " bytes, and at most "
                    + BsdPlatform.MAX_UNIX_PATH_BYTES + " fit on macOS and FreeBSD (" + (BsdPlatform.MAX_UNIX_PATH_BYTES + 1)
                    + " with the terminating NUL); use a shorter or a relative path");
        }
        if (path.length == 0) {
            throw new IOException("a UNIX-domain socket needs a non-empty path, found: \"\"");
        }
        at.asSlice(0, BsdPlatform.SOCKADDR_UN.byteSize()).fill((byte) 0);
        int len = (int) BsdPlatform.SUN_PATH + path.length + 1;
        at.set(JAVA_BYTE, 0, (byte) len);
        at.set(JAVA_BYTE, 1, (byte) BsdPlatform.AF_UNIX);
        MemorySegment.copy(path, 0, at, JAVA_BYTE, BsdPlatform.SUN_PATH, path.length);
        return len;
    }

    /**
     * Connects a datagram socket: the kernel settles it at once, no packet is sent.
     *
     * @param addr the encoded peer (for an {@code AF_INET6} socket an IPv4 peer is IPv4-mapped)
     * @param len its length
     * @param peer the peer, for the message
     */
    void connectDatagram(int fd, MemorySegment addr, int len, InetSocketAddress peer) throws ErrnoException {
        int r;
        do {
            r = kernel.connect(fd, addr, len);
        } while (r == -BsdErrno.EINTR);
        if (r < 0) {
            throw error("connect to " + peer, r);
        }
    }

    /**
     * Dissolves a datagram socket's association as the JDK does on BSD: {@code connect} to the
     * unspecified address of the socket's own family, port 0. The kernel disconnects first and then
     * refuses the new address with {@code EADDRNOTAVAIL}, which means success here. Both systems'
     * {@code udp_disconnect} also reset the local address to the wildcard (the port stays).
     */
    void disconnectDatagram(int fd, boolean inet6) throws ErrnoException {
        int len;
        try {
            len = encode(sockaddr, platform, InetAddress.getByAddress(new byte[inet6 ? 16 : 4]), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        int r = kernel.connect(fd, sockaddr, len);
        if (r < 0 && r != -BsdErrno.EADDRNOTAVAIL) {
            throw error("connect to the unspecified address (disconnect)", r);
        }
    }

    /**
     * Receives one datagram into the direct buffer {@code dst} from its position with
     * {@code recvmsg}; the sender's address is then {@link #senderAddress()}, and
     * {@link #receivedFlags()} holds {@code msg_flags}: {@code MSG_TRUNC} when the datagram was
     * larger than the room and its rest was lost (read from the flags because BSD's
     * {@code recvfrom} has no portable way to return the real length).
     *
     * @return the bytes received (the buffer advanced by them), or -1 if no datagram was waiting
     */
    int receive(int fd, ByteBuffer dst) throws ErrnoException {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("recvmsg needs a direct buffer, found a heap buffer");
        }
        int pos = dst.position();
        int room = dst.limit() - pos;
        long n;
        do {
            msghdr.fill((byte) 0);
            iov.set(JAVA_LONG, 0, MemorySegment.ofBuffer(dst).address());
            iov.set(JAVA_LONG, 8, room);
            msghdr.set(JAVA_LONG, BsdPlatform.MSG_NAME, sockaddr.address());
            msghdr.set(JAVA_INT, BsdPlatform.MSG_NAMELEN, (int) BsdPlatform.SOCKADDR_STORAGE_SIZE);
            msghdr.set(JAVA_LONG, BsdPlatform.MSG_IOV, iov.address());
            msghdr.set(JAVA_INT, BsdPlatform.MSG_IOVLEN, 1);
            n = kernel.recvmsg(fd, msghdr, 0);
            Reference.reachabilityFence(dst);
        } while (n == -BsdErrno.EINTR);
        if (n == -BsdErrno.EAGAIN) {
            return -1;
        }
        if (n < 0) {
            throw error("recvmsg", n);
        }
        dst.position(pos + (int) n);
        return (int) n;
    }

    /** The sender of the last {@link #receive}, as the kernel wrote it ({@link #senderLength()} bytes). */
    MemorySegment senderAddress() {
        return sockaddr;
    }

    /** The length of {@link #senderAddress()} ({@code msg_namelen}). */
    int senderLength() {
        return msghdr.get(JAVA_INT, BsdPlatform.MSG_NAMELEN);
    }

    /** {@code msg_flags} of the last {@link #receive}. */
    int receivedFlags() {
        return msghdr.get(JAVA_INT, BsdPlatform.MSG_FLAGS);
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram ({@code sendto}), advancing it.
     *
     * @param to an encoded {@code sockaddr}, or {@link MemorySegment#NULL} on a connected socket
     * @param tolen its length, 0 with {@code NULL}
     * @return the bytes sent, or 0 if the socket buffer is full
     */
    int sendTo(int fd, ByteBuffer src, MemorySegment to, int tolen) throws ErrnoException {
        int pos = src.position();
        long n;
        do {
            // A datagram is at most 65,535 bytes: well under the bound of a critical heap call.
            n = kernel.sendto(fd, MemorySegment.ofBuffer(src), platform.sendFlags(), to, tolen);
            Reference.reachabilityFence(src);
        } while (n == -BsdErrno.EINTR);
        if (n == -BsdErrno.EAGAIN) {
            return 0;
        }
        if (n < 0) {
            throw error("sendto", n);
        }
        src.position(pos + (int) n);
        return (int) n;
    }

    void listen(int fd, int backlog) throws ErrnoException {
        int r = kernel.listen(fd, backlog);
        if (r < 0) {
            throw error("listen", r);
        }
    }

    /**
     * Starts a non-blocking connect.
     *
     * @return true if connected at once, false if in progress (wait for {@code EVFILT_WRITE}, then
     *     read {@code SO_ERROR})
     */
    boolean connect(int fd, InetSocketAddress target) throws ErrnoException {
        int len = encode(target);
        int r = kernel.connect(fd, sockaddr, len);
        if (r >= 0) {
            return true;
        }
        // EINTR: the connect goes on in the background, exactly like EINPROGRESS.
        if (r == -BsdErrno.EINPROGRESS || r == -BsdErrno.EINTR) {
            return false;
        }
        throw error("connect to " + target, r);
    }

    /**
     * Accepts a connection as a non-blocking, close-on-exec socket ({@code accept4} on FreeBSD,
     * {@code accept} and {@code fcntl} on Darwin); its peer's address is then
     * {@link #acceptedPeer()}.
     *
     * @return the new descriptor, or -1 when no connection is waiting
     */
    int accept(int fd) throws ErrnoException {
        boolean atomic = platform.atomicDescriptorFlags();
        while (true) {
            socklen.set(JAVA_INT, 0, (int) BsdPlatform.SOCKADDR_STORAGE_SIZE);
            int c = atomic ? kernel.accept4(fd, sockaddr, socklen, platform.sockNonblock() | platform.sockCloexec())
                    : kernel.accept(fd, sockaddr, socklen);
            if (c >= 0) {
                if (!atomic) {
                    try {
                        configure(c, true);
                    } catch (ErrnoException e) {
                        close(c);
                        throw e;
                    }
                }
                return c;
            }
            if (c == -BsdErrno.EAGAIN) {
                return -1;
            }
            if (c != -BsdErrno.EINTR) {
                throw error(atomic ? "accept4" : "accept", c);
            }
        }
    }

    /** The peer address of the last successful {@link #accept}. */
    InetSocketAddress acceptedPeer() throws ErrnoException {
        return decode("accept");
    }

    InetSocketAddress localAddress(int fd) throws ErrnoException {
        socklen.set(JAVA_INT, 0, (int) BsdPlatform.SOCKADDR_STORAGE_SIZE);
        int r = kernel.getsockname(fd, sockaddr, socklen);
        if (r < 0) {
            throw error("getsockname", r);
        }
        return decode("getsockname");
    }

    void shutdownOutput(int fd) throws ErrnoException {
        int r = kernel.shutdown(fd, BsdPlatform.SHUT_WR);
        if (r < 0) {
            throw error("shutdown(SHUT_WR)", r);
        }
    }

    // ------------------------------------------------------------------ data

    private static MemorySegment window(ByteBuffer b) {
        MemorySegment s = MemorySegment.ofBuffer(b);
        return b.isDirect() || s.byteSize() <= HEAP_TRANSFER_LIMIT ? s : s.asSlice(0, HEAP_TRANSFER_LIMIT);
    }

    /**
     * Reads into {@code dst} from its position, advancing it.
     *
     * @return bytes read, 0 if none are waiting, -1 at end of stream
     */
    int read(int fd, ByteBuffer dst) throws ErrnoException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        long n;
        do {
            n = kernel.read(fd, window(dst));
            Reference.reachabilityFence(dst);
        } while (n == -BsdErrno.EINTR);
        if (n == -BsdErrno.EAGAIN) {
            return 0;
        }
        if (n < 0) {
            throw error("read", n);
        }
        if (n == 0) {
            return -1;
        }
        dst.position(dst.position() + (int) n);
        return (int) n;
    }

    /**
     * Writes to a pipe (or any descriptor) from {@code src} at its position, advancing it.
     *
     * @return bytes written, 0 if the kernel took none
     */
    int write(int fd, ByteBuffer src) throws ErrnoException {
        return transfer(fd, src, false);
    }

    /**
     * Sends on a socket ({@code send} with {@link BsdPlatform#sendFlags()}) from {@code src} at its
     * position, advancing it.
     *
     * @return bytes written, 0 if the kernel took none
     */
    int send(int fd, ByteBuffer src) throws ErrnoException {
        return transfer(fd, src, true);
    }

    private int transfer(int fd, ByteBuffer src, boolean socket) throws ErrnoException {
        int total = 0;
        while (src.hasRemaining()) {
            MemorySegment w = window(src);
            long n = socket ? kernel.send(fd, w, platform.sendFlags()) : kernel.write(fd, w);
            Reference.reachabilityFence(src);
            if (n == -BsdErrno.EINTR) {
                continue;
            }
            if (n == -BsdErrno.EAGAIN) {
                return total;
            }
            if (n < 0) {
                throw error(socket ? "send" : "write", n);
            }
            src.position(src.position() + (int) n);
            total += (int) n;
            if (n < w.byteSize()) {
                return total;
            }
        }
        return total;
    }

    /**
     * Gathering send on a socket ({@code sendmsg}): direct buffers are passed in place, heap buffers
     * copied into the staging area ({@value #STAGING_SIZE} bytes per call). Goes on while the kernel
     * takes everything offered, so that, as for a channel, returning less than all means the socket
     * is full and {@code EVFILT_WRITE} will fire again. Advances the buffers by what was sent.
     *
     * @return bytes sent, 0 if the kernel took none
     */
    long send(int fd, ByteBuffer[] srcs, int offset, int length) throws ErrnoException {
        long total = 0;
        int end = offset + length;
        long iovStride = BsdPlatform.IOVEC.byteSize();
        while (true) {
            int count = 0;
            long staged = 0;
            long offered = 0;
            for (int i = offset; i < end && count < BsdPlatform.IOV_MAX; i++) {
                ByteBuffer b = srcs[i];
                long len = b.remaining();
                if (len == 0) {
                    continue;
                }
                long base;
                if (b.isDirect()) {
                    base = MemorySegment.ofBuffer(b).address();
                } else {
                    len = Math.min(len, STAGING_SIZE - staged);
                    if (len == 0) {
                        break;
                    }
                    MemorySegment.copy(MemorySegment.ofBuffer(b), 0, staging, staged, len);
                    base = staging.address() + staged;
                    staged += len;
                }
                iov.set(JAVA_LONG, count * iovStride, base);
                iov.set(JAVA_LONG, count * iovStride + 8, len);
                count++;
                offered += len;
                if (len < b.remaining()) {
                    break;
                }
            }
            if (count == 0) {
                return total;
            }
            msghdr.fill((byte) 0);
            msghdr.set(JAVA_LONG, BsdPlatform.MSG_IOV, iov.address());
            msghdr.set(JAVA_INT, BsdPlatform.MSG_IOVLEN, count);
            long n;
            do {
                n = kernel.sendmsg(fd, msghdr, platform.sendFlags());
            } while (n == -BsdErrno.EINTR);
            Reference.reachabilityFence(srcs);
            if (n == -BsdErrno.EAGAIN) {
                return total;
            }
            if (n < 0) {
                throw error("sendmsg", n);
            }
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

    private int encode(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("address must be resolved, found: " + address);
        }
        return encode(sockaddr, platform, ip, address.getPort());
    }

    /**
     * Encodes an address for the kernel: a {@code sockaddr_in} or {@code sockaddr_in6} with its
     * length byte ({@code sin_len}) and this system's family number.
     *
     * @param at at least {@link BsdPlatform#SOCKADDR_STORAGE_SIZE} bytes
     * @return the structure's length
     */
    static int encode(MemorySegment at, BsdPlatform platform, InetAddress ip, int port) {
        at.fill((byte) 0);
        byte[] bytes = ip.getAddress();
        if (ip instanceof Inet4Address) {
            int len = (int) BsdPlatform.SOCKADDR_IN.byteSize();
            at.set(JAVA_BYTE, BsdPlatform.SIN_LEN, (byte) len);
            at.set(JAVA_BYTE, BsdPlatform.SIN_FAMILY, (byte) AF_INET);
            at.set(BsdPlatform.NETWORK_SHORT, BsdPlatform.SIN_PORT, (short) port);
            MemorySegment.copy(bytes, 0, at, JAVA_BYTE, BsdPlatform.SIN_ADDR, 4);
            return len;
        }
        int len = (int) BsdPlatform.SOCKADDR_IN6.byteSize();
        at.set(JAVA_BYTE, BsdPlatform.SIN_LEN, (byte) len);
        at.set(JAVA_BYTE, BsdPlatform.SIN_FAMILY, (byte) platform.afInet6());
        at.set(BsdPlatform.NETWORK_SHORT, BsdPlatform.SIN6_PORT, (short) port);
        MemorySegment.copy(bytes, 0, at, JAVA_BYTE, BsdPlatform.SIN6_ADDR, 16);
        at.set(JAVA_INT, BsdPlatform.SIN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
        return len;
    }

    private InetSocketAddress decode(String operation) throws ErrnoException {
        try {
            return decode(sockaddr, platform);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw platform.error(operation + " returned an address this backend does not handle (" + e.getMessage() + ")",
                    BsdErrno.EINVAL);
        }
    }

    /**
     * Decodes a {@code sockaddr_in} or {@code sockaddr_in6}. An IPv4-mapped IPv6 address becomes an
     * {@link Inet4Address}, as in {@code java.net}.
     */
    static InetSocketAddress decode(MemorySegment at, BsdPlatform platform) throws UnknownHostException {
        int family = Byte.toUnsignedInt(at.get(JAVA_BYTE, BsdPlatform.SIN_FAMILY));
        if (family == AF_INET) {
            byte[] bytes = new byte[4];
            MemorySegment.copy(at, JAVA_BYTE, BsdPlatform.SIN_ADDR, bytes, 0, 4);
            int port = Short.toUnsignedInt(at.get(BsdPlatform.NETWORK_SHORT, BsdPlatform.SIN_PORT));
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        }
        if (family == platform.afInet6()) {
            byte[] bytes = new byte[16];
            MemorySegment.copy(at, JAVA_BYTE, BsdPlatform.SIN6_ADDR, bytes, 0, 16);
            int port = Short.toUnsignedInt(at.get(BsdPlatform.NETWORK_SHORT, BsdPlatform.SIN6_PORT));
            int scope = at.get(JAVA_INT, BsdPlatform.SIN6_SCOPE_ID);
            InetAddress ip = InetAddress.getByAddress(bytes);
            if (scope != 0 && ip instanceof Inet6Address) {
                ip = Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(ip, port);
        }
        throw new IllegalArgumentException("address family " + family);
    }
}
