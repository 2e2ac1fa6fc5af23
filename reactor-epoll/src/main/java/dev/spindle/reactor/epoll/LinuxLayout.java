package dev.spindle.reactor.epoll;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The C structures the backend passes to the kernel, for one architecture, and the constants of
 * the Linux ABI it uses. Both supported architectures are LP64 with the generic ("asm-generic")
 * socket, fcntl and errno numbering, so the constants are shared; the one layout that differs is
 * {@code struct epoll_event}, which glibc declares {@code __attribute__((packed))} on x86_64 only
 * ({@code sys/epoll.h}, {@code __EPOLL_PACKED}): 12 bytes with {@code data} at offset 4 there,
 * 16 bytes with {@code data} at offset 8 on aarch64. Immutable.
 */
final class LinuxLayout {
    // <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_LINGER = 13;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int SHUT_WR = 1;
    // UDP and UNIX-domain sockets: <sys/socket.h>, <sys/un.h>, <netinet/in.h>
    static final int AF_UNSPEC = 0;
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SO_BROADCAST = 6;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_DROP_MEMBERSHIP = 36;
    static final int IP_ADD_SOURCE_MEMBERSHIP = 39;
    static final int IP_DROP_SOURCE_MEMBERSHIP = 40;
    static final int IP_MULTICAST_ALL = 49;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_JOIN_GROUP = 20;
    static final int IPV6_LEAVE_GROUP = 21;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_MULTICAST_ALL = 29;
    static final int MCAST_JOIN_SOURCE_GROUP = 46;
    static final int MCAST_LEAVE_SOURCE_GROUP = 47;
    /** {@code msg_flags} of {@code recvmsg}: the datagram was longer than the buffers given. */
    static final int MSG_TRUNC = 0x20;
    // <fcntl.h>, <sys/eventfd.h>, <sys/epoll.h>
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;

    // Child processes: <fcntl.h>, <sys/wait.h>, <signal.h>, <spawn.h>, <sys/syscall.h>
    static final int O_WRONLY = 1;
    static final int F_SETFL = 4;
    static final int P_PID = 1;
    static final int WNOHANG = 1;
    static final int WEXITED = 4;
    static final int CLD_EXITED = 1;
    static final int CLD_KILLED = 2;
    static final int CLD_DUMPED = 3;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    /** The generic system-call numbers, the same on x86_64 and aarch64 (Linux 5.1+ and 5.3+). */
    static final long SYS_PIDFD_SEND_SIGNAL = 424;
    static final long SYS_PIDFD_OPEN = 434;
    /** {@code sizeof(siginfo_t)}, and where {@code waitid} puts what it tells. */
    static final long SIGINFO_SIZE = 128;
    static final long SI_CODE = 8;
    static final long SI_PID = 16;
    static final long SI_STATUS = 24;
    /** {@code sizeof(sigset_t)} in glibc (1024 bits). */
    static final long SIGSET_SIZE = 128;
    /** glibc's opaque {@code posix_spawn_file_actions_t} and {@code posix_spawnattr_t} (LP64). */
    static final long POSIX_SPAWN_FILE_ACTIONS_SIZE = 80;
    static final long POSIX_SPAWNATTR_SIZE = 336;

    /** A 16-bit value in network byte order (a port). */
    static final ValueLayout.OfShort NETWORK_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /** {@code struct sockaddr_in}: 16 bytes; port and address in network byte order. */
    static final StructLayout SOCKADDR_IN = structLayout(
            JAVA_SHORT.withName("sin_family"),
            NETWORK_SHORT.withName("sin_port"),
            sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero")).withName("sockaddr_in");

    /** {@code struct sockaddr_in6}: 28 bytes. */
    static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"),
            NETWORK_SHORT.withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")).withName("sockaddr_in6");

    /** {@code struct sockaddr_un}: the family, then 108 bytes of path (or NUL and an abstract name). */
    static final StructLayout SOCKADDR_UN = structLayout(
            JAVA_SHORT.withName("sun_family"),
            sequenceLayout(108, JAVA_BYTE).withName("sun_path")).withName("sockaddr_un");

    /**
     * {@code struct ip_mreqn}: group, local address, interface index; IPv4 joins and leaves
     * ({@code IP_ADD_MEMBERSHIP}) and the multicast interface ({@code IP_MULTICAST_IF}).
     */
    static final StructLayout IP_MREQN = structLayout(
            sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_address"),
            JAVA_INT.withName("imr_ifindex")).withName("ip_mreqn");

    /** {@code struct ip_mreq_source}: an IPv4 source-specific membership (the interface by address). */
    static final StructLayout IP_MREQ_SOURCE = structLayout(
            sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_interface"),
            sequenceLayout(4, JAVA_BYTE).withName("imr_sourceaddr")).withName("ip_mreq_source");

    /** {@code struct ipv6_mreq}: an IPv6 group and interface index ({@code IPV6_JOIN_GROUP}). */
    static final StructLayout IPV6_MREQ = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface")).withName("ipv6_mreq");

    /**
     * {@code struct group_source_req} (RFC 3678): interface index, then the group and the source
     * as {@code sockaddr_storage} (8-byte aligned); IPv6 source-specific memberships.
     */
    static final StructLayout GROUP_SOURCE_REQ = structLayout(
            JAVA_INT.withName("gsr_interface"),
            paddingLayout(4),
            sequenceLayout(128, JAVA_BYTE).withName("gsr_group"),
            sequenceLayout(128, JAVA_BYTE).withName("gsr_source")).withByteAlignment(8).withName("group_source_req");

    /** {@code struct sockaddr_storage}'s size: room for any address the kernel returns. */
    static final long SOCKADDR_STORAGE_SIZE = 128;

    /** {@code struct timespec} (64-bit {@code time_t} and {@code long}). */
    static final StructLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@code struct iovec}. */
    static final StructLayout IOVEC = structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    /**
     * {@code struct msghdr} (glibc, LP64): {@code msg_namelen} is a {@code socklen_t} and
     * {@code msg_iovlen} and {@code msg_controllen} are {@code size_t}, hence the padding after
     * the two {@code int}s. 56 bytes on x86_64 and aarch64 alike (musl pads differently; not
     * supported).
     */
    static final StructLayout MSGHDR = structLayout(
            JAVA_LONG.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            JAVA_LONG.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            JAVA_LONG.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4)).withName("msghdr");

    /** {@code struct mmsghdr}: a {@code msghdr} and the bytes that message moved; 64 bytes. */
    static final StructLayout MMSGHDR = structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            paddingLayout(4)).withName("mmsghdr");

    static final long MSG_NAME = MSGHDR.byteOffset(PathElement.groupElement("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(PathElement.groupElement("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(PathElement.groupElement("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(PathElement.groupElement("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(PathElement.groupElement("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(PathElement.groupElement("msg_controllen"));
    static final long MSG_FLAGS = MSGHDR.byteOffset(PathElement.groupElement("msg_flags"));
    static final long MSG_LEN = MMSGHDR.byteOffset(PathElement.groupElement("msg_len"));
    static final long IOV_BASE = IOVEC.byteOffset(PathElement.groupElement("iov_base"));
    static final long IOV_LEN = IOVEC.byteOffset(PathElement.groupElement("iov_len"));

    static final long SIN_FAMILY = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_family"));
    static final long SIN_PORT = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_port"));
    static final long SIN_ADDR = SOCKADDR_IN.byteOffset(PathElement.groupElement("sin_addr"));
    static final long SIN6_PORT = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_port"));
    static final long SIN6_FLOWINFO = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_flowinfo"));
    static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_addr"));
    static final long SIN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(PathElement.groupElement("sin6_scope_id"));

    static final long SUN_PATH = SOCKADDR_UN.byteOffset(PathElement.groupElement("sun_path"));
    /** Bytes of {@code sun_path}. */
    static final int SUN_PATH_SIZE = 108;
    static final long IMR_MULTIADDR = IP_MREQN.byteOffset(PathElement.groupElement("imr_multiaddr"));
    static final long IMR_ADDRESS = IP_MREQN.byteOffset(PathElement.groupElement("imr_address"));
    static final long IMR_IFINDEX = IP_MREQN.byteOffset(PathElement.groupElement("imr_ifindex"));
    static final long IMRS_MULTIADDR = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_multiaddr"));
    static final long IMRS_INTERFACE = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_interface"));
    static final long IMRS_SOURCEADDR = IP_MREQ_SOURCE.byteOffset(PathElement.groupElement("imr_sourceaddr"));
    static final long IPV6MR_MULTIADDR = IPV6_MREQ.byteOffset(PathElement.groupElement("ipv6mr_multiaddr"));
    static final long IPV6MR_INTERFACE = IPV6_MREQ.byteOffset(PathElement.groupElement("ipv6mr_interface"));
    static final long GSR_INTERFACE = GROUP_SOURCE_REQ.byteOffset(PathElement.groupElement("gsr_interface"));
    static final long GSR_GROUP = GROUP_SOURCE_REQ.byteOffset(PathElement.groupElement("gsr_group"));
    static final long GSR_SOURCE = GROUP_SOURCE_REQ.byteOffset(PathElement.groupElement("gsr_source"));

    private final String arch;
    private final StructLayout epollEvent;
    private final long epollEventsOffset;
    private final long epollDataOffset;

    private LinuxLayout(String arch, StructLayout epollEvent) {
        this.arch = arch;
        this.epollEvent = epollEvent;
        this.epollEventsOffset = epollEvent.byteOffset(PathElement.groupElement("events"));
        this.epollDataOffset = epollEvent.byteOffset(PathElement.groupElement("data"));
    }

    /**
     * The layouts of an architecture.
     *
     * @param osArch a value of {@code os.arch}, e.g. {@code amd64}
     * @return the layouts, or null for an architecture the backend does not support
     */
    static @Nullable LinuxLayout of(String osArch) {
        String arch = EpollReactorProvider.linuxArch(osArch);
        if ("x86_64".equals(arch)) {
            // Packed: the 64-bit data member is not aligned (glibc __EPOLL_PACKED).
            return new LinuxLayout(arch, structLayout(
                    JAVA_INT.withName("events"),
                    JAVA_LONG_UNALIGNED.withName("data")).withName("epoll_event"));
        }
        if ("aarch64".equals(arch)) {
            return new LinuxLayout(arch, structLayout(
                    JAVA_INT.withName("events"),
                    paddingLayout(4),
                    JAVA_LONG.withName("data")).withName("epoll_event"));
        }
        return null;
    }

    /**
     * The layouts of the running JVM's architecture.
     *
     * @return the layouts
     * @throws IllegalStateException on an unsupported architecture
     */
    static LinuxLayout current() {
        String osArch = System.getProperty("os.arch", "?");
        LinuxLayout l = of(osArch);
        if (l == null) {
            throw new IllegalStateException("no struct layouts for architecture " + osArch);
        }
        return l;
    }

    /** The normalised architecture name: {@code x86_64} or {@code aarch64}. */
    String arch() {
        return arch;
    }

    /** {@code struct epoll_event}. */
    StructLayout epollEvent() {
        return epollEvent;
    }

    /** {@code sizeof(struct epoll_event)}: the stride of the event array. */
    long epollEventSize() {
        return epollEvent.byteSize();
    }

    /** {@code offsetof(struct epoll_event, events)}. */
    long epollEventsOffset() {
        return epollEventsOffset;
    }

    /** {@code offsetof(struct epoll_event, data)}; read it with an unaligned accessor. */
    long epollDataOffset() {
        return epollDataOffset;
    }

    @Override
    public String toString() {
        return "LinuxLayout[" + arch + ", epoll_event " + epollEventSize() + " bytes, data at " + epollDataOffset + "]";
    }
}
