package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A BSD kernel in memory, written from the {@code kqueue(2)}, {@code kevent(2)}, {@code socket(2)},
 * {@code accept(2)}, {@code pipe(2)} and {@code fcntl(2)} manual pages of macOS and FreeBSD, for
 * running the kqueue backend on a machine without kqueue. It decodes the very bytes the backend
 * passes ({@code struct kevent} arrays, {@code struct timespec}, {@code sockaddr_in} and
 * {@code sockaddr_in6} with their length byte, {@code msghdr} and {@code iovec}) at offsets written
 * here from the documented structures, independently of the backend's own layouts, and models:
 * <ul>
 *   <li>kqueues with knotes keyed by (ident, filter): {@code EV_ADD}, {@code EV_DELETE},
 *       {@code EV_ENABLE}, {@code EV_DISABLE}, {@code EV_CLEAR}; every change replaces the knote's
 *       {@code udata}; a failed change becomes an {@code EV_ERROR} event while there is room, else
 *       fails the call; closing a descriptor removes its knotes; level-triggered knotes report while
 *       their condition holds, {@code EV_CLEAR} ones once per activation (an activation while
 *       disabled is kept, as both kernels do); {@code EVFILT_USER} with {@code NOTE_TRIGGER};</li>
 *   <li>pipes (16 KiB) and loopback TCP: listen queues, {@code connect} answering
 *       {@code EINPROGRESS} (or refusing at once), {@code SO_ERROR}, {@code EV_EOF} with the socket
 *       error in {@code fflags}, a reset when a socket is closed with unread data or written after
 *       its peer closed, {@code EPIPE} and a count of the {@code SIGPIPE}s a real process would get
 *       unless {@code SO_NOSIGPIPE} (Darwin) or {@code MSG_NOSIGNAL} (FreeBSD) prevents them;</li>
 *   <li>the system differences: Darwin has no {@code SOCK_NONBLOCK}, {@code accept4} or
 *       {@code pipe2} (calling them fails the test), errno numbers and {@code AF_INET6} per system,
 *       a descriptor limit ({@code EMFILE}).</li>
 * </ul>
 * A blocking call that would hang (a read, write, accept or connect on a descriptor without
 * {@code O_NONBLOCK} with nothing to do) throws {@link AssertionError} instead of hanging. Calls can
 * be recorded ({@link #record}) and events scripted ({@link #inject}) for tests that check exactly
 * what the backend hands the kernel. Thread-safe: one lock, which {@code kevent} releases while it
 * waits.
 */
@SuppressWarnings("restricted")
final class SimulatedKernel implements Kernel {
    static final int PIPE_CAPACITY = 16 * 1024;
    /** {@code net.inet.udp.recvspace} of FreeBSD: a UDP socket's default receive buffer. */
    static final int UDP_RECVSPACE = 42080;
    /** {@code net.inet.udp.maxdgram} of both systems: the default send buffer, and so the largest datagram. */
    static final int UDP_MAXDGRAM = 9216;
    private static final int AF_UNIX = 1;
    private static final int MSG_TRUNC = 0x10;
    private static final int EDESTADDRREQ = 39;
    private static final int ENAMETOOLONG = 63;
    private static final short EVFILT_READ = -1;
    private static final short EVFILT_WRITE = -2;
    private static final int EV_ADD = 0x1;
    private static final int EV_DELETE = 0x2;
    private static final int EV_ENABLE = 0x4;
    private static final int EV_DISABLE = 0x8;
    private static final int EV_CLEAR = 0x20;
    private static final int EV_ERROR = 0x4000;
    private static final int EV_EOF = 0x8000;
    private static final int NOTE_TRIGGER = 0x01000000;

    /** One {@code struct kevent}, decoded. */
    record Kevent(long ident, short filter, int flags, int fflags, long data, long udata) {
        boolean has(int flag) {
            return (flags & flag) == flag;
        }
    }

    /** One datagram in a receive queue. */
    record Dgram(byte[] data, InetSocketAddress from) {
    }

    /** One {@code setsockopt} call, with the value's bytes. */
    record SockOpt(int fd, int level, int name, byte[] value) {
    }

    /** One recorded {@code kevent} call. */
    record Call(int kq, List<Kevent> changes, int nevents, long tvSec, long tvNsec, List<Kevent> returned) {
        /** Whether the timeout was a null pointer (wait without bound). */
        boolean waitsForever() {
            return tvSec < 0;
        }
    }

    private final BsdPlatform platform;
    private final short evfiltUser;
    private final int afInet6;
    private final int keventSize;
    private final int soNosigpipe;
    private final int msgNosignal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<@Nullable File> files = new ArrayList<>();
    private final Map<Integer, Sock> bound = new HashMap<>();
    private final List<Sock> udpBound = new ArrayList<>();
    private final Map<Object, Sock> unixBound = new HashMap<>();
    private final List<SockOpt> sockopts = new ArrayList<>();
    private final ArrayDeque<Kevent> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Kevent> wakes = new ArrayList<>();
    private int descriptorLimit = 1024;
    private int nextPort = 49152;
    private int recvCapacity = 128 * 1024;
    private boolean blocking = true;
    private boolean recording;
    private boolean refuseAtOnce;
    private boolean interruptNextWait;
    private int waiters;
    private int sigpipes;
    private int pipeSigpipes;

    SimulatedKernel(BsdPlatform platform) {
        this.platform = platform;
        boolean darwin = platform.os() == BsdPlatform.Os.DARWIN;
        // sys/event.h, sys/socket.h of each system.
        this.evfiltUser = (short) (darwin ? -10 : -11);
        this.afInet6 = darwin ? 30 : 28;
        this.keventSize = darwin ? 32 : 64;
        this.soNosigpipe = darwin ? 0x1022 : 0x0800;
        this.msgNosignal = darwin ? 0 : 0x20000;
        for (int i = 0; i < 3; i++) {
            files.add(new Std()); // stdin, stdout, stderr
        }
    }

    BsdPlatform platform() {
        return platform;
    }

    private long lockedLong(LongSupplier body) {
        lock.lock();
        try {
            return body.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ test controls

    /** Whether {@code kevent} waits (the reactor runs on its own thread) or returns at once (turned by hand). */
    SimulatedKernel blocking(boolean on) {
        return locked(() -> {
            blocking = on;
            return this;
        });
    }

    /** Starts (or stops) recording {@code kevent} calls and wake-ups. */
    SimulatedKernel record(boolean on) {
        return locked(() -> {
            recording = on;
            return this;
        });
    }

    /** Whether {@code connect} to a port nobody listens on fails at once, rather than with {@code EINPROGRESS} and an event. */
    SimulatedKernel refuseAtOnce(boolean on) {
        return locked(() -> {
            refuseAtOnce = on;
            return this;
        });
    }

    /** Makes the next {@code kevent} apply its changes and then fail with {@code EINTR}, as a signal would. */
    SimulatedKernel interruptNextWait() {
        return locked(() -> {
            interruptNextWait = true;
            return this;
        });
    }

    /** Threads waiting in {@code kevent} right now. */
    int waiters() {
        return locked(() -> {
            return waiters;
        });
    }

    /** Descriptor numbers from this one up fail with {@code EMFILE}. */
    SimulatedKernel descriptorLimit(int limit) {
        return locked(() -> {
            descriptorLimit = limit;
            return this;
        });
    }

    /** The receive buffer of sockets created from now on. */
    SimulatedKernel receiveBuffer(int bytes) {
        return locked(() -> {
            recvCapacity = bytes;
            return this;
        });
    }

    /** Puts an event ahead of the real ones in the next {@code kevent} that fetches events. */
    void inject(Kevent event) {
        locked(() -> {
            script.add(event);
            changed.signalAll();
            return null;
        });
    }

    /** The recorded {@code kevent} calls so far. */
    List<Call> calls() {
        return locked(() -> {
            return List.copyOf(calls);
        });
    }

    /** The recorded wake-up changes so far. */
    List<Kevent> wakes() {
        return locked(() -> {
            return List.copyOf(wakes);
        });
    }

    void clearRecords() {
        locked(() -> {
            calls.clear();
            wakes.clear();
            return null;
        });
    }

    /** Every {@code setsockopt} so far, with its value's bytes. */
    List<SockOpt> sockopts() {
        return locked(() -> {
            return List.copyOf(sockopts);
        });
    }

    /** {@code SIGPIPE}s a socket write would have raised. */
    int sigpipes() {
        return locked(() -> {
            return sigpipes;
        });
    }

    /** {@code SIGPIPE}s pipe writes raised (no flag can prevent those; the JVM ignores the signal). */
    int pipeSigpipes() {
        return locked(() -> {
            return pipeSigpipes;
        });
    }

    /** Open descriptors, not counting the three standard ones. */
    int openDescriptors() {
        return locked(() -> {
            int n = 0;
            for (int fd = 3; fd < files.size(); fd++) {
                if (files.get(fd) != null) {
                    n++;
                }
            }
            return n;
        });
    }

    /** A description of every open descriptor: kind, flags, options. */
    List<String> describeOpen() {
        return locked(() -> {
            List<String> out = new ArrayList<>();
            for (int fd = 3; fd < files.size(); fd++) {
                File f = files.get(fd);
                if (f != null) {
                    out.add(fd + ":" + f.describe());
                }
            }
            return out;
        });
    }

    /** Whether the descriptor is open, close-on-exec and non-blocking (and, for a Darwin socket, has SO_NOSIGPIPE). */
    boolean wellConfigured(int fd) {
        return locked(() -> {
            File f = file(fd);
            if (f == null) {
                return false;
            }
            boolean ok = f.cloexec && (f instanceof Kq || (f.flags & 4) != 0);
            if (f instanceof Sock s && platform.os() == BsdPlatform.Os.DARWIN) {
                ok &= s.noSigpipe;
            }
            return ok;
        });
    }

    /** The number of registered knotes on a kqueue. */
    int knotes(int kq) {
        return locked(() -> {
            return file(kq) instanceof Kq k ? k.knotes.size() : -1;
        });
    }

    /** Whether a knote is registered and enabled. */
    boolean knoteEnabled(int kq, int fd, short filter) {
        return locked(() -> {
            if (!(file(kq) instanceof Kq k)) {
                return false;
            }
            Knote kn = k.knotes.get(key(fd, filter));
            return kn != null && !kn.disabled;
        });
    }

    // ------------------------------------------------------------------ files

    private abstract static class File {
        int fd;
        int flags; // O_NONBLOCK = 4
        boolean cloexec;

        abstract String describe();

        boolean nonBlocking() {
            return (flags & 4) != 0;
        }
    }

    private static final class Std extends File {
        @Override
        String describe() {
            return "std";
        }
    }

    private static final class Kq extends File {
        final LinkedHashMap<Long, Knote> knotes = new LinkedHashMap<>();

        @Override
        String describe() {
            return "kqueue" + (cloexec ? " cloexec" : "");
        }
    }

    private static final class Knote {
        final long ident;
        final short filter;
        boolean clear;
        boolean disabled;
        boolean pending;
        boolean triggered;
        long udata;

        Knote(long ident, short filter) {
            this.ident = ident;
            this.filter = filter;
        }
    }

    private static final class Bytes {
        private byte[] data = new byte[256];
        private int head;
        private int size;

        int size() {
            return size;
        }

        void put(byte[] src, int off, int len) {
            if (size + len > data.length) {
                byte[] d = new byte[Math.max(data.length * 2, size + len)];
                for (int i = 0; i < size; i++) {
                    d[i] = data[(head + i) % data.length];
                }
                data = d;
                head = 0;
            }
            for (int i = 0; i < len; i++) {
                data[(head + size + i) % data.length] = src[off + i];
            }
            size += len;
        }

        byte[] take(int max) {
            int n = Math.min(max, size);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = data[(head + i) % data.length];
            }
            head = (head + n) % data.length;
            size -= n;
            return out;
        }
    }

    private static final class PipeBuf {
        final Bytes bytes = new Bytes();
        boolean readerClosed;
        boolean writerClosed;
        @Nullable PipeEnd reader;
        @Nullable PipeEnd writer;
    }

    private static final class PipeEnd extends File {
        final PipeBuf buf;
        final boolean readEnd;

        PipeEnd(PipeBuf buf, boolean readEnd) {
            this.buf = buf;
            this.readEnd = readEnd;
        }

        @Override
        String describe() {
            return "pipe-" + (readEnd ? "read" : "write") + (cloexec ? " cloexec" : "") + (nonBlocking() ? " nonblock" : "");
        }
    }

    private enum SockState { NEW, LISTENING, CONNECTED, FAILED }

    private final class Sock extends File {
        final int family;
        SockState state = SockState.NEW;
        @Nullable InetSocketAddress local;
        @Nullable InetSocketAddress remote;
        @Nullable Sock peer;
        final Bytes recv = new Bytes();
        final int capacity = recvCapacity;
        boolean peerShutWrite;
        boolean peerGone;
        boolean shutWrite;
        boolean reset;
        int soError;
        boolean noSigpipe;
        boolean closed;
        boolean reuseAddress;
        final Map<String, Integer> options = new LinkedHashMap<>();
        final ArrayDeque<Sock> queue = new ArrayDeque<>();
        int backlog;
        /** SOCK_STREAM (1) or SOCK_DGRAM (2). */
        int type = 1;
        // UDP: the queue of datagrams, the buffers, and the real socket that holds the port on this host.
        final ArrayDeque<Dgram> dgrams = new ArrayDeque<>();
        int dgramBytes;
        int rcvbuf = UDP_RECVSPACE;
        int sndbuf = UDP_MAXDGRAM;
        boolean broadcast;
        final List<String> memberships = new ArrayList<>();
        java.net.@Nullable DatagramSocket udpShadow;
        // UNIX: the socket file this socket bound, and the real socket that holds it.
        java.nio.file.@Nullable Path unixPath;
        @Nullable Object unixKey;
        java.nio.channels.@Nullable ServerSocketChannel unixShadow;

        Sock(int family) {
            this.family = family;
        }

        @Override
        String describe() {
            return "socket " + (type == 2 ? "dgram " : "") + (family == 1 ? "unix " : "") + state + (cloexec ? " cloexec" : "") + (nonBlocking() ? " nonblock" : "")
                    + (noSigpipe ? " nosigpipe" : "") + " " + options;
        }
    }

    private @Nullable File file(int fd) {
        return fd >= 0 && fd < files.size() ? files.get(fd) : null;
    }

    private int allocate(File f) {
        for (int fd = 0; fd < files.size(); fd++) {
            if (files.get(fd) == null) {
                if (fd >= descriptorLimit) {
                    return -BsdErrno.EMFILE;
                }
                files.set(fd, f);
                f.fd = fd;
                return fd;
            }
        }
        if (files.size() >= descriptorLimit) {
            return -BsdErrno.EMFILE;
        }
        files.add(f);
        f.fd = files.size() - 1;
        return f.fd;
    }

    private int freeSlots() {
        int free = 0;
        for (int fd = 0; fd < Math.min(files.size(), descriptorLimit); fd++) {
            if (files.get(fd) == null) {
                free++;
            }
        }
        return free + Math.max(0, descriptorLimit - files.size());
    }

    private static long key(long ident, short filter) {
        return (ident << 8) ^ (filter & 0xFF);
    }

    /** Marks the knotes watching {@code f} with {@code filter} as activated, in every kqueue. */
    private void activate(File f, short filter) {
        if (f.fd < 0 || file(f.fd) != f) {
            return;
        }
        for (File x : files) {
            if (x instanceof Kq k) {
                Knote kn = k.knotes.get(key(f.fd, filter));
                if (kn != null) {
                    kn.pending = true;
                }
            }
        }
        changed.signalAll();
    }

    // ------------------------------------------------------------------ readiness

    /** What a knote would report now: null if nothing. */
    private @Nullable Kevent evaluate(Knote kn) {
        if (kn.filter == evfiltUser) {
            return kn.triggered ? new Kevent(kn.ident, kn.filter, kn.clear ? EV_CLEAR : 0, 0, 0, kn.udata) : null;
        }
        File f = file((int) kn.ident);
        long data = 0;
        boolean eof = false;
        int fflags = 0;
        boolean active;
        if (kn.filter == EVFILT_READ) {
            if (f instanceof PipeEnd p && p.readEnd) {
                data = p.buf.bytes.size();
                eof = p.buf.writerClosed;
                active = data > 0 || eof;
            } else if (f instanceof Sock s && s.state == SockState.LISTENING) {
                data = s.queue.size();
                active = data > 0;
            } else if (f instanceof Sock s && s.type == 2) {
                // filt_soread: queued bytes, or a pending error (an ICMP refusal) makes it readable.
                data = s.dgramBytes;
                active = !s.dgrams.isEmpty() || s.soError != 0;
            } else if (f instanceof Sock s) {
                data = s.recv.size();
                eof = s.peerShutWrite || s.reset || s.state == SockState.FAILED;
                fflags = eof ? s.soError : 0;
                active = data > 0 || eof;
            } else {
                active = false;
            }
        } else if (kn.filter == EVFILT_WRITE) {
            if (f instanceof Sock s && s.type == 2) {
                data = s.sndbuf; // a datagram socket's send buffer never stays full on loopback
                active = true;
            } else if (f instanceof PipeEnd p && !p.readEnd) {
                data = PIPE_CAPACITY - p.buf.bytes.size();
                eof = p.buf.readerClosed;
                active = data > 0 || eof;
            } else if (f instanceof Sock s && s.state == SockState.CONNECTED) {
                Sock peer = s.peer;
                data = peer == null || s.peerGone ? 0 : peer.capacity - peer.recv.size();
                eof = s.reset || s.peerGone || s.shutWrite;
                fflags = eof ? s.soError : 0;
                active = data > 0 || eof;
            } else if (f instanceof Sock s && s.state == SockState.FAILED) {
                eof = true;
                fflags = s.soError;
                active = true;
            } else {
                active = false;
            }
        } else {
            active = false;
        }
        if (!active) {
            return null;
        }
        return new Kevent(kn.ident, kn.filter, (kn.clear ? EV_CLEAR : 0) | (eof ? EV_EOF : 0), fflags, data, kn.udata);
    }

    // ------------------------------------------------------------------ kevent

    private Kevent readKevent(MemorySegment at, int i) {
        long base = (long) i * keventSize;
        // sys/event.h: ident @0 (uintptr_t), filter @8 (short), flags @10 (u_short), fflags @12 (u_int),
        // data @16 (intptr_t / int64), udata @24 (void *); FreeBSD adds ext[4] @32.
        return new Kevent(at.get(JAVA_LONG_UNALIGNED, base), at.get(JAVA_SHORT, base + 8),
                Short.toUnsignedInt(at.get(JAVA_SHORT, base + 10)), at.get(JAVA_INT, base + 12),
                at.get(JAVA_LONG_UNALIGNED, base + 16), at.get(JAVA_LONG_UNALIGNED, base + 24));
    }

    private void writeKevent(MemorySegment at, int i, Kevent e) {
        long base = (long) i * keventSize;
        at.asSlice(base, keventSize).fill((byte) 0x5A); // garbage first: every field must be written
        at.set(JAVA_LONG_UNALIGNED, base, e.ident());
        at.set(JAVA_SHORT, base + 8, e.filter());
        at.set(JAVA_SHORT, base + 10, (short) e.flags());
        at.set(JAVA_INT, base + 12, e.fflags());
        at.set(JAVA_LONG_UNALIGNED, base + 16, e.data());
        at.set(JAVA_LONG_UNALIGNED, base + 24, e.udata());
        if (keventSize == 64) {
            at.asSlice(base + 32, 32).fill((byte) 0);
        }
    }

    @Override
    public int kqueue() {
        return locked(() -> {
            return allocate(new Kq());
        });
    }

    @Override
    public int kevent(int kqfd, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout) {
        return locked(() -> {
            if (!(file(kqfd) instanceof Kq kq)) {
                return -BsdErrno.EBADF;
            }
            if (nchanges < 0 || nevents < 0) {
                return -BsdErrno.EINVAL;
            }
            long tvSec = -1;
            long tvNsec = -1;
            if (!timeout.equals(MemorySegment.NULL)) {
                // struct timespec: tv_sec @0, tv_nsec @8.
                MemorySegment ts = timeout.reinterpret(16);
                tvSec = ts.get(JAVA_LONG_UNALIGNED, 0);
                tvNsec = ts.get(JAVA_LONG_UNALIGNED, 8);
                if (tvSec < 0 || tvNsec < 0 || tvNsec >= 1_000_000_000L) {
                    return -BsdErrno.EINVAL;
                }
            }
            List<Kevent> decoded = new ArrayList<>(nchanges);
            for (int i = 0; i < nchanges; i++) {
                decoded.add(readKevent(changes, i));
            }
            int out = 0;
            for (Kevent c : decoded) {
                int err = apply(kq, c);
                if (err != 0) {
                    if (out < nevents) {
                        writeKevent(events, out++, new Kevent(c.ident(), c.filter(), EV_ERROR, c.fflags(), err, c.udata()));
                    } else {
                        record(kqfd, decoded, nevents, tvSec, tvNsec, events, 0);
                        return -err;
                    }
                }
            }
            if (interruptNextWait) {
                interruptNextWait = false;
                record(kqfd, decoded, nevents, tvSec, tvNsec, events, out);
                return -BsdErrno.EINTR;
            }
            long deadline = tvSec < 0 ? Long.MAX_VALUE
                    : System.nanoTime() + Math.min(tvSec, 1_000_000L) * 1_000_000_000L + tvNsec;
            while (true) {
                out = collect(kq, events, out, nevents);
                if (out > 0 || tvSec == 0 && tvNsec == 0 || !blocking || nevents == 0) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                waiters++;
                try {
                    if (tvSec < 0) {
                        changed.await();
                    } else {
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    record(kqfd, decoded, nevents, tvSec, tvNsec, events, out);
                    return out > 0 ? out : -BsdErrno.EINTR;
                } finally {
                    waiters--;
                }
            }
            record(kqfd, decoded, nevents, tvSec, tvNsec, events, out);
            return out;
        });
    }

    private void record(int kq, List<Kevent> changes, int nevents, long tvSec, long tvNsec, MemorySegment events, int out) {
        if (!recording) {
            return;
        }
        List<Kevent> returned = new ArrayList<>(out);
        for (int i = 0; i < out; i++) {
            returned.add(readKevent(events, i));
        }
        calls.add(new Call(kq, List.copyOf(changes), nevents, tvSec, tvNsec, returned));
    }

    /** Applies one change; returns 0 or the errno. */
    private int apply(Kq kq, Kevent c) {
        long k = key(c.ident(), c.filter());
        Knote kn = kq.knotes.get(k);
        boolean user = c.filter() == evfiltUser;
        if (!user && c.filter() != EVFILT_READ && c.filter() != EVFILT_WRITE) {
            return BsdErrno.EINVAL;
        }
        if (!user && file((int) c.ident()) == null) {
            return BsdErrno.EBADF;
        }
        if (kn == null) {
            if ((c.flags() & EV_ADD) == 0) {
                return BsdErrno.ENOENT;
            }
            kn = new Knote(c.ident(), c.filter());
            kn.clear = (c.flags() & EV_CLEAR) != 0;
            kq.knotes.put(k, kn);
            kn.pending = true; // a new knote is evaluated at once
        }
        if ((c.flags() & EV_DELETE) != 0) {
            kq.knotes.remove(k);
            return 0;
        }
        kn.udata = c.udata(); // every change replaces udata
        if ((c.flags() & EV_DISABLE) != 0) {
            kn.disabled = true;
        } else if ((c.flags() & (EV_ENABLE | EV_ADD)) != 0) {
            kn.disabled = false;
        }
        if (user && (c.fflags() & NOTE_TRIGGER) != 0) {
            kn.triggered = true;
        }
        return 0;
    }

    private int collect(Kq kq, MemorySegment events, int out, int nevents) {
        while (out < nevents && !script.isEmpty()) {
            writeKevent(events, out++, script.poll());
        }
        for (Iterator<Knote> it = kq.knotes.values().iterator(); it.hasNext() && out < nevents;) {
            Knote kn = it.next();
            if (kn.disabled) {
                continue;
            }
            if (kn.clear && !kn.pending && kn.filter != evfiltUser) {
                continue;
            }
            Kevent e = evaluate(kn);
            kn.pending = false;
            if (e == null) {
                continue;
            }
            if (kn.filter == evfiltUser && kn.clear) {
                kn.triggered = false;
            }
            writeKevent(events, out++, e);
        }
        return out;
    }

    @Override
    public int keventWake(int kqfd, MemorySegment change) {
        return locked(() -> {
            Kevent c = readKevent(change, 0);
            if (recording) {
                wakes.add(c);
            }
            if (!(file(kqfd) instanceof Kq kq)) {
                return -1;
            }
            int err = apply(kq, c);
            changed.signalAll();
            return err == 0 ? 0 : -1;
        });
    }

    // ------------------------------------------------------------------ descriptors

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return locked(() -> {
            File f = file(fd);
            if (f == null) {
                return -BsdErrno.EBADF;
            }
            switch (cmd) {
                case 1: // F_GETFD
                    return f.cloexec ? 1 : 0;
                case 2: // F_SETFD
                    f.cloexec = (arg & 1) != 0;
                    return 0;
                case 3: // F_GETFL: O_RDWR plus the status flags
                    return 2 | f.flags;
                case 4: // F_SETFL: O_NONBLOCK (4), O_APPEND (8), O_ASYNC (0x40) are settable
                    f.flags = arg & (4 | 8 | 0x40);
                    return 0;
                default:
                    return -BsdErrno.EINVAL;
            }
        });
    }

    @Override
    public int close(int fd) {
        return locked(() -> {
            File f = file(fd);
            if (f == null || f instanceof Std) {
                return -BsdErrno.EBADF;
            }
            files.set(fd, null);
            for (File x : files) {
                if (x instanceof Kq k) {
                    k.knotes.values().removeIf(kn -> kn.ident == fd && kn.filter != evfiltUser);
                }
            }
            f.fd = -1;
            if (f instanceof PipeEnd p) {
                if (p.readEnd) {
                    p.buf.readerClosed = true;
                    if (p.buf.writer != null) {
                        activate(p.buf.writer, EVFILT_WRITE);
                    }
                } else {
                    p.buf.writerClosed = true;
                    if (p.buf.reader != null) {
                        activate(p.buf.reader, EVFILT_READ);
                    }
                }
            } else if (f instanceof Sock s) {
                closeSocket(s);
            }
            changed.signalAll();
            return 0;
        });
    }

    private void closeSocket(Sock s) {
        s.closed = true;
        releaseShadows(s);
        if (s.local != null && bound.get(s.local.getPort()) == s) {
            bound.remove(s.local.getPort());
        }
        for (Sock embryo : s.queue) {
            Sock client = embryo.peer;
            if (client != null) {
                resetBy(client);
            }
        }
        s.queue.clear();
        Sock peer = s.peer;
        if (peer != null && !peer.closed) {
            if (s.recv.size() > 0) {
                resetBy(peer); // closing with unread data sends a reset
            } else {
                peer.peerShutWrite = true;
                peer.peerGone = true;
                activate(peer, EVFILT_READ);
                activate(peer, EVFILT_WRITE);
            }
        }
    }

    private void resetBy(Sock victim) {
        victim.reset = true;
        victim.soError = BsdErrno.ECONNRESET;
        victim.peer = null;
        activate(victim, EVFILT_READ);
        activate(victim, EVFILT_WRITE);
    }

    @Override
    public int pipe(MemorySegment fds) {
        return makePipe(fds, 0, false);
    }

    @Override
    public int pipe2(MemorySegment fds, int flags) {
        if (platform.os() == BsdPlatform.Os.DARWIN) {
            throw new UnsupportedOperationException("Darwin has no pipe2(): the backend must use pipe() and fcntl()");
        }
        int cloexec = 0x00100000;
        if ((flags & ~(4 | cloexec)) != 0) {
            return -BsdErrno.EINVAL;
        }
        return makePipe(fds, flags, true);
    }

    private int makePipe(MemorySegment fds, int flags, boolean withFlags) {
        return locked(() -> {
            if (freeSlots() < 2) {
                return -BsdErrno.EMFILE;
            }
            PipeBuf buf = new PipeBuf();
            PipeEnd r = new PipeEnd(buf, true);
            PipeEnd w = new PipeEnd(buf, false);
            buf.reader = r;
            buf.writer = w;
            if (withFlags) {
                for (PipeEnd e : new PipeEnd[] {r, w}) {
                    e.flags = flags & 4;
                    e.cloexec = (flags & 0x00100000) != 0;
                }
            }
            fds.set(JAVA_INT, 0, allocate(r));
            fds.set(JAVA_INT, 4, allocate(w));
            return 0;
        });
    }

    @Override
    public long read(int fd, MemorySegment buf) {
        return lockedLong(() -> {
            File f = file(fd);
            if (f instanceof PipeEnd p) {
                if (!p.readEnd) {
                    return -BsdErrno.EBADF;
                }
                if (p.buf.bytes.size() > 0) {
                    byte[] got = p.buf.bytes.take((int) Math.min(buf.byteSize(), Integer.MAX_VALUE));
                    MemorySegment.copy(got, 0, buf, JAVA_BYTE, 0, got.length);
                    if (p.buf.writer != null) {
                        activate(p.buf.writer, EVFILT_WRITE);
                    }
                    return got.length;
                }
                if (p.buf.writerClosed) {
                    return 0;
                }
                return wouldBlock(f, "read");
            }
            if (f instanceof Sock s) {
                return readSocket(s, buf);
            }
            return -BsdErrno.EBADF;
        });
    }

    private long readSocket(Sock s, MemorySegment buf) {
        if (s.recv.size() > 0) {
            byte[] got = s.recv.take((int) Math.min(buf.byteSize(), Integer.MAX_VALUE));
            MemorySegment.copy(got, 0, buf, JAVA_BYTE, 0, got.length);
            Sock peer = s.peer;
            if (peer != null) {
                activate(peer, EVFILT_WRITE);
            }
            return got.length;
        }
        if (s.soError != 0 && (s.reset || s.state == SockState.FAILED)) {
            int e = s.soError;
            s.soError = 0;
            return -e;
        }
        if (s.reset || s.peerShutWrite || s.state == SockState.FAILED) {
            return 0;
        }
        if (s.state != SockState.CONNECTED) {
            return -BsdErrno.ENOTCONN;
        }
        return wouldBlock(s, "read");
    }

    private int wouldBlock(File f, String what) {
        if (!f.nonBlocking()) {
            throw new AssertionError(what + " on fd " + f.fd + " (" + f.describe()
                    + ") would block the loop: the descriptor is not O_NONBLOCK");
        }
        return -BsdErrno.EAGAIN;
    }

    @Override
    public long write(int fd, MemorySegment buf) {
        return lockedLong(() -> {
            File f = file(fd);
            if (f instanceof PipeEnd p) {
                if (p.readEnd) {
                    return -BsdErrno.EBADF;
                }
                if (p.buf.readerClosed) {
                    pipeSigpipes++;
                    return -BsdErrno.EPIPE;
                }
                int room = PIPE_CAPACITY - p.buf.bytes.size();
                if (room == 0) {
                    return wouldBlock(f, "write");
                }
                int n = (int) Math.min(room, buf.byteSize());
                byte[] bytes = new byte[n];
                MemorySegment.copy(buf, JAVA_BYTE, 0, bytes, 0, n);
                p.buf.bytes.put(bytes, 0, n);
                if (p.buf.reader != null) {
                    activate(p.buf.reader, EVFILT_READ);
                }
                return n;
            }
            if (f instanceof Sock s) {
                byte[] bytes = new byte[(int) Math.min(buf.byteSize(), Integer.MAX_VALUE)];
                MemorySegment.copy(buf, JAVA_BYTE, 0, bytes, 0, bytes.length);
                return sendBytes(s, bytes, 0);
            }
            return -BsdErrno.EBADF;
        });
    }

    @Override
    public long send(int fd, MemorySegment buf, int flags) {
        return lockedLong(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            checkSendFlags(flags);
            byte[] bytes = new byte[(int) Math.min(buf.byteSize(), Integer.MAX_VALUE)];
            MemorySegment.copy(buf, JAVA_BYTE, 0, bytes, 0, bytes.length);
            return sendBytes(s, bytes, flags);
        });
    }

    private void checkSendFlags(int flags) {
        if ((flags & ~msgNosignal) != 0) {
            throw new AssertionError("send flags 0x" + Integer.toHexString(flags) + " on " + platform
                    + ": this backend passes MSG_NOSIGNAL (FreeBSD) or nothing (Darwin)");
        }
    }

    @Override
    public long sendmsg(int fd, MemorySegment msg, int flags) {
        return lockedLong(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            checkSendFlags(flags);
            // struct msghdr (BSD): msg_name @0, msg_namelen @8, msg_iov @16, msg_iovlen @24 (int),
            // msg_control @32, msg_controllen @40 (socklen_t), msg_flags @44; 48 bytes.
            MemorySegment m = msg.reinterpret(48);
            if (m.get(JAVA_LONG_UNALIGNED, 0) != 0 || m.get(JAVA_INT, 8) != 0) {
                return -BsdErrno.EISCONN;
            }
            if (m.get(JAVA_LONG_UNALIGNED, 32) != 0 || m.get(JAVA_INT, 40) != 0) {
                throw new AssertionError("sendmsg with control data: this backend sends none");
            }
            int iovlen = m.get(JAVA_INT, 24);
            if (iovlen <= 0 || iovlen > 1024) {
                return -BsdErrno.EMSGSIZE;
            }
            // struct iovec: iov_base @0, iov_len @8; 16 bytes.
            MemorySegment iov = MemorySegment.ofAddress(m.get(JAVA_LONG_UNALIGNED, 16)).reinterpret(16L * iovlen);
            long total = 0;
            for (int i = 0; i < iovlen; i++) {
                total += iov.get(JAVA_LONG_UNALIGNED, i * 16L + 8);
            }
            byte[] bytes = new byte[(int) Math.min(total, Integer.MAX_VALUE)];
            int at = 0;
            for (int i = 0; i < iovlen; i++) {
                long len = iov.get(JAVA_LONG_UNALIGNED, i * 16L + 8);
                MemorySegment base = MemorySegment.ofAddress(iov.get(JAVA_LONG_UNALIGNED, i * 16L)).reinterpret(len);
                MemorySegment.copy(base, JAVA_BYTE, 0, bytes, at, (int) len);
                at += (int) len;
            }
            return sendBytes(s, bytes, flags);
        });
    }

    private long sendBytes(Sock s, byte[] bytes, int flags) {
        if (s.state == SockState.FAILED) {
            int e = s.soError != 0 ? s.soError : BsdErrno.ECONNREFUSED;
            s.soError = 0;
            return -e;
        }
        if (s.state != SockState.CONNECTED) {
            return -BsdErrno.ENOTCONN;
        }
        // sosend() on both systems: "can't send more" (after shutdown or a reset) is EPIPE, and
        // raises SIGPIPE unless SO_NOSIGPIPE or MSG_NOSIGNAL; a pending ECONNRESET is left to read.
        if (s.shutWrite || s.reset) {
            if (!s.noSigpipe && (flags & msgNosignal) == 0) {
                sigpipes++;
            }
            return -BsdErrno.EPIPE;
        }
        Sock peer = s.peer;
        if (peer == null || s.peerGone) {
            // Data for a closed socket: the peer answers with a reset; these bytes are lost.
            resetBy(s);
            return bytes.length;
        }
        int room = peer.capacity - peer.recv.size();
        if (room == 0) {
            return wouldBlock(s, "send");
        }
        int n = Math.min(room, bytes.length);
        peer.recv.put(bytes, 0, n);
        activate(peer, EVFILT_READ);
        return n;
    }

    // ------------------------------------------------------------------ sockets

    @Override
    public int socket(int domain, int type, int protocol) {
        return locked(() -> {
            if (domain != 2 && domain != afInet6 && domain != AF_UNIX) {
                return -BsdErrno.EAFNOSUPPORT;
            }
            int nonblock = platform.os() == BsdPlatform.Os.FREEBSD ? 0x20000000 : 0;
            int cloexec = platform.os() == BsdPlatform.Os.FREEBSD ? 0x10000000 : 0;
            int base = type & ~(nonblock | cloexec);
            if (base != 1 && (base != 2 || domain == AF_UNIX)) {
                // Darwin knows no SOCK_NONBLOCK: any flag bits make an unknown type.
                return platform.os() == BsdPlatform.Os.DARWIN ? -BsdErrno.EINVAL : -43; // EPROTONOSUPPORT
            }
            if (protocol != 0 && protocol != (base == 1 ? 6 : 17)) {
                return -43;
            }
            Sock s = new Sock(domain);
            s.type = base;
            s.flags = (type & nonblock) != 0 ? 4 : 0;
            s.cloexec = (type & cloexec) != 0;
            return allocate(s);
        });
    }

    /** The options this model knows, by level and name ({@code sys/socket.h}, {@code netinet/tcp.h}). */
    private @Nullable String optionLabel(int level, int name) {
        if (level == 0xffff) {
            switch (name) {
                case 0x0004:
                    return "SO_REUSEADDR";
                case 0x0008:
                    return "SO_KEEPALIVE";
                case 0x1001:
                    return "SO_SNDBUF";
                case 0x1002:
                    return "SO_RCVBUF";
                case 0x0020:
                    return "SO_BROADCAST";
                case 0x0200:
                    return "SO_REUSEPORT";
                default:
                    return name == soNosigpipe ? "SO_NOSIGPIPE" : null;
            }
        }
        if (level == 0) { // netinet/in.h of both systems
            switch (name) {
                case 9:
                    return "IP_MULTICAST_IF";
                case 10:
                    return "IP_MULTICAST_TTL";
                case 11:
                    return "IP_MULTICAST_LOOP";
                case 12:
                    return "IP_ADD_MEMBERSHIP";
                case 13:
                    return "IP_DROP_MEMBERSHIP";
                case 70:
                    return "IP_ADD_SOURCE_MEMBERSHIP";
                case 71:
                    return "IP_DROP_SOURCE_MEMBERSHIP";
                default:
                    return null;
            }
        }
        if (level == 41) { // netinet6/in6.h, and RFC 3678's MCAST_* in netinet/in.h
            switch (name) {
                case 9:
                    return "IPV6_MULTICAST_IF";
                case 10:
                    return "IPV6_MULTICAST_HOPS";
                case 11:
                    return "IPV6_MULTICAST_LOOP";
                case 12:
                    return "IPV6_JOIN_GROUP";
                case 13:
                    return "IPV6_LEAVE_GROUP";
                case 27:
                    return "IPV6_V6ONLY";
                case 82:
                    return "MCAST_JOIN_SOURCE_GROUP";
                case 83:
                    return "MCAST_LEAVE_SOURCE_GROUP";
                default:
                    return null;
            }
        }
        return level == 6 && name == 1 ? "TCP_NODELAY" : null;
    }

    private int optionValue(MemorySegment value, int len) {
        if (len < 4) {
            return Integer.MIN_VALUE;
        }
        return value.reinterpret(len).get(JAVA_INT, 0);
    }

    @Override
    public int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        return locked(() -> {
            File f = file(fd);
            if (f == null) {
                return -BsdErrno.EBADF;
            }
            if (!(f instanceof Sock s)) {
                return -BsdErrno.ENOTSOCK;
            }
            byte[] raw = new byte[Math.max(0, len)];
            MemorySegment.copy(value.reinterpret(Math.max(0, len)), JAVA_BYTE, 0, raw, 0, raw.length);
            sockopts.add(new SockOpt(fd, level, name, raw));
            String label = optionLabel(level, name);
            if (label == null) {
                return -BsdErrno.ENOPROTOOPT;
            }
            if (level == 0 || level == 41) {
                return ipOption(s, level, label, raw);
            }
            int v = optionValue(value, len);
            if (v == Integer.MIN_VALUE) {
                return -BsdErrno.EINVAL;
            }
            if (s.type == 2 && label.equals("SO_RCVBUF")) {
                s.rcvbuf = v;
            } else if (s.type == 2 && label.equals("SO_SNDBUF")) {
                s.sndbuf = v;
            } else if (label.equals("SO_BROADCAST")) {
                s.broadcast = v != 0;
            }
            if (label.equals("SO_REUSEADDR")) {
                s.reuseAddress = v != 0;
            } else if (label.equals("SO_NOSIGPIPE")) {
                s.noSigpipe = v != 0;
            }
            s.options.put(label, v);
            return 0;
        });
    }

    @Override
    public int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        return locked(() -> {
            File f = file(fd);
            if (f == null) {
                return -BsdErrno.EBADF;
            }
            if (!(f instanceof Sock s)) {
                return -BsdErrno.ENOTSOCK;
            }
            MemorySegment l = len.reinterpret(4);
            if (l.get(JAVA_INT, 0) < 4) {
                return -BsdErrno.EINVAL;
            }
            int v;
            if (level == 0xffff && name == 0x1007) {
                v = s.soError; // SO_ERROR: read and cleared
                s.soError = 0;
            } else if (level == 0xffff && s.type == 2 && (name == 0x1001 || name == 0x1002)) {
                v = name == 0x1001 ? s.sndbuf : s.rcvbuf;
            } else {
                String label = optionLabel(level, name);
                Integer o = label == null ? null : s.options.get(label);
                if (label == null) {
                    return -BsdErrno.ENOPROTOOPT;
                }
                v = o == null ? 0 : o;
            }
            value.reinterpret(4).set(JAVA_INT, 0, v);
            l.set(JAVA_INT, 0, 4);
            return 0;
        });
    }

    /** Decodes a BSD socket address at the documented offsets, or returns null for a malformed one. */
    private @Nullable InetSocketAddress decodeAddress(MemorySegment addr, int len, int family) {
        MemorySegment a = addr.reinterpret(Math.max(len, 2));
        int sinLen = Byte.toUnsignedInt(a.get(JAVA_BYTE, 0));
        int sinFamily = Byte.toUnsignedInt(a.get(JAVA_BYTE, 1));
        if (sinFamily != family) {
            return null;
        }
        try {
            if (family == 2) {
                if (len != 16 || sinLen != 16) {
                    return null;
                }
                int port = Short.toUnsignedInt(a.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
                byte[] ip = new byte[4];
                MemorySegment.copy(a, JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (len != 28 || sinLen != 28) {
                return null;
            }
            int port = Short.toUnsignedInt(a.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
            byte[] ip = new byte[16];
            MemorySegment.copy(a, JAVA_BYTE, 8, ip, 0, 16);
            return new InetSocketAddress(Inet6Address.getByAddress(null, ip, a.get(JAVA_INT, 24)), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Writes a BSD socket address; returns its length. */
    private int encodeAddress(InetSocketAddress address, MemorySegment addr, MemorySegment len) {
        MemorySegment l = len.reinterpret(4);
        int room = l.get(JAVA_INT, 0);
        byte[] out = new byte[address.getAddress() instanceof Inet4Address ? 16 : 28];
        out[0] = (byte) out.length;
        out[1] = (byte) (out.length == 16 ? 2 : afInet6);
        out[2] = (byte) (address.getPort() >>> 8);
        out[3] = (byte) address.getPort();
        byte[] ip = address.getAddress().getAddress();
        System.arraycopy(ip, 0, out, out.length == 16 ? 4 : 8, ip.length);
        MemorySegment a = addr.reinterpret(room);
        MemorySegment.copy(out, 0, a, JAVA_BYTE, 0, Math.min(room, out.length));
        l.set(JAVA_INT, 0, out.length);
        return out.length;
    }

    private static boolean loopbackOrAny(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isAnyLocalAddress();
    }

    @Override
    public int bind(int fd, MemorySegment addr, int len) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.family == AF_UNIX) {
                return bindUnix(s, addr, len);
            }
            InetSocketAddress a = decodeAddress(addr, len, s.family);
            if (a == null) {
                return -BsdErrno.EINVAL;
            }
            if (s.local != null) {
                return -BsdErrno.EINVAL;
            }
            if (s.type == 2) {
                return bindDatagram(s, a);
            }
            if (!loopbackOrAny(a.getAddress())) {
                return -BsdErrno.EADDRNOTAVAIL;
            }
            int port = a.getPort();
            if (port == 0) {
                port = ephemeral();
            } else if (bound.containsKey(port)) {
                return -BsdErrno.EADDRINUSE;
            }
            s.local = new InetSocketAddress(a.getAddress(), port);
            bound.put(port, s);
            return 0;
        });
    }

    private int ephemeral() {
        while (bound.containsKey(nextPort)) {
            nextPort = nextPort == 65535 ? 49152 : nextPort + 1;
        }
        return nextPort++;
    }

    @Override
    public int listen(int fd, int backlog) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.state != SockState.NEW && s.state != SockState.LISTENING) {
                return -BsdErrno.EINVAL;
            }
            if (s.type == 2) {
                return -45; // EOPNOTSUPP
            }
            if (s.family == AF_UNIX) {
                if (s.unixPath == null) {
                    return -BsdErrno.EINVAL; // uipc_listen: not bound
                }
                s.state = SockState.LISTENING;
                s.backlog = Math.max(1, backlog);
                return 0;
            }
            if (s.local == null) {
                int port = ephemeral();
                s.local = new InetSocketAddress(anyOf(s.family), port);
                bound.put(port, s);
            }
            s.state = SockState.LISTENING;
            s.backlog = Math.max(1, backlog);
            return 0;
        });
    }

    private InetAddress anyOf(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == 2 ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int connect(int fd, MemorySegment addr, int len) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.family == AF_UNIX) {
                return connectUnix(s, addr, len);
            }
            InetSocketAddress target = decodeAddress(addr, len, s.family);
            if (target == null) {
                return -BsdErrno.EINVAL;
            }
            if (s.type == 2) {
                return connectDatagram(s, target);
            }
            if (!s.nonBlocking()) {
                throw new AssertionError("connect on fd " + fd + " would block the loop: the socket is not O_NONBLOCK");
            }
            if (s.state == SockState.CONNECTED) {
                return -BsdErrno.EISCONN;
            }
            if (s.state != SockState.NEW) {
                return -BsdErrno.EINVAL;
            }
            if (!target.getAddress().isLoopbackAddress()) {
                return -BsdErrno.ENETUNREACH;
            }
            if (s.local == null) {
                int port = ephemeral();
                s.local = new InetSocketAddress(target.getAddress(), port);
                bound.put(port, s);
            }
            s.remote = target;
            Sock listener = bound.get(target.getPort());
            if (listener == null || listener.state != SockState.LISTENING || listener.closed
                    || listener.family != s.family || listener.queue.size() >= listener.backlog) {
                if (refuseAtOnce) {
                    return -BsdErrno.ECONNREFUSED;
                }
                s.state = SockState.FAILED;
                s.soError = BsdErrno.ECONNREFUSED;
                return -BsdErrno.EINPROGRESS;
            }
            Sock server = new Sock(s.family);
            server.fd = -1;
            server.state = SockState.CONNECTED;
            server.local = target;
            server.remote = s.local;
            server.peer = s;
            s.peer = server;
            s.state = SockState.CONNECTED;
            listener.queue.add(server);
            activate(listener, EVFILT_READ);
            return -BsdErrno.EINPROGRESS;
        });
    }

    @Override
    public int accept(int fd, MemorySegment addr, MemorySegment len) {
        return acceptWith(fd, addr, len, -1);
    }

    @Override
    public int accept4(int fd, MemorySegment addr, MemorySegment len, int flags) {
        if (platform.os() == BsdPlatform.Os.DARWIN) {
            throw new UnsupportedOperationException("Darwin has no accept4(): the backend must use accept() and fcntl()");
        }
        if ((flags & ~(0x20000000 | 0x10000000)) != 0) {
            return -BsdErrno.EINVAL;
        }
        return acceptWith(fd, addr, len, flags);
    }

    private int acceptWith(int fd, MemorySegment addr, MemorySegment len, int flags) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.state != SockState.LISTENING) {
                return -BsdErrno.EINVAL;
            }
            Sock c = s.queue.peek();
            if (c == null) {
                return wouldBlock(s, "accept");
            }
            int n = allocate(c);
            if (n < 0) {
                return n; // EMFILE: the connection stays queued
            }
            s.queue.poll();
            if (flags < 0) {
                c.flags = s.flags & 4; // accept(2) on BSD: the new socket inherits O_NONBLOCK
            } else {
                c.flags = (flags & 0x20000000) != 0 ? 4 : 0;
                c.cloexec = (flags & 0x10000000) != 0;
            }
            InetSocketAddress remote = c.remote;
            if (c.family == AF_UNIX && !addr.equals(MemorySegment.NULL)) {
                encodeNoName(addr, len);
            } else if (remote != null && !addr.equals(MemorySegment.NULL)) {
                encodeAddress(remote, addr, len);
            }
            return n;
        });
    }

    @Override
    public int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.family == AF_UNIX) {
                java.nio.file.Path p = s.unixPath;
                if (p == null) {
                    encodeNoName(addr, len);
                } else {
                    encodeUnixAddress(p, addr, len);
                }
                return 0;
            }
            InetSocketAddress local = s.local != null ? s.local : new InetSocketAddress(anyOf(s.family), 0);
            encodeAddress(local, addr, len);
            return 0;
        });
    }

    @Override
    public int shutdown(int fd, int how) {
        return locked(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.state != SockState.CONNECTED) {
                return -BsdErrno.ENOTCONN;
            }
            if (how != 1) {
                throw new AssertionError("shutdown(" + how + "): this backend only shuts the sending side");
            }
            s.shutWrite = true;
            Sock peer = s.peer;
            if (peer != null) {
                peer.peerShutWrite = true;
                activate(peer, EVFILT_READ);
            }
            activate(s, EVFILT_WRITE);
            return 0;
        });
    }

    // ------------------------------------------------------------------ UDP

    private static boolean reuses(Sock s) {
        Integer a = s.options.get("SO_REUSEADDR");
        Integer p = s.options.get("SO_REUSEPORT");
        return a != null && a != 0 || p != null && p != 0;
    }

    /**
     * Binds a UDP socket. A real socket of this host binds the same address first and holds it, so
     * the simulated sockets share the host's port space: a port in use on the host is in use here,
     * and a closed simulated socket leaves its port free for the host.
     */
    private int bindDatagram(Sock s, InetSocketAddress a) {
        java.net.DatagramSocket real = null;
        try {
            real = new java.net.DatagramSocket(null);
            real.setReuseAddress(reuses(s));
            real.bind(a);
        } catch (java.net.BindException e) {
            real.close();
            return -BsdErrno.EADDRINUSE;
        } catch (IOException e) {
            if (real != null) {
                real.close();
            }
            return -BsdErrno.EADDRNOTAVAIL;
        }
        s.udpShadow = real;
        s.local = new InetSocketAddress(a.getAddress(), real.getLocalPort());
        udpBound.add(s);
        return 0;
    }

    /** A v4-mapped IPv6 address as the IPv4 address it stands for; anything else as is. */
    private static InetSocketAddress unmapped(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        if (b.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return a;
                }
            }
            if (b[10] == -1 && b[11] == -1) {
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)), a.getPort());
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return a;
    }

    /**
     * {@code connect} on a UDP socket: a connected socket is disconnected first (both systems'
     * {@code soconnect}), which resets its local address to the wildcard ({@code udp_disconnect});
     * the unspecified address or port 0 then fails with {@code EADDRNOTAVAIL}
     * ({@code in_pcbconnect_setup}), which is how a socket is disconnected.
     */
    private int connectDatagram(Sock s, InetSocketAddress target) {
        if (s.remote != null) {
            s.remote = null;
            InetSocketAddress l = s.local;
            if (l != null) {
                s.local = new InetSocketAddress(anyOf(s.family), l.getPort());
            }
        }
        InetSocketAddress t = unmapped(target);
        if (t.getPort() == 0 || t.getAddress().isAnyLocalAddress()) {
            return -BsdErrno.EADDRNOTAVAIL;
        }
        if (s.local == null) {
            int r = bindDatagram(s, new InetSocketAddress(anyOf(s.family), 0));
            if (r < 0) {
                return r;
            }
        }
        InetSocketAddress l = s.local;
        if (l != null && l.getAddress().isAnyLocalAddress() && t.getAddress().isLoopbackAddress()
                && (t.getAddress() instanceof Inet4Address) == (s.family == 2)) {
            s.local = new InetSocketAddress(t.getAddress(), l.getPort()); // the route's source address
        }
        s.remote = t;
        return 0;
    }

    @Override
    public long sendto(int fd, MemorySegment buf, int flags, MemorySegment to, int tolen) {
        return lockedLong(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            checkSendFlags(flags);
            byte[] data = new byte[(int) Math.min(buf.byteSize(), Integer.MAX_VALUE)];
            MemorySegment.copy(buf, JAVA_BYTE, 0, data, 0, data.length);
            if (s.type != 2) {
                return to.equals(MemorySegment.NULL) ? sendBytes(s, data, flags) : -BsdErrno.EISCONN;
            }
            if (s.soError != 0) {
                // sosend_dgram: a pending error (an ICMP refusal) fails this send and is consumed.
                int e = s.soError;
                s.soError = 0;
                return -e;
            }
            InetSocketAddress dest;
            if (to.equals(MemorySegment.NULL)) {
                if (s.remote == null) {
                    return -EDESTADDRREQ;
                }
                dest = s.remote;
            } else {
                if (s.remote != null) {
                    return -BsdErrno.EISCONN; // BSD: no address on a connected socket
                }
                InetSocketAddress d = decodeAddress(to, tolen, s.family);
                if (d == null) {
                    return -BsdErrno.EINVAL;
                }
                dest = unmapped(d);
            }
            int max = dest.getAddress() instanceof Inet4Address ? 65_507 : 65_527;
            if (data.length > s.sndbuf || data.length > max) {
                return -BsdErrno.EMSGSIZE;
            }
            if (s.local == null) {
                int r = bindDatagram(s, new InetSocketAddress(anyOf(s.family), 0));
                if (r < 0) {
                    return r;
                }
            }
            InetSocketAddress local = s.local;
            InetAddress fromIp = local.getAddress().isAnyLocalAddress() && dest.getAddress().isLoopbackAddress()
                    ? dest.getAddress() : local.getAddress();
            InetSocketAddress from = new InetSocketAddress(fromIp, local.getPort());
            byte[] ip = dest.getAddress().getAddress();
            if (ip.length == 4 && (ip[0] & 0xFF) == 255 && (ip[1] & 0xFF) == 255 && (ip[2] & 0xFF) == 255
                    && (ip[3] & 0xFF) == 255) {
                if (!s.broadcast) {
                    return -BsdErrno.EACCES; // ip_output without SO_BROADCAST
                }
                for (Sock r : List.copyOf(udpBound)) {
                    InetSocketAddress rl = r.local;
                    if (!r.closed && r.family == 2 && rl != null && rl.getPort() == dest.getPort()
                            && rl.getAddress().isAnyLocalAddress()) {
                        deliver(r, data, from);
                    }
                }
                return data.length;
            }
            if (dest.getAddress().isMulticastAddress()) {
                return data.length; // multicast routing is not modelled: the datagram leaves and is lost
            }
            Sock receiver = null;
            for (Sock r : udpBound) {
                InetSocketAddress rl = r.local;
                if (!r.closed && r.family == s.family && rl != null && rl.getPort() == dest.getPort()
                        && (rl.getAddress().equals(dest.getAddress()) || rl.getAddress().isAnyLocalAddress())) {
                    receiver = r;
                    break;
                }
            }
            if (receiver == null) {
                if (s.remote != null) {
                    // ICMP port unreachable: only a connected socket hears of it (udp_ctlinput).
                    s.soError = BsdErrno.ECONNREFUSED;
                    activate(s, EVFILT_READ);
                }
                return data.length;
            }
            deliver(receiver, data, from);
            return data.length;
        });
    }

    private void deliver(Sock r, byte[] data, InetSocketAddress from) {
        InetSocketAddress peer = r.remote;
        if (peer != null && !peer.equals(from)) {
            return; // a connected socket takes its peer's datagrams only
        }
        if (r.dgramBytes + data.length > r.rcvbuf) {
            return; // the receive buffer is full: dropped, as UDP does
        }
        r.dgrams.add(new Dgram(data, from));
        r.dgramBytes += data.length;
        activate(r, EVFILT_READ);
    }

    @Override
    public long recvmsg(int fd, MemorySegment msg, int flags) {
        return lockedLong(() -> {
            if (!(file(fd) instanceof Sock s)) {
                return file(fd) == null ? -BsdErrno.EBADF : -BsdErrno.ENOTSOCK;
            }
            if (s.type != 2) {
                throw new AssertionError("recvmsg on a stream socket: this backend reads streams with read()");
            }
            // struct msghdr (BSD): msg_name @0, msg_namelen @8, msg_iov @16, msg_iovlen @24 (int),
            // msg_control @32, msg_controllen @40 (socklen_t), msg_flags @44; 48 bytes.
            MemorySegment m = msg.reinterpret(48);
            if (m.get(JAVA_LONG_UNALIGNED, 32) != 0 || m.get(JAVA_INT, 40) != 0) {
                throw new AssertionError("recvmsg with control data: this backend asks for none");
            }
            int iovlen = m.get(JAVA_INT, 24);
            if (iovlen <= 0 || iovlen > 1024) {
                return -BsdErrno.EMSGSIZE;
            }
            Dgram d = s.dgrams.poll();
            if (d == null) {
                if (s.soError != 0) {
                    int e = s.soError;
                    s.soError = 0;
                    return -e;
                }
                return wouldBlock(s, "recvmsg");
            }
            s.dgramBytes -= d.data().length;
            MemorySegment iov = MemorySegment.ofAddress(m.get(JAVA_LONG_UNALIGNED, 16)).reinterpret(16L * iovlen);
            int copied = 0;
            for (int i = 0; i < iovlen && copied < d.data().length; i++) {
                long len = iov.get(JAVA_LONG_UNALIGNED, i * 16L + 8);
                int n = (int) Math.min(len, d.data().length - copied);
                MemorySegment base = MemorySegment.ofAddress(iov.get(JAVA_LONG_UNALIGNED, i * 16L)).reinterpret(len);
                MemorySegment.copy(d.data(), copied, base, JAVA_BYTE, 0, n);
                copied += n;
            }
            long name = m.get(JAVA_LONG_UNALIGNED, 0);
            if (name != 0) {
                MemorySegment room = java.lang.foreign.Arena.ofAuto().allocate(4);
                room.set(JAVA_INT, 0, m.get(JAVA_INT, 8));
                int written = encodeAddress(d.from(), MemorySegment.ofAddress(name), room);
                m.set(JAVA_INT, 8, written);
            }
            m.set(JAVA_INT, 44, copied < d.data().length ? MSG_TRUNC : 0);
            return copied;
        });
    }

    /** {@code IPPROTO_IP} and {@code IPPROTO_IPV6} options: sizes checked per {@code ip(4)}/{@code ip6(4)}, memberships kept. */
    private int ipOption(Sock s, int level, String label, byte[] raw) {
        if (s.type != 2) {
            return -BsdErrno.ENOPROTOOPT;
        }
        boolean v6 = level == 41;
        if (v6 != (s.family == afInet6)) {
            return -BsdErrno.EINVAL;
        }
        switch (label) {
            case "IP_MULTICAST_TTL":
            case "IP_MULTICAST_LOOP":
                return raw.length == 1 || raw.length == 4 ? 0 : -BsdErrno.EINVAL;
            case "IP_MULTICAST_IF":
                return raw.length == 4 || raw.length == 12 ? 0 : -BsdErrno.EINVAL;
            case "IPV6_MULTICAST_IF":
            case "IPV6_MULTICAST_HOPS":
            case "IPV6_MULTICAST_LOOP":
            case "IPV6_V6ONLY":
                return raw.length == 4 ? 0 : -BsdErrno.EINVAL;
            default:
                break;
        }
        boolean join = label.contains("ADD") || label.contains("JOIN");
        int size;
        int groupAt;
        if (label.startsWith("IP_") && label.contains("SOURCE")) {
            size = 12; // ip_mreq_source: group, source, interface
            groupAt = 0;
        } else if (label.startsWith("IP_")) {
            size = 8; // ip_mreq: group, interface address
            groupAt = 0;
        } else if (label.startsWith("IPV6_")) {
            size = 20; // ipv6_mreq: group, interface index
            groupAt = 0;
        } else {
            // group_source_req: Darwin packs it (pack(4)), FreeBSD aligns the sockaddr_storage to 8.
            boolean darwin = platform.os() == BsdPlatform.Os.DARWIN;
            size = darwin ? 260 : 264;
            groupAt = darwin ? 4 : 8;
            if (raw.length == size && (raw[groupAt] != 28 || Byte.toUnsignedInt(raw[groupAt + 1]) != afInet6
                    || raw[groupAt + 128] != 28 || Byte.toUnsignedInt(raw[groupAt + 129]) != afInet6)) {
                return -BsdErrno.EINVAL;
            }
            groupAt += 8; // sin6_addr
        }
        if (raw.length != size) {
            return -BsdErrno.EINVAL;
        }
        int first = Byte.toUnsignedInt(raw[groupAt]);
        if (v6 ? first != 0xFF : (first & 0xF0) != 0xE0) {
            return -BsdErrno.EINVAL; // not a multicast group
        }
        String key = (label.contains("SOURCE") ? "ssm:" : "asm:") + Arrays.toString(raw);
        if (join) {
            if (s.memberships.contains(key)) {
                return -BsdErrno.EADDRINUSE;
            }
            s.memberships.add(key);
            return 0;
        }
        return s.memberships.remove(key) ? 0 : -BsdErrno.EADDRNOTAVAIL;
    }

    // ------------------------------------------------------------------ UNIX-domain sockets

    /** Decodes a {@code sockaddr_un} at the documented offsets (sun_len @0, sun_family @1, sun_path @2, 104 bytes). */
    private java.nio.file.@Nullable Path decodeUnix(MemorySegment addr, int len) {
        if (len < 3 || len > 106) {
            return null;
        }
        MemorySegment a = addr.reinterpret(len);
        int sunLen = Byte.toUnsignedInt(a.get(JAVA_BYTE, 0));
        if (sunLen != len) {
            throw new AssertionError("sun_len " + sunLen + " differs from the length passed, " + len);
        }
        if (a.get(JAVA_BYTE, 1) != AF_UNIX) {
            return null;
        }
        int n = 0;
        while (2 + n < len && a.get(JAVA_BYTE, 2 + n) != 0) {
            n++;
        }
        if (n == 0) {
            return null;
        }
        byte[] path = new byte[n];
        MemorySegment.copy(a, JAVA_BYTE, 2, path, 0, n);
        return java.nio.file.Path.of(new String(path, BsdIo.FILE_NAME_CHARSET));
    }

    /**
     * Binds a UNIX-domain socket: the socket file is a real one on this host, made by a real
     * socket that stays bound and listening while the simulated one is open (so its device and
     * inode identify it, and a probe finds it alive), and closed, leaving the file behind, when the
     * simulated socket closes, as both systems leave it.
     */
    private int bindUnix(Sock s, MemorySegment addr, int len) {
        if (s.unixPath != null) {
            return -BsdErrno.EINVAL;
        }
        if (len > 2 + 104) {
            return -ENAMETOOLONG;
        }
        java.nio.file.Path p = decodeUnix(addr, len);
        if (p == null) {
            return -BsdErrno.EINVAL;
        }
        if (p.toString().getBytes(BsdIo.FILE_NAME_CHARSET).length > 103) {
            return -ENAMETOOLONG;
        }
        if (java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return -BsdErrno.EADDRINUSE;
        }
        java.nio.channels.ServerSocketChannel real = null;
        try {
            real = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            real.bind(java.net.UnixDomainSocketAddress.of(p), 1);
            Object key = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
            s.unixShadow = real;
            s.unixPath = p;
            s.unixKey = key;
            unixBound.put(key, s);
            return 0;
        } catch (IOException e) {
            if (real != null) {
                try {
                    real.close();
                } catch (IOException ignored) {
                    // nothing to release
                }
            }
            java.nio.file.Path parent = p.toAbsolutePath().getParent();
            return parent != null && !java.nio.file.Files.isDirectory(parent) ? -BsdErrno.ENOENT : -BsdErrno.EACCES;
        }
    }

    /** {@code connect} on a UNIX-domain stream socket: settled at once, as both systems do. */
    private int connectUnix(Sock s, MemorySegment addr, int len) {
        java.nio.file.Path p = decodeUnix(addr, len);
        if (p == null) {
            return -BsdErrno.EINVAL;
        }
        if (!s.nonBlocking()) {
            throw new AssertionError("connect on fd " + s.fd + " would block the loop: the socket is not O_NONBLOCK");
        }
        if (s.state == SockState.CONNECTED) {
            return -BsdErrno.EISCONN;
        }
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            return -BsdErrno.ENOENT;
        } catch (IOException e) {
            return -BsdErrno.EACCES;
        }
        if (!a.isOther()) {
            return -BsdErrno.ENOTSOCK; // unp_connect: the vnode is not a socket
        }
        Sock listener = a.fileKey() == null ? null : unixBound.get(a.fileKey());
        if (listener == null || listener.closed || listener.state != SockState.LISTENING
                || listener.queue.size() >= listener.backlog) {
            // Nobody listens here (a stale file, or a socket outside this simulation), or the
            // backlog is full: BSD refuses (Linux would say EAGAIN for the latter).
            return -BsdErrno.ECONNREFUSED;
        }
        Sock server = new Sock(AF_UNIX);
        server.fd = -1;
        server.state = SockState.CONNECTED;
        server.peer = s;
        s.peer = server;
        s.state = SockState.CONNECTED;
        listener.queue.add(server);
        activate(listener, EVFILT_READ);
        return 0;
    }

    /** {@code sun_noname} of both systems: a {@code struct sockaddr} of 16 bytes, {@code AF_UNIX}, no path. */
    private static void encodeNoName(MemorySegment addr, MemorySegment len) {
        MemorySegment l = len.reinterpret(4);
        int room = l.get(JAVA_INT, 0);
        byte[] out = new byte[16];
        out[0] = 16;
        out[1] = AF_UNIX;
        MemorySegment.copy(out, 0, addr.reinterpret(room), JAVA_BYTE, 0, Math.min(room, out.length));
        l.set(JAVA_INT, 0, out.length);
    }

    private static void encodeUnixAddress(java.nio.file.Path p, MemorySegment addr, MemorySegment len) {
        MemorySegment l = len.reinterpret(4);
        int room = l.get(JAVA_INT, 0);
        byte[] path = p.toString().getBytes(BsdIo.FILE_NAME_CHARSET);
        byte[] out = new byte[2 + path.length + 1];
        out[0] = (byte) out.length;
        out[1] = AF_UNIX;
        System.arraycopy(path, 0, out, 2, path.length);
        MemorySegment.copy(out, 0, addr.reinterpret(room), JAVA_BYTE, 0, Math.min(room, out.length));
        l.set(JAVA_INT, 0, out.length);
    }

    /** Closes the real sockets that held a simulated socket's port or socket file (the file stays). */
    private void releaseShadows(Sock s) {
        java.net.DatagramSocket d = s.udpShadow;
        if (d != null) {
            d.close();
            s.udpShadow = null;
        }
        udpBound.remove(s);
        s.dgrams.clear();
        s.dgramBytes = 0;
        java.nio.channels.ServerSocketChannel u = s.unixShadow;
        if (u != null) {
            try {
                u.close();
            } catch (IOException e) {
                // the file stays either way
            }
            s.unixShadow = null;
        }
        Object key = s.unixKey;
        if (key != null && unixBound.get(key) == s) {
            unixBound.remove(key);
        }
    }

    @Override
    public String toString() {
        return "SimulatedKernel[" + platform + ", " + Arrays.toString(describeOpen().toArray()) + "]";
    }
}
