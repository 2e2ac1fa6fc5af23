package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The struct layouts and constants against the C definitions. The native architecture is checked
 * against the headers of this machine by compiling a small C program with {@code gcc}; both
 * architectures are also checked as data, from the glibc and kernel headers (aarch64 cannot be
 * compiled here).
 */
class LinuxLayoutTest {

    @Test
    void x86_64EpollEventIsPackedTwelveBytesWithDataAtFour() {
        LinuxLayout x86 = LinuxLayout.of("amd64");
        assertNotNull(x86);
        assertEquals("x86_64", x86.arch());
        // glibc sysdeps/unix/sysv/linux/x86/bits/epoll.h: #define __EPOLL_PACKED __attribute__ ((__packed__))
        assertEquals(12, x86.epollEventSize());
        assertEquals(0, x86.epollEventsOffset());
        assertEquals(4, x86.epollDataOffset());
        assertEquals(4, x86.epollEvent().byteAlignment(), "packed: the array stride is 12, not 16");
        assertEquals(x86.arch(), LinuxLayout.of("x86_64").arch());
    }

    @Test
    void aarch64EpollEventIsNaturallyAlignedSixteenBytesWithDataAtEight() {
        LinuxLayout arm = LinuxLayout.of("aarch64");
        assertNotNull(arm);
        assertEquals("aarch64", arm.arch());
        // No __EPOLL_PACKED on aarch64: struct { uint32_t events; epoll_data_t data; } with 4 bytes of padding.
        assertEquals(16, arm.epollEventSize());
        assertEquals(0, arm.epollEventsOffset());
        assertEquals(8, arm.epollDataOffset());
        assertEquals(8, arm.epollEvent().byteAlignment());
        assertEquals("aarch64", LinuxLayout.of("arm64").arch());
    }

    @Test
    void unsupportedArchitecturesHaveNoLayout() {
        assertNull(LinuxLayout.of("riscv64"));
        assertNull(LinuxLayout.of("x86"));
        assertNull(LinuxLayout.of("s390x"));
    }

    @Test
    void sharedStructuresMatchTheLp64Definitions() {
        // <netinet/in.h>: sa_family_t (2), in_port_t (2), struct in_addr (4), sin_zero[8].
        assertEquals(16, LinuxLayout.SOCKADDR_IN.byteSize());
        assertEquals(0, LinuxLayout.SIN_FAMILY);
        assertEquals(2, LinuxLayout.SIN_PORT);
        assertEquals(4, LinuxLayout.SIN_ADDR);
        // sa_family_t, in_port_t, uint32_t sin6_flowinfo, struct in6_addr (16), uint32_t sin6_scope_id.
        assertEquals(28, LinuxLayout.SOCKADDR_IN6.byteSize());
        assertEquals(2, LinuxLayout.SIN6_PORT);
        assertEquals(4, LinuxLayout.SIN6_FLOWINFO);
        assertEquals(8, LinuxLayout.SIN6_ADDR);
        assertEquals(24, LinuxLayout.SIN6_SCOPE_ID);
        // 64-bit time_t and long; void * and size_t.
        assertEquals(16, LinuxLayout.TIMESPEC.byteSize());
        assertEquals(16, LinuxLayout.IOVEC.byteSize());
        assertEquals(8, LinuxLayout.IOVEC.byteOffset(PathElement.groupElement("iov_len")));
    }

    @Test
    void socketOptionStructuresMatchTheLp64Definitions() {
        // Identical on x86_64 and aarch64 (no pointers or longs inside; sockaddr_storage is 8-aligned).
        // <sys/un.h>: sa_family_t sun_family; char sun_path[108].
        assertEquals(110, LinuxLayout.SOCKADDR_UN.byteSize());
        assertEquals(2, LinuxLayout.SUN_PATH);
        // <netinet/in.h>: struct ip_mreqn { in_addr imr_multiaddr, imr_address; int imr_ifindex; }.
        assertEquals(12, LinuxLayout.IP_MREQN.byteSize());
        assertEquals(0, LinuxLayout.IMR_MULTIADDR);
        assertEquals(4, LinuxLayout.IMR_ADDRESS);
        assertEquals(8, LinuxLayout.IMR_IFINDEX);
        // struct ip_mreq_source { in_addr imr_multiaddr, imr_interface, imr_sourceaddr; } (glibc's order).
        assertEquals(12, LinuxLayout.IP_MREQ_SOURCE.byteSize());
        assertEquals(0, LinuxLayout.IMRS_MULTIADDR);
        assertEquals(4, LinuxLayout.IMRS_INTERFACE);
        assertEquals(8, LinuxLayout.IMRS_SOURCEADDR);
        // struct ipv6_mreq { in6_addr ipv6mr_multiaddr; unsigned ipv6mr_interface; }.
        assertEquals(20, LinuxLayout.IPV6_MREQ.byteSize());
        assertEquals(16, LinuxLayout.IPV6MR_INTERFACE);
        // struct group_source_req { uint32_t gsr_interface; sockaddr_storage gsr_group, gsr_source; }.
        assertEquals(264, LinuxLayout.GROUP_SOURCE_REQ.byteSize());
        assertEquals(0, LinuxLayout.GSR_INTERFACE);
        assertEquals(8, LinuxLayout.GSR_GROUP);
        assertEquals(136, LinuxLayout.GSR_SOURCE);
        assertEquals(8, LinuxLayout.GROUP_SOURCE_REQ.byteAlignment());
    }

    @Test
    void messageStructuresMatchTheLp64Definitions() {
        // glibc bits/socket.h, the same on x86_64 and aarch64: struct msghdr { void *msg_name; socklen_t msg_namelen;
        // struct iovec *msg_iov; size_t msg_iovlen; void *msg_control; size_t msg_controllen; int msg_flags; }.
        assertEquals(56, LinuxLayout.MSGHDR.byteSize());
        assertEquals(0, LinuxLayout.MSG_NAME);
        assertEquals(8, LinuxLayout.MSG_NAMELEN);
        assertEquals(16, LinuxLayout.MSG_IOV);
        assertEquals(24, LinuxLayout.MSG_IOVLEN);
        assertEquals(32, LinuxLayout.MSG_CONTROL);
        assertEquals(40, LinuxLayout.MSG_CONTROLLEN);
        assertEquals(48, LinuxLayout.MSG_FLAGS);
        assertEquals(8, LinuxLayout.MSGHDR.byteAlignment());
        // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }: padded to 64, the array stride.
        assertEquals(64, LinuxLayout.MMSGHDR.byteSize());
        assertEquals(56, LinuxLayout.MSG_LEN);
        assertEquals(0, LinuxLayout.IOV_BASE);
        assertEquals(8, LinuxLayout.IOV_LEN);
        // asm-generic and x86 alike: MSG_TRUNC is 0x20.
        assertEquals(0x20, LinuxLayout.MSG_TRUNC);
    }

    @Test
    void processStructuresMatchTheLp64Definitions() {
        // siginfo_t (asm-generic, both architectures): int si_signo, si_errno, si_code; then, 8-aligned,
        // the SIGCHLD fields pid_t si_pid, uid_t si_uid, int si_status. 128 bytes in all.
        assertEquals(128, LinuxLayout.SIGINFO_SIZE);
        assertEquals(8, LinuxLayout.SI_CODE);
        assertEquals(16, LinuxLayout.SI_PID);
        assertEquals(24, LinuxLayout.SI_STATUS);
        // glibc: sigset_t is 1024 bits; posix_spawn_file_actions_t { int, int, void *, int[16] } = 80;
        // posix_spawnattr_t { short, pid_t, sigset_t, sigset_t, struct sched_param, int, int[16] } = 336.
        assertEquals(128, LinuxLayout.SIGSET_SIZE);
        assertEquals(80, LinuxLayout.POSIX_SPAWN_FILE_ACTIONS_SIZE);
        assertEquals(336, LinuxLayout.POSIX_SPAWNATTR_SIZE);
        // The generic system-call table (include/uapi/asm-generic/unistd.h), which x86_64 follows from 424 on.
        assertEquals(424, LinuxLayout.SYS_PIDFD_SEND_SIGNAL);
        assertEquals(434, LinuxLayout.SYS_PIDFD_OPEN);
    }

    @Test
    void nativeArchitectureMatchesTheCHeadersOfThisMachine(@TempDir Path dir) throws Exception {
        LinuxLayout native_ = LinuxLayout.current();
        Map<String, Long> expected = expectedValues(native_);
        StringBuilder c = new StringBuilder(HEADERS).append("int main(void) {\n");
        for (String expr : expected.keySet()) {
            c.append("  printf(\"%s=%lld\\n\", \"").append(expr).append("\", (long long) (").append(expr).append("));\n");
        }
        c.append("  return 0;\n}\n");
        Path src = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(src, c.toString());
        run(dir, "gcc", "-O0", "-o", exe.toString(), src.toString());
        String out = run(dir, exe.toString());

        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.lastIndexOf('=');
            actual.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
        assertEquals(expected, actual, "Java layouts and constants vs. the C headers on " + native_.arch());
        for (String name : new String[] {"ECONNREFUSED", "ECONNRESET", "EMFILE", "EAGAIN"}) {
            assertEquals(name, Errno.name(expected.get(name).intValue()));
        }

        // Only the kernel's header has IPV6_MULTICAST_ALL, and it cannot be included beside glibc's <netinet/in.h>.
        Path kernel = dir.resolve("in6.c");
        Files.writeString(kernel, "#include <stdio.h>\n#include <linux/in6.h>\n"
                + "int main(void) { printf(\"%d\\n\", IPV6_MULTICAST_ALL); return 0; }\n");
        run(dir, "gcc", "-O0", "-o", dir.resolve("in6").toString(), kernel.toString());
        assertEquals(String.valueOf(LinuxLayout.IPV6_MULTICAST_ALL), run(dir, dir.resolve("in6").toString()).trim(),
                "IPV6_MULTICAST_ALL vs. <linux/in6.h>");
    }

    /**
     * The aarch64 layouts against glibc's aarch64 headers, with Debian's cross compiler
     * ({@code gcc-aarch64-linux-gnu}, which {@code .ci/run} installs): nothing can run here, so each
     * value is a {@code _Static_assert} and the check is that the file compiles. Skipped, saying
     * so, where the cross compiler is missing.
     */
    @Test
    void aarch64LayoutsMatchTheCrossCompilersHeaders(@TempDir Path dir) throws Exception {
        String cc = "aarch64-linux-gnu-gcc";
        Assumptions.assumeTrue(onPath(cc), cc + " is not installed (Debian: gcc-aarch64-linux-gnu); .ci/run installs it");
        LinuxLayout arm = LinuxLayout.of("aarch64");
        assertNotNull(arm);
        Map<String, Long> expected = expectedValues(arm);
        StringBuilder c = new StringBuilder(HEADERS);
        c.append("_Static_assert(sizeof(void *) == 8 && __aarch64__, \"an aarch64 LP64 target\");\n");
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            c.append("_Static_assert((long long) (").append(e.getKey()).append(") == ").append(e.getValue())
                    .append("LL, \"").append(e.getKey().replace("\"", "'")).append(" is not ").append(e.getValue()).append("\");\n");
        }
        Path src = dir.resolve("layout-aarch64.c");
        Files.writeString(src, c.toString());
        run(dir, cc, "-fsyntax-only", src.toString());
        Path kernel = dir.resolve("in6-aarch64.c");
        Files.writeString(kernel, "#include <linux/in6.h>\n_Static_assert(IPV6_MULTICAST_ALL == "
                + LinuxLayout.IPV6_MULTICAST_ALL + ", \"IPV6_MULTICAST_ALL\");\n");
        run(dir, cc, "-fsyntax-only", kernel.toString());
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static final String HEADERS = "#define _GNU_SOURCE\n#include <stdio.h>\n#include <stddef.h>\n#include <errno.h>\n"
            + "#include <fcntl.h>\n#include <sys/socket.h>\n#include <sys/uio.h>\n#include <sys/un.h>\n#include <netinet/in.h>\n"
            + "#include <netinet/tcp.h>\n#include <sys/epoll.h>\n#include <sys/eventfd.h>\n#include <time.h>\n"
            + "#include <signal.h>\n#include <spawn.h>\n#include <sys/wait.h>\n#include <sys/syscall.h>\n";

    /** Every layout value and constant the backend relies on, as C expressions with the value Java uses on {@code layout}'s architecture. */
    private static Map<String, Long> expectedValues(LinuxLayout native_) throws ReflectiveOperationException {
        Map<String, Long> expected = new LinkedHashMap<>();
        StructLayout ev = native_.epollEvent();
        expected.put("sizeof(struct epoll_event)", ev.byteSize());
        expected.put("offsetof(struct epoll_event, events)", native_.epollEventsOffset());
        expected.put("offsetof(struct epoll_event, data)", native_.epollDataOffset());
        expected.put("sizeof(struct sockaddr_in)", LinuxLayout.SOCKADDR_IN.byteSize());
        expected.put("offsetof(struct sockaddr_in, sin_port)", LinuxLayout.SIN_PORT);
        expected.put("offsetof(struct sockaddr_in, sin_addr)", LinuxLayout.SIN_ADDR);
        expected.put("sizeof(struct sockaddr_in6)", LinuxLayout.SOCKADDR_IN6.byteSize());
        expected.put("offsetof(struct sockaddr_in6, sin6_port)", LinuxLayout.SIN6_PORT);
        expected.put("offsetof(struct sockaddr_in6, sin6_flowinfo)", LinuxLayout.SIN6_FLOWINFO);
        expected.put("offsetof(struct sockaddr_in6, sin6_addr)", LinuxLayout.SIN6_ADDR);
        expected.put("offsetof(struct sockaddr_in6, sin6_scope_id)", LinuxLayout.SIN6_SCOPE_ID);
        expected.put("sizeof(struct sockaddr_storage)", LinuxLayout.SOCKADDR_STORAGE_SIZE);
        expected.put("sizeof(struct timespec)", LinuxLayout.TIMESPEC.byteSize());
        expected.put("sizeof(struct iovec)", LinuxLayout.IOVEC.byteSize());
        expected.put("offsetof(struct iovec, iov_len)", LinuxLayout.IOVEC.byteOffset(PathElement.groupElement("iov_len")));
        expected.put("sizeof(struct msghdr)", LinuxLayout.MSGHDR.byteSize());
        expected.put("offsetof(struct msghdr, msg_name)", LinuxLayout.MSG_NAME);
        expected.put("offsetof(struct msghdr, msg_namelen)", LinuxLayout.MSG_NAMELEN);
        expected.put("offsetof(struct msghdr, msg_iov)", LinuxLayout.MSG_IOV);
        expected.put("offsetof(struct msghdr, msg_iovlen)", LinuxLayout.MSG_IOVLEN);
        expected.put("offsetof(struct msghdr, msg_control)", LinuxLayout.MSG_CONTROL);
        expected.put("offsetof(struct msghdr, msg_controllen)", LinuxLayout.MSG_CONTROLLEN);
        expected.put("offsetof(struct msghdr, msg_flags)", LinuxLayout.MSG_FLAGS);
        expected.put("sizeof(struct mmsghdr)", LinuxLayout.MMSGHDR.byteSize());
        expected.put("offsetof(struct mmsghdr, msg_hdr)", LinuxLayout.MMSGHDR.byteOffset(PathElement.groupElement("msg_hdr")));
        expected.put("offsetof(struct mmsghdr, msg_len)", LinuxLayout.MSG_LEN);
        expected.put("offsetof(struct iovec, iov_base)", LinuxLayout.IOV_BASE);
        expected.put("MSG_TRUNC", (long) LinuxLayout.MSG_TRUNC);
        expected.put("sizeof(socklen_t)", 4L);
        expected.put("sizeof(struct sockaddr_un)", LinuxLayout.SOCKADDR_UN.byteSize());
        expected.put("offsetof(struct sockaddr_un, sun_path)", LinuxLayout.SUN_PATH);
        expected.put("sizeof(((struct sockaddr_un *) 0)->sun_path)", (long) LinuxLayout.SUN_PATH_SIZE);
        expected.put("sizeof(struct ip_mreqn)", LinuxLayout.IP_MREQN.byteSize());
        expected.put("offsetof(struct ip_mreqn, imr_multiaddr)", LinuxLayout.IMR_MULTIADDR);
        expected.put("offsetof(struct ip_mreqn, imr_address)", LinuxLayout.IMR_ADDRESS);
        expected.put("offsetof(struct ip_mreqn, imr_ifindex)", LinuxLayout.IMR_IFINDEX);
        expected.put("sizeof(struct ip_mreq_source)", LinuxLayout.IP_MREQ_SOURCE.byteSize());
        expected.put("offsetof(struct ip_mreq_source, imr_multiaddr)", LinuxLayout.IMRS_MULTIADDR);
        expected.put("offsetof(struct ip_mreq_source, imr_interface)", LinuxLayout.IMRS_INTERFACE);
        expected.put("offsetof(struct ip_mreq_source, imr_sourceaddr)", LinuxLayout.IMRS_SOURCEADDR);
        expected.put("sizeof(struct ipv6_mreq)", LinuxLayout.IPV6_MREQ.byteSize());
        expected.put("offsetof(struct ipv6_mreq, ipv6mr_multiaddr)", LinuxLayout.IPV6MR_MULTIADDR);
        expected.put("offsetof(struct ipv6_mreq, ipv6mr_interface)", LinuxLayout.IPV6MR_INTERFACE);
        expected.put("sizeof(struct group_source_req)", LinuxLayout.GROUP_SOURCE_REQ.byteSize());
        expected.put("offsetof(struct group_source_req, gsr_interface)", LinuxLayout.GSR_INTERFACE);
        expected.put("offsetof(struct group_source_req, gsr_group)", LinuxLayout.GSR_GROUP);
        expected.put("offsetof(struct group_source_req, gsr_source)", LinuxLayout.GSR_SOURCE);
        expected.put("sizeof(siginfo_t)", LinuxLayout.SIGINFO_SIZE);
        expected.put("offsetof(siginfo_t, si_code)", LinuxLayout.SI_CODE);
        expected.put("offsetof(siginfo_t, si_pid)", LinuxLayout.SI_PID);
        expected.put("offsetof(siginfo_t, si_status)", LinuxLayout.SI_STATUS);
        expected.put("sizeof(sigset_t)", LinuxLayout.SIGSET_SIZE);
        expected.put("sizeof(posix_spawn_file_actions_t)", LinuxLayout.POSIX_SPAWN_FILE_ACTIONS_SIZE);
        expected.put("sizeof(posix_spawnattr_t)", LinuxLayout.POSIX_SPAWNATTR_SIZE);
        expected.put("O_WRONLY", (long) LinuxLayout.O_WRONLY);
        expected.put("F_SETFL", (long) LinuxLayout.F_SETFL);
        expected.put("P_PID", (long) LinuxLayout.P_PID);
        expected.put("WNOHANG", (long) LinuxLayout.WNOHANG);
        expected.put("WEXITED", (long) LinuxLayout.WEXITED);
        expected.put("CLD_EXITED", (long) LinuxLayout.CLD_EXITED);
        expected.put("CLD_KILLED", (long) LinuxLayout.CLD_KILLED);
        expected.put("CLD_DUMPED", (long) LinuxLayout.CLD_DUMPED);
        expected.put("SIGKILL", (long) LinuxLayout.SIGKILL);
        expected.put("SIGTERM", (long) LinuxLayout.SIGTERM);
        expected.put("POSIX_SPAWN_SETSIGMASK", (long) LinuxLayout.POSIX_SPAWN_SETSIGMASK);
        expected.put("SYS_pidfd_open", LinuxLayout.SYS_PIDFD_OPEN);
        expected.put("SYS_pidfd_send_signal", LinuxLayout.SYS_PIDFD_SEND_SIGNAL);
        expected.put("AF_UNSPEC", (long) LinuxLayout.AF_UNSPEC);
        expected.put("AF_UNIX", (long) LinuxLayout.AF_UNIX);
        expected.put("SOCK_DGRAM", (long) LinuxLayout.SOCK_DGRAM);
        expected.put("SO_BROADCAST", (long) LinuxLayout.SO_BROADCAST);
        expected.put("IPPROTO_IP", (long) LinuxLayout.IPPROTO_IP);
        expected.put("IPPROTO_IPV6", (long) LinuxLayout.IPPROTO_IPV6);
        expected.put("IP_MULTICAST_IF", (long) LinuxLayout.IP_MULTICAST_IF);
        expected.put("IP_MULTICAST_TTL", (long) LinuxLayout.IP_MULTICAST_TTL);
        expected.put("IP_MULTICAST_LOOP", (long) LinuxLayout.IP_MULTICAST_LOOP);
        expected.put("IP_ADD_MEMBERSHIP", (long) LinuxLayout.IP_ADD_MEMBERSHIP);
        expected.put("IP_DROP_MEMBERSHIP", (long) LinuxLayout.IP_DROP_MEMBERSHIP);
        expected.put("IP_ADD_SOURCE_MEMBERSHIP", (long) LinuxLayout.IP_ADD_SOURCE_MEMBERSHIP);
        expected.put("IP_DROP_SOURCE_MEMBERSHIP", (long) LinuxLayout.IP_DROP_SOURCE_MEMBERSHIP);
        expected.put("IP_MULTICAST_ALL", (long) LinuxLayout.IP_MULTICAST_ALL);
        expected.put("IPV6_MULTICAST_IF", (long) LinuxLayout.IPV6_MULTICAST_IF);
        expected.put("IPV6_MULTICAST_HOPS", (long) LinuxLayout.IPV6_MULTICAST_HOPS);
        expected.put("IPV6_MULTICAST_LOOP", (long) LinuxLayout.IPV6_MULTICAST_LOOP);
        expected.put("IPV6_JOIN_GROUP", (long) LinuxLayout.IPV6_JOIN_GROUP);
        expected.put("IPV6_LEAVE_GROUP", (long) LinuxLayout.IPV6_LEAVE_GROUP);
        expected.put("IPV6_V6ONLY", (long) LinuxLayout.IPV6_V6ONLY);
        expected.put("MCAST_JOIN_SOURCE_GROUP", (long) LinuxLayout.MCAST_JOIN_SOURCE_GROUP);
        expected.put("MCAST_LEAVE_SOURCE_GROUP", (long) LinuxLayout.MCAST_LEAVE_SOURCE_GROUP);
        expected.put("AF_INET", (long) LinuxLayout.AF_INET);
        expected.put("AF_INET6", (long) LinuxLayout.AF_INET6);
        expected.put("SOCK_STREAM", (long) LinuxLayout.SOCK_STREAM);
        expected.put("SOCK_NONBLOCK", (long) LinuxLayout.SOCK_NONBLOCK);
        expected.put("SOCK_CLOEXEC", (long) LinuxLayout.SOCK_CLOEXEC);
        expected.put("SOL_SOCKET", (long) LinuxLayout.SOL_SOCKET);
        expected.put("SO_REUSEADDR", (long) LinuxLayout.SO_REUSEADDR);
        expected.put("SO_ERROR", (long) LinuxLayout.SO_ERROR);
        expected.put("SO_SNDBUF", (long) LinuxLayout.SO_SNDBUF);
        expected.put("SO_RCVBUF", (long) LinuxLayout.SO_RCVBUF);
        expected.put("SO_KEEPALIVE", (long) LinuxLayout.SO_KEEPALIVE);
        expected.put("SO_LINGER", (long) LinuxLayout.SO_LINGER);
        expected.put("IPPROTO_TCP", (long) LinuxLayout.IPPROTO_TCP);
        expected.put("TCP_NODELAY", (long) LinuxLayout.TCP_NODELAY);
        expected.put("SHUT_WR", (long) LinuxLayout.SHUT_WR);
        expected.put("O_NONBLOCK", (long) LinuxLayout.O_NONBLOCK);
        expected.put("O_CLOEXEC", (long) LinuxLayout.O_CLOEXEC);
        expected.put("EFD_NONBLOCK", (long) LinuxLayout.EFD_NONBLOCK);
        expected.put("EFD_CLOEXEC", (long) LinuxLayout.EFD_CLOEXEC);
        expected.put("EPOLL_CLOEXEC", (long) LinuxLayout.EPOLL_CLOEXEC);
        expected.put("EPOLL_CTL_ADD", (long) LinuxLayout.EPOLL_CTL_ADD);
        expected.put("EPOLL_CTL_DEL", (long) LinuxLayout.EPOLL_CTL_DEL);
        expected.put("EPOLL_CTL_MOD", (long) LinuxLayout.EPOLL_CTL_MOD);
        expected.put("EPOLLIN", (long) LinuxLayout.EPOLLIN);
        expected.put("EPOLLOUT", (long) LinuxLayout.EPOLLOUT);
        expected.put("EPOLLERR", (long) LinuxLayout.EPOLLERR);
        expected.put("EPOLLHUP", (long) LinuxLayout.EPOLLHUP);
        expected.put("EPOLLRDHUP", (long) LinuxLayout.EPOLLRDHUP);
        expected.put("(int) EPOLLET", (long) LinuxLayout.EPOLLET);
        for (String e : new String[] {"EPERM", "EINTR", "EBADF", "EAGAIN", "ENOMEM", "EINVAL", "ENFILE", "EMFILE",
            "EPIPE", "ENOSYS", "EPROTO", "ENOPROTOOPT", "EOPNOTSUPP", "EADDRINUSE", "ENETDOWN", "ENETUNREACH",
            "ECONNABORTED", "ECONNRESET", "ENOBUFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTUNREACH", "EALREADY",
            "EINPROGRESS", "EACCES", "ENAMETOOLONG", "ESRCH"}) {
            expected.put(e, (long) Errno.class.getDeclaredField(e).getInt(null));
        }

        return expected;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + String.join(" ", command));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed (a C compiler is needed for this check):\n" + text);
        return text;
    }
}
