package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backend's structures and constants against the documented definitions of Darwin (XNU) and
 * FreeBSD, written here as data with the header they come from. This machine has neither system,
 * so nothing is compiled against real headers: the expected values are transcribed from
 * {@code sys/event.h}, {@code sys/socket.h}, {@code netinet/in.h}, {@code netinet6/in6.h},
 * {@code sys/un.h}, {@code sys/_iovec.h}, {@code sys/_timespec.h}, {@code fcntl.h} and
 * {@code netinet/tcp.h} of each system (macOS SDK / xnu {@code bsd/sys}, FreeBSD 12+ {@code sys/sys}).
 */
class BsdLayoutTest {

    /** {@code struct kevent} on every target: name, size, alignment, then member offsets. */
    @Test
    void keventMatchesSysEventHOnEveryTarget() {
        // Darwin sys/event.h, under #pragma pack(4):
        //   uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags; intptr_t data; void *udata;
        // 8 + 2 + 2 + 4 + 8 + 8 = 32 bytes on LP64, 4-byte aligned.
        Map<String, Long> darwin = keventLayout(32, 4, 0, 8, 10, 12, 16, 24);
        // FreeBSD 12+ sys/event.h:
        //   __uintptr_t ident; short filter; unsigned short flags; unsigned int fflags; __int64_t data;
        //   void *udata; __uint64_t ext[4];
        // 8 + 2 + 2 + 4 + 8 + 8 + 32 = 64 bytes, 8-byte aligned, ext at 32.
        Map<String, Long> freebsd = keventLayout(64, 8, 0, 8, 10, 12, 16, 24);
        freebsd.put("offsetof(ext)", 32L);
        freebsd.put("sizeof(ext)", 32L);

        assertEquals(darwin, keventLayoutOf(BsdPlatform.DARWIN_X86_64), "Darwin x86_64");
        assertEquals(darwin, keventLayoutOf(BsdPlatform.DARWIN_AARCH64), "Darwin arm64");
        assertEquals(freebsd, keventLayoutOf(BsdPlatform.FREEBSD_X86_64), "FreeBSD amd64");
        assertEquals(freebsd, keventLayoutOf(BsdPlatform.FREEBSD_AARCH64), "FreeBSD arm64");
    }

    private static Map<String, Long> keventLayout(long size, long align, long... offsets) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof", size);
        m.put("alignof", align);
        String[] names = {"ident", "filter", "flags", "fflags", "data", "udata"};
        for (int i = 0; i < names.length; i++) {
            m.put("offsetof(" + names[i] + ")", offsets[i]);
        }
        return m;
    }

    private static Map<String, Long> keventLayoutOf(BsdPlatform p) {
        StructLayout k = p.kevent();
        Map<String, Long> m = keventLayout(k.byteSize(), k.byteAlignment(),
                k.byteOffset(PathElement.groupElement("ident")), k.byteOffset(PathElement.groupElement("filter")),
                k.byteOffset(PathElement.groupElement("flags")), k.byteOffset(PathElement.groupElement("fflags")),
                k.byteOffset(PathElement.groupElement("data")), k.byteOffset(PathElement.groupElement("udata")));
        if (p.os() == BsdPlatform.Os.FREEBSD) {
            m.put("offsetof(ext)", k.byteOffset(PathElement.groupElement("ext")));
            m.put("sizeof(ext)", k.select(PathElement.groupElement("ext")).byteSize());
        }
        return m;
    }

    @Test
    void theCodecWritesAndReadsAtTheDocumentedOffsets() {
        for (BsdPlatform p : BsdPlatform.ALL) {
            KeventCodec codec = p.kevents();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment array = arena.allocate(codec.size() * 3, 8);
                array.fill((byte) 0x77);
                codec.put(array, 1, 0x1_0000_0007L, (short) -2, 0x8025, 0x0100_0000, -5L, 0xCAFE_0000_0042L);
                long base = codec.size();
                // Read back with the offsets of the header, not the codec's.
                assertEquals(0x1_0000_0007L, array.get(JAVA_LONG_UNALIGNED, base), p + " ident");
                assertEquals((short) -2, array.get(JAVA_SHORT, base + 8), p + " filter");
                assertEquals((short) 0x8025, array.get(JAVA_SHORT, base + 10), p + " flags");
                assertEquals(0x0100_0000, array.get(JAVA_INT, base + 12), p + " fflags");
                assertEquals(-5L, array.get(JAVA_LONG_UNALIGNED, base + 16), p + " data");
                assertEquals(0xCAFE_0000_0042L, array.get(JAVA_LONG_UNALIGNED, base + 24), p + " udata");
                if (p.os() == BsdPlatform.Os.FREEBSD) {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(0L, array.get(JAVA_LONG_UNALIGNED, base + 32 + 8L * i), "ext[" + i + "] is cleared, as EV_SET does");
                    }
                }
                for (long b = base; b < 2 * base; b++) {
                    assertTrue(array.get(JAVA_BYTE, b) != 0x77, p + ": byte " + (b - base) + " of the record was written");
                }
                assertEquals((byte) 0x77, array.get(JAVA_BYTE, base - 1), p + ": the record before is untouched");
                assertEquals((byte) 0x77, array.get(JAVA_BYTE, 2 * base), p + ": the record after is untouched");
                assertEquals(0x8025, codec.flags(array, 1), "flags is an unsigned short");
                assertEquals((short) -2, codec.filter(array, 1));
                assertEquals(0x1_0000_0007L, codec.ident(array, 1));
                assertEquals(0x0100_0000, codec.fflags(array, 1));
                assertEquals(-5L, codec.data(array, 1));
                assertEquals(0xCAFE_0000_0042L, codec.udata(array, 1));
            }
        }
    }

    @Test
    void socketAddressesHaveTheBsdLengthByte() {
        // netinet/in.h: struct sockaddr_in { uint8_t sin_len; sa_family_t sin_family (uint8_t);
        //   in_port_t sin_port; struct in_addr sin_addr; char sin_zero[8]; } — 16 bytes on both systems.
        assertEquals(Map.of("sizeof", 16L, "sin_len", 0L, "sin_family", 1L, "sin_port", 2L, "sin_addr", 4L, "sin_zero", 8L),
                offsets(BsdPlatform.SOCKADDR_IN, "sin_len", "sin_family", "sin_port", "sin_addr", "sin_zero"));
        // netinet6/in6.h: struct sockaddr_in6 { uint8_t sin6_len; sa_family_t sin6_family; in_port_t sin6_port;
        //   uint32_t sin6_flowinfo; struct in6_addr sin6_addr; uint32_t sin6_scope_id; } — 28 bytes.
        assertEquals(Map.of("sizeof", 28L, "sin6_len", 0L, "sin6_family", 1L, "sin6_port", 2L, "sin6_flowinfo", 4L,
                "sin6_addr", 8L, "sin6_scope_id", 24L),
                offsets(BsdPlatform.SOCKADDR_IN6, "sin6_len", "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr",
                        "sin6_scope_id"));
        // sys/un.h: struct sockaddr_un { unsigned char sun_len; sa_family_t sun_family; char sun_path[104]; } — 106 bytes.
        assertEquals(Map.of("sizeof", 106L, "sun_len", 0L, "sun_family", 1L, "sun_path", 2L),
                offsets(BsdPlatform.SOCKADDR_UN, "sun_len", "sun_family", "sun_path"));
        assertEquals(104, BsdPlatform.SOCKADDR_UN.select(PathElement.groupElement("sun_path")).byteSize());
        // sys/socket.h: _SS_MAXSIZE 128U.
        assertEquals(128, BsdPlatform.SOCKADDR_STORAGE_SIZE);
        assertEquals(BsdPlatform.SIN_PORT, BsdPlatform.SIN6_PORT, "the port sits at the same place in both");
    }

    @Test
    void timespecIovecAndMsghdrAreTheLp64BsdForms() {
        // sys/_timespec.h: time_t tv_sec (int64 on all four targets); long tv_nsec.
        assertEquals(Map.of("sizeof", 16L, "tv_sec", 0L, "tv_nsec", 8L), offsets(BsdPlatform.TIMESPEC, "tv_sec", "tv_nsec"));
        // sys/_iovec.h: void *iov_base; size_t iov_len.
        assertEquals(Map.of("sizeof", 16L, "iov_base", 0L, "iov_len", 8L), offsets(BsdPlatform.IOVEC, "iov_base", "iov_len"));
        // sys/socket.h: void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; int msg_iovlen;
        //   void *msg_control; socklen_t msg_controllen; int msg_flags — 48 bytes (Linux's is 56: its
        //   msg_iovlen and msg_controllen are size_t).
        Map<String, Long> msghdr = new LinkedHashMap<>();
        msghdr.put("sizeof", 48L);
        msghdr.put("msg_name", 0L);
        msghdr.put("msg_namelen", 8L);
        msghdr.put("msg_iov", 16L);
        msghdr.put("msg_iovlen", 24L);
        msghdr.put("msg_control", 32L);
        msghdr.put("msg_controllen", 40L);
        msghdr.put("msg_flags", 44L);
        assertEquals(msghdr, offsets(BsdPlatform.MSGHDR, "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                "msg_controllen", "msg_flags"));
        assertEquals(4, BsdPlatform.MSGHDR.select(PathElement.groupElement("msg_iovlen")).byteSize());
        assertEquals(BsdPlatform.MSG_IOV, 16);
        assertEquals(BsdPlatform.MSG_IOVLEN, 24);
    }

    private static Map<String, Long> offsets(StructLayout s, String... members) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof", s.byteSize());
        for (String name : members) {
            m.put(name, s.byteOffset(PathElement.groupElement(name)));
        }
        return m;
    }

    @Test
    void constantsMatchTheHeadersOfEachSystem() {
        Map<String, Long> shared = new LinkedHashMap<>();
        // sys/event.h (both)
        shared.put("EVFILT_READ", -1L);
        shared.put("EVFILT_WRITE", -2L);
        shared.put("EV_ADD", 0x0001L);
        shared.put("EV_DELETE", 0x0002L);
        shared.put("EV_ENABLE", 0x0004L);
        shared.put("EV_DISABLE", 0x0008L);
        shared.put("EV_ONESHOT", 0x0010L);
        shared.put("EV_CLEAR", 0x0020L);
        shared.put("EV_RECEIPT", 0x0040L);
        shared.put("EV_ERROR", 0x4000L);
        shared.put("EV_EOF", 0x8000L);
        shared.put("NOTE_TRIGGER", 0x01000000L);
        // sys/socket.h, netinet/in.h, netinet/tcp.h (both)
        shared.put("AF_UNIX", 1L);
        shared.put("AF_INET", 2L);
        shared.put("SOCK_STREAM", 1L);
        shared.put("SOL_SOCKET", 0xffffL);
        shared.put("SO_REUSEADDR", 0x0004L);
        shared.put("SO_KEEPALIVE", 0x0008L);
        shared.put("SO_LINGER", 0x0080L);
        shared.put("SO_SNDBUF", 0x1001L);
        shared.put("SO_RCVBUF", 0x1002L);
        shared.put("SO_ERROR", 0x1007L);
        shared.put("IPPROTO_TCP", 6L);
        shared.put("TCP_NODELAY", 0x01L);
        shared.put("SHUT_WR", 1L);
        // fcntl.h (both)
        shared.put("F_GETFD", 1L);
        shared.put("F_SETFD", 2L);
        shared.put("F_GETFL", 3L);
        shared.put("F_SETFL", 4L);
        shared.put("FD_CLOEXEC", 1L);
        shared.put("O_NONBLOCK", 0x0004L);
        shared.put("IOV_MAX", 1024L);

        Map<String, Long> darwin = new LinkedHashMap<>(shared);
        darwin.put("EVFILT_USER", -10L); // sys/event.h: (-10) /* User events */
        darwin.put("AF_INET6", 30L); // sys/socket.h
        darwin.put("O_CLOEXEC", 0x01000000L); // sys/fcntl.h
        darwin.put("SOCK_NONBLOCK", 0L); // none on Darwin
        darwin.put("SOCK_CLOEXEC", 0L);
        darwin.put("no-SIGPIPE socket option", 0x1022L); // SO_NOSIGPIPE, sys/socket.h
        darwin.put("send flags", 0L);

        Map<String, Long> freebsd = new LinkedHashMap<>(shared);
        freebsd.put("EVFILT_USER", -11L); // sys/event.h: (-11) /* User events */
        freebsd.put("AF_INET6", 28L);
        freebsd.put("O_CLOEXEC", 0x00100000L); // sys/fcntl.h
        freebsd.put("SOCK_NONBLOCK", 0x20000000L); // sys/socket.h
        freebsd.put("SOCK_CLOEXEC", 0x10000000L);
        freebsd.put("no-SIGPIPE socket option", 0L); // SO_NOSIGPIPE (0x0800) exists but sends use:
        freebsd.put("send flags", 0x20000L); // MSG_NOSIGNAL

        for (BsdPlatform p : BsdPlatform.ALL) {
            assertEquals(p.os() == BsdPlatform.Os.DARWIN ? darwin : freebsd, constantsOf(p), p.toString());
        }
    }

    private static Map<String, Long> constantsOf(BsdPlatform p) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String name : new String[] {"EVFILT_READ", "EVFILT_WRITE", "EV_ADD", "EV_DELETE", "EV_ENABLE", "EV_DISABLE",
            "EV_ONESHOT", "EV_CLEAR", "EV_RECEIPT", "EV_ERROR", "EV_EOF", "NOTE_TRIGGER", "AF_UNIX", "AF_INET",
            "SOCK_STREAM", "SOL_SOCKET", "SO_REUSEADDR", "SO_KEEPALIVE", "SO_LINGER", "SO_SNDBUF", "SO_RCVBUF",
            "SO_ERROR", "IPPROTO_TCP", "TCP_NODELAY", "SHUT_WR", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL",
            "FD_CLOEXEC", "O_NONBLOCK", "IOV_MAX"}) {
            try {
                m.put(name, ((Number) BsdPlatform.class.getDeclaredField(name).get(null)).longValue());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(name, e);
            }
        }
        m.put("EVFILT_USER", (long) p.evfiltUser());
        m.put("AF_INET6", (long) p.afInet6());
        m.put("O_CLOEXEC", (long) p.oCloexec());
        m.put("SOCK_NONBLOCK", (long) p.sockNonblock());
        m.put("SOCK_CLOEXEC", (long) p.sockCloexec());
        m.put("no-SIGPIPE socket option", (long) p.noSigpipeOption());
        m.put("send flags", (long) p.sendFlags());
        return m;
    }

    @Test
    void targetsAreChosenFromOsNameAndArch() {
        assertSame(BsdPlatform.DARWIN_AARCH64, BsdPlatform.of("Mac OS X", "aarch64"));
        assertSame(BsdPlatform.DARWIN_X86_64, BsdPlatform.of("Mac OS X", "x86_64"));
        assertSame(BsdPlatform.FREEBSD_X86_64, BsdPlatform.of("FreeBSD", "amd64"));
        assertSame(BsdPlatform.FREEBSD_AARCH64, BsdPlatform.of("FreeBSD", "arm64"));
        assertNull(BsdPlatform.of("Linux", "amd64"));
        assertNull(BsdPlatform.of("OpenBSD", "amd64"), "OpenBSD's kqueue ABI is not laid out here");
        assertNull(BsdPlatform.of("FreeBSD", "riscv64"));
        assertEquals(BsdPlatform.Os.FREEBSD, BsdPlatform.FREEBSD_AARCH64.os());
        assertEquals("aarch64", BsdPlatform.DARWIN_AARCH64.arch());
        assertEquals("FreeBSD/x86_64", BsdPlatform.FREEBSD_X86_64.toString());
        BsdPlatform host = BsdPlatform.of(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (host != null) {
            assertSame(host, BsdPlatform.current());
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, BsdPlatform::current, "no BSD target here");
        assertEquals("no kqueue layouts for " + System.getProperty("os.name") + " on " + System.getProperty("os.arch"),
                e.getMessage());
    }
}
