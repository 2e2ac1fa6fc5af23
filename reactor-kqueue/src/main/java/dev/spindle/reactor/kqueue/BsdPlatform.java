package dev.spindle.reactor.kqueue;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One BSD ABI the backend runs on: macOS (Darwin) or FreeBSD, on x86_64 or aarch64. Holds the
 * constants that differ between the two systems, the layout of {@code struct kevent}, and the
 * structures both share. All four targets are LP64 and little-endian, so only the system, never
 * the architecture, changes a layout or a constant; each target still has its own instance so that
 * tests state the expected values per target.
 *
 * <p>What differs, from the systems' headers:
 * <ul>
 *   <li>{@code struct kevent} ({@code sys/event.h}): 32 bytes on Darwin, declared under
 *       {@code #pragma pack(4)}; 64 bytes on FreeBSD 12 and later, whose {@code data} is a
 *       {@code __int64_t} and which ends in {@code __uint64_t ext[4]};</li>
 *   <li>{@code EVFILT_USER}: -10 on Darwin, -11 on FreeBSD;</li>
 *   <li>{@code AF_INET6} ({@code sys/socket.h}): 30 on Darwin, 28 on FreeBSD;</li>
 *   <li>non-blocking, close-on-exec descriptors: FreeBSD has {@code SOCK_NONBLOCK},
 *       {@code SOCK_CLOEXEC}, {@code accept4} and {@code pipe2}; Darwin has none of them and takes
 *       {@code fcntl} calls after {@code socket}, {@code accept} and {@code pipe};</li>
 *   <li>{@code SIGPIPE}: Darwin sockets get {@code SO_NOSIGPIPE} (0x1022); FreeBSD sends pass
 *       {@code MSG_NOSIGNAL} (0x20000);</li>
 *   <li>{@code O_CLOEXEC} ({@code fcntl.h}) and the errno numbers from 82 up ({@link BsdErrno}).</li>
 * </ul>
 * Immutable.
 */
final class BsdPlatform {
    /** The operating system. */
    enum Os {
        /** macOS: XNU's BSD layer. */
        DARWIN,
        /** FreeBSD 12 or newer. */
        FREEBSD
    }

    // ---------------------------------------------------------------- shared: sys/event.h
    static final short EVFILT_READ = -1;
    static final short EVFILT_WRITE = -2;
    static final int EV_ADD = 0x0001;
    static final int EV_DELETE = 0x0002;
    static final int EV_ENABLE = 0x0004;
    static final int EV_DISABLE = 0x0008;
    static final int EV_ONESHOT = 0x0010;
    static final int EV_CLEAR = 0x0020;
    static final int EV_RECEIPT = 0x0040;
    static final int EV_ERROR = 0x4000;
    static final int EV_EOF = 0x8000;
    static final int NOTE_TRIGGER = 0x01000000;

    // ---------------------------------------------------------------- shared: sys/socket.h, netinet/*.h, fcntl.h
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOL_SOCKET = 0xffff;
    static final int SO_REUSEADDR = 0x0004;
    static final int SO_KEEPALIVE = 0x0008;
    static final int SO_LINGER = 0x0080;
    static final int SO_SNDBUF = 0x1001;
    static final int SO_RCVBUF = 0x1002;
    static final int SO_ERROR = 0x1007;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 0x01;
    static final int SHUT_WR = 1;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    static final int O_NONBLOCK = 0x0004;
    /** {@code IOV_MAX} ({@code sys/uio.h} on FreeBSD, {@code sys/syslimits.h} on Darwin). */
    static final int IOV_MAX = 1024;

    // ---------------------------------------------------------------- shared: UDP and UNIX sockets
    // The same numbers in Darwin's and FreeBSD's headers (and different from Linux's): BsdLayoutTest
    // states them per system, as transcribed from each system's headers.
    static final int SOCK_DGRAM = 2;
    /** {@code SO_BROADCAST} ({@code sys/socket.h}). */
    static final int SO_BROADCAST = 0x0020;
    /** {@code SO_REUSEPORT} ({@code sys/socket.h}): set with {@code SO_REUSEADDR} on UDP sockets, as the JDK does on BSD. */
    static final int SO_REUSEPORT = 0x0200;
    /** {@code MSG_TRUNC} ({@code sys/socket.h}): in {@code msg_flags}, the datagram was larger than the buffer. */
    static final int MSG_TRUNC = 0x10;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    /** {@code IP_MULTICAST_IF} ({@code netinet/in.h}): a {@code struct in_addr}, the interface's address. */
    static final int IP_MULTICAST_IF = 9;
    /** {@code IP_MULTICAST_TTL}: a {@code u_char}, as {@code ip(4)} documents it. */
    static final int IP_MULTICAST_TTL = 10;
    /** {@code IP_MULTICAST_LOOP}: a {@code u_char}. */
    static final int IP_MULTICAST_LOOP = 11;
    /** {@code IP_ADD_MEMBERSHIP}: a {@code struct ip_mreq}. */
    static final int IP_ADD_MEMBERSHIP = 12;
    static final int IP_DROP_MEMBERSHIP = 13;
    /** {@code IP_ADD_SOURCE_MEMBERSHIP}: a {@code struct ip_mreq_source}. */
    static final int IP_ADD_SOURCE_MEMBERSHIP = 70;
    static final int IP_DROP_SOURCE_MEMBERSHIP = 71;
    /** {@code MCAST_JOIN_SOURCE_GROUP} (RFC 3678): a {@code struct group_source_req}; used for IPv6. */
    static final int MCAST_JOIN_SOURCE_GROUP = 82;
    static final int MCAST_LEAVE_SOURCE_GROUP = 83;
    /** {@code IPV6_MULTICAST_IF} ({@code netinet6/in6.h}): a {@code u_int}, the interface index. */
    static final int IPV6_MULTICAST_IF = 9;
    /** {@code IPV6_MULTICAST_HOPS}: an {@code int}. */
    static final int IPV6_MULTICAST_HOPS = 10;
    /** {@code IPV6_MULTICAST_LOOP}: a {@code u_int}. */
    static final int IPV6_MULTICAST_LOOP = 11;
    /** {@code IPV6_JOIN_GROUP}: a {@code struct ipv6_mreq}. */
    static final int IPV6_JOIN_GROUP = 12;
    static final int IPV6_LEAVE_GROUP = 13;
    /** {@code IPV6_V6ONLY}: an {@code int}. */
    static final int IPV6_V6ONLY = 27;
    /**
     * The longest path a {@code sockaddr_un} carries: {@code sun_path} is 104 bytes on both systems
     * and the kernel wants the path NUL-terminated within it.
     */
    static final int MAX_UNIX_PATH_BYTES = 103;

    /** A 16-bit value in network byte order (a port). */
    static final ValueLayout.OfShort NETWORK_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * {@code struct sockaddr_in} ({@code netinet/in.h}): 16 bytes, led by the BSD length byte;
     * {@code sa_family_t} is one byte.
     */
    static final StructLayout SOCKADDR_IN = structLayout(
            JAVA_BYTE.withName("sin_len"),
            JAVA_BYTE.withName("sin_family"),
            NETWORK_SHORT.withName("sin_port"),
            sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero")).withName("sockaddr_in");

    /** {@code struct sockaddr_in6} ({@code netinet6/in6.h}, included by {@code netinet/in.h}): 28 bytes. */
    static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_BYTE.withName("sin6_len"),
            JAVA_BYTE.withName("sin6_family"),
            NETWORK_SHORT.withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")).withName("sockaddr_in6");

    /** {@code struct sockaddr_un} ({@code sys/un.h}): 106 bytes, a 104-byte path. */
    static final StructLayout SOCKADDR_UN = structLayout(
            JAVA_BYTE.withName("sun_len"),
            JAVA_BYTE.withName("sun_family"),
            sequenceLayout(104, JAVA_BYTE).withName("sun_path")).withName("sockaddr_un");

    /** {@code struct ip_mreq} ({@code netinet/in.h}): the group, then the interface by its IPv4 address. */
    static final StructLayout IP_MREQ = structLayout(
            sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_interface")).withName("ip_mreq");

    /**
     * {@code struct ip_mreq_source} ({@code netinet/in.h}): on both BSDs the source comes before the
     * interface (Linux has the interface second).
     */
    static final StructLayout IP_MREQ_SOURCE = structLayout(
            sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_sourceaddr"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_interface")).withName("ip_mreq_source");

    /** {@code struct ipv6_mreq} ({@code netinet6/in6.h}): the group and the interface index. */
    static final StructLayout IPV6_MREQ = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface")).withName("ipv6_mreq");

    /** {@code sizeof(struct sockaddr_storage)} ({@code _SS_MAXSIZE}): room for any address. */
    static final long SOCKADDR_STORAGE_SIZE = 128;

    /** {@code struct timespec}: 64-bit {@code time_t} and {@code long} on all four targets. */
    static final StructLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@code struct iovec} ({@code sys/_iovec.h}, {@code sys/uio.h}). */
    static final StructLayout IOVEC = structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    /**
     * {@code struct msghdr} ({@code sys/socket.h}): the BSD form, whose {@code msg_iovlen} is an
     * {@code int} and {@code msg_controllen} a {@code socklen_t} (Linux has {@code size_t} for both),
     * so 48 bytes with padding after {@code msg_namelen} and {@code msg_iovlen}.
     */
    static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_INT.withName("msg_iovlen"),
            paddingLayout(4),
            ADDRESS.withName("msg_control"),
            JAVA_INT.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags")).withName("msghdr");

    static final long SIN_LEN = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_len"));
    static final long SIN_FAMILY = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_family"));
    static final long SIN_PORT = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_port"));
    static final long SIN_ADDR = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_addr"));
    static final long SIN6_PORT = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_port"));
    static final long SIN6_FLOWINFO = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_flowinfo"));
    static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_addr"));
    static final long SIN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_scope_id"));
    static final long SUN_PATH = SOCKADDR_UN.byteOffset(PathElement.groupElement("sun_path"));
    static final long MSG_NAME = MSGHDR.byteOffset(PathElement.groupElement("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(PathElement.groupElement("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(PathElement.groupElement("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(PathElement.groupElement("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(PathElement.groupElement("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(PathElement.groupElement("msg_controllen"));
    static final long MSG_FLAGS = MSGHDR.byteOffset(PathElement.groupElement("msg_flags"));
    static final long IMR_MULTIADDR = IP_MREQ.byteOffset(PathElement.groupElement("imr_multiaddr"));
    static final long IMR_INTERFACE = IP_MREQ.byteOffset(PathElement.groupElement("imr_interface"));
    static final long IMRS_MULTIADDR = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_multiaddr"));
    static final long IMRS_SOURCEADDR = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_sourceaddr"));
    static final long IMRS_INTERFACE = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_interface"));
    static final long IPV6MR_MULTIADDR = IPV6_MREQ.byteOffset(PathElement.groupElement("ipv6mr_multiaddr"));
    static final long IPV6MR_INTERFACE = IPV6_MREQ.byteOffset(PathElement.groupElement("ipv6mr_interface"));

    /** Darwin on Intel. */
    static final BsdPlatform DARWIN_X86_64 = new BsdPlatform(Os.DARWIN, "x86_64");
    /** Darwin on Apple silicon. */
    static final BsdPlatform DARWIN_AARCH64 = new BsdPlatform(Os.DARWIN, "aarch64");
    /** FreeBSD on amd64. */
    static final BsdPlatform FREEBSD_X86_64 = new BsdPlatform(Os.FREEBSD, "x86_64");
    /** FreeBSD on arm64. */
    static final BsdPlatform FREEBSD_AARCH64 = new BsdPlatform(Os.FREEBSD, "aarch64");
    /** Every target, for tests. */
    static final List<BsdPlatform> ALL = List.of(DARWIN_X86_64, DARWIN_AARCH64, FREEBSD_X86_64, FREEBSD_AARCH64);

    private final Os os;
    private final String arch;
    private final short evfiltUser;
    private final int afInet6;
    private final int oCloexec;
    private final int sockNonblock;
    private final int sockCloexec;
    private final int noSigpipeOption;
    private final int sendFlags;
    private final StructLayout kevent;
    private final StructLayout groupSourceReq;
    private final KeventCodec kevents;
    private final BsdErrno errno;

    private BsdPlatform(Os os, String arch) {
        this.os = os;
        this.arch = arch;
        if (os == Os.DARWIN) {
            evfiltUser = -10;
            afInet6 = 30;
            oCloexec = 0x01000000;
            sockNonblock = 0;
            sockCloexec = 0;
            noSigpipeOption = 0x1022;
            sendFlags = 0;
            // #pragma pack(4): the 64-bit members are 4-byte aligned, the structure too. Their
            // offsets fall on multiples of 8 all the same.
            ValueLayout.OfLong packed = JAVA_LONG.withByteAlignment(4);
            kevent = structLayout(
                    packed.withName("ident"),
                    JAVA_SHORT.withName("filter"),
                    JAVA_SHORT.withName("flags"),
                    JAVA_INT.withName("fflags"),
                    packed.withName("data"),
                    packed.withName("udata")).withName("kevent");
        } else {
            evfiltUser = -11;
            afInet6 = 28;
            oCloexec = 0x00100000;
            sockNonblock = 0x20000000;
            sockCloexec = 0x10000000;
            noSigpipeOption = 0;
            sendFlags = 0x00020000;
            kevent = structLayout(
                    JAVA_LONG.withName("ident"),
                    JAVA_SHORT.withName("filter"),
                    JAVA_SHORT.withName("flags"),
                    JAVA_INT.withName("fflags"),
                    JAVA_LONG.withName("data"),
                    JAVA_LONG.withName("udata"),
                    sequenceLayout(4, JAVA_LONG).withName("ext")).withName("kevent");
        }
        this.groupSourceReq = groupSourceReq(os);
        this.kevents = new KeventCodec(kevent);
        this.errno = BsdErrno.of(os);
    }

    /**
     * {@code struct group_source_req} ({@code netinet/in.h}, RFC 3678): an interface index and two
     * {@code sockaddr_storage}s. Darwin declares it under {@code #pragma pack(4)}, so the group
     * follows the index at offset 4 (260 bytes in all); FreeBSD aligns {@code sockaddr_storage}
     * to 8 (offset 8, 264 bytes).
     */
    private static StructLayout groupSourceReq(Os os) {
        long storage = SOCKADDR_STORAGE_SIZE;
        if (os == Os.DARWIN) {
            return structLayout(
                    JAVA_INT.withName("gsr_interface"),
                    sequenceLayout(storage, JAVA_BYTE).withName("gsr_group"),
                    sequenceLayout(storage, JAVA_BYTE).withName("gsr_source")).withName("group_source_req");
        }
        return structLayout(
                JAVA_INT.withName("gsr_interface"),
                paddingLayout(4),
                sequenceLayout(storage, JAVA_BYTE).withName("gsr_group"),
                sequenceLayout(storage, JAVA_BYTE).withName("gsr_source")).withName("group_source_req");
    }

    /**
     * The target of a system and architecture.
     *
     * @param osName a value of {@code os.name}, e.g. {@code Mac OS X}
     * @param osArch a value of {@code os.arch}, e.g. {@code aarch64}
     * @return the target, or null where the backend has no layouts
     */
    static @Nullable BsdPlatform of(String osName, String osArch) {
        String family = KqueueReactorProvider.osFamily(osName);
        String a = KqueueReactorProvider.bsdArch(osArch);
        if (family == null || a == null) {
            return null;
        }
        boolean x86 = "x86_64".equals(a);
        if ("darwin".equals(family)) {
            return x86 ? DARWIN_X86_64 : DARWIN_AARCH64;
        }
        return x86 ? FREEBSD_X86_64 : FREEBSD_AARCH64;
    }

    /**
     * The target of the running JVM.
     *
     * @return the target
     * @throws IllegalStateException on any other system or architecture
     */
    static BsdPlatform current() {
        String osName = System.getProperty("os.name", "?");
        String osArch = System.getProperty("os.arch", "?");
        BsdPlatform p = of(osName, osArch);
        if (p == null) {
            throw new IllegalStateException("no kqueue layouts for " + osName + " on " + osArch);
        }
        return p;
    }

    Os os() {
        return os;
    }

    /** {@code x86_64} or {@code aarch64}. */
    String arch() {
        return arch;
    }

    /** {@code EVFILT_USER}. */
    short evfiltUser() {
        return evfiltUser;
    }

    /** {@code AF_INET6}. */
    int afInet6() {
        return afInet6;
    }

    /** {@code O_CLOEXEC} of {@code fcntl.h}. */
    int oCloexec() {
        return oCloexec;
    }

    /** {@code SOCK_NONBLOCK} for {@code socket}'s type and {@code accept4}'s flags; 0 where it does not exist. */
    int sockNonblock() {
        return sockNonblock;
    }

    /** {@code SOCK_CLOEXEC}; 0 where it does not exist. */
    int sockCloexec() {
        return sockCloexec;
    }

    /** Whether {@code socket}, {@code accept4} and {@code pipe2} create non-blocking, close-on-exec descriptors directly. */
    boolean atomicDescriptorFlags() {
        return sockNonblock != 0;
    }

    /** The {@code SOL_SOCKET} option set on each socket against {@code SIGPIPE}, or 0 for none. */
    int noSigpipeOption() {
        return noSigpipeOption;
    }

    /** The flags of every {@code send}/{@code sendmsg} on a socket: {@code MSG_NOSIGNAL} where used. */
    int sendFlags() {
        return sendFlags;
    }

    /** {@code struct kevent}. */
    StructLayout kevent() {
        return kevent;
    }

    /** {@code struct group_source_req}, whose packing differs between the systems. */
    StructLayout groupSourceReq() {
        return groupSourceReq;
    }

    /** Reads and writes {@code struct kevent} arrays. */
    KeventCodec kevents() {
        return kevents;
    }

    /** The errno names and messages. */
    BsdErrno errno() {
        return errno;
    }

    /**
     * An {@link ErrnoException} named with this system's errno table.
     *
     * @param operation what failed, e.g. {@code connect to /127.0.0.1:7}
     * @param errno the number
     * @return the exception
     */
    ErrnoException error(String operation, int errno) {
        return new ErrnoException(operation, errno, this.errno);
    }

    @Override
    public String toString() {
        return (os == Os.DARWIN ? "Darwin" : "FreeBSD") + "/" + arch;
    }
}
