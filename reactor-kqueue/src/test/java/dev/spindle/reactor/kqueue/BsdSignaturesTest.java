package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The function descriptors {@link BsdLibc} links, checked the only way this machine allows: the
 * POSIX functions have the same C prototypes on Linux, so each descriptor is linked against this
 * machine's C library and called with Linux's constants. A wrong arity or width would crash or
 * misbehave here as it would on a BSD. {@code kqueue} and {@code kevent} exist only on the BSDs;
 * their descriptors are compared with the prototype of {@code sys/event.h}.
 */
@SuppressWarnings("restricted")
class BsdSignaturesTest {
    @org.junit.jupiter.api.BeforeAll
    static void onLinux() {
        // The socket calls below pass Linux's constants and structures: where kqueue exists, the
        // backend's own tests call the real functions instead.
        org.junit.jupiter.api.Assumptions.assumeTrue("Linux".equals(System.getProperty("os.name")),
                "calls this machine's C library with Linux's constants");
    }

    private static final Linker LINKER = Linker.nativeLinker();
    // Linux x86_64/aarch64 values, for calling this machine's C library.
    private static final int LINUX_AF_INET = 2;
    private static final int LINUX_SOCK_STREAM = 1;
    private static final int LINUX_O_NONBLOCK = 0x800;
    private static final int LINUX_SOL_SOCKET = 1;
    private static final int LINUX_SO_REUSEADDR = 2;
    private static final int LINUX_SO_ERROR = 4;

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    @Test
    void kqueueAndKeventFollowSysEventH() {
        // int kqueue(void);
        assertEquals(FunctionDescriptor.of(JAVA_INT), BsdSignatures.KQUEUE);
        // int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
        //            int nevents, const struct timespec *timeout);
        assertEquals(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), BsdSignatures.KEVENT);
        // Both link as downcalls on this platform's ABI (no symbol: an address is passed at call time).
        LINKER.downcallHandle(BsdSignatures.KEVENT);
        LINKER.downcallHandle(BsdSignatures.KQUEUE);
    }

    @Test
    void pipeReadWriteAndVariadicFcntlWorkThroughTheDescriptors() throws Throwable {
        MethodHandle pipe = link("pipe", BsdSignatures.PIPE);
        MethodHandle fcntl = link("fcntl", BsdSignatures.FCNTL, BsdSignatures.FCNTL_VARIADIC);
        MethodHandle read = link("read", BsdSignatures.TRANSFER);
        MethodHandle write = link("write", BsdSignatures.TRANSFER);
        MethodHandle close = link("close", BsdSignatures.CLOSE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            assertEquals(0, (int) pipe.invokeExact(fds));
            int r = fds.get(JAVA_INT, 0);
            int w = fds.get(JAVA_INT, 4);
            try {
                int flags = (int) fcntl.invokeExact(r, 3 /* F_GETFL */, 0);
                assertEquals(0, flags & LINUX_O_NONBLOCK);
                assertEquals(0, (int) fcntl.invokeExact(r, 4 /* F_SETFL */, flags | LINUX_O_NONBLOCK));
                assertEquals(LINUX_O_NONBLOCK, ((int) fcntl.invokeExact(r, 3, 0)) & LINUX_O_NONBLOCK, "the variadic argument arrived");
                assertEquals(0, (int) fcntl.invokeExact(r, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */));
                assertEquals(1, (int) fcntl.invokeExact(r, 1 /* F_GETFD */, 0));

                MemorySegment out = arena.allocateFrom("kqueue", java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals(6L, (long) write.invokeExact(w, out, 6L));
                MemorySegment in = arena.allocate(16);
                assertEquals(6L, (long) read.invokeExact(r, in, 16L));
                assertEquals("kqueue", new String(in.asSlice(0, 6).toArray(JAVA_BYTE), java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(-1L, (long) read.invokeExact(r, in, 16L), "EAGAIN on the non-blocking read end");
            } finally {
                assertEquals(0, (int) close.invokeExact(r));
                assertEquals(0, (int) close.invokeExact(w));
            }
        }
    }

    @Test
    void socketCallsWorkThroughTheDescriptors() throws Throwable {
        MethodHandle socket = link("socket", BsdSignatures.SOCKET);
        MethodHandle setsockopt = link("setsockopt", BsdSignatures.SETSOCKOPT);
        MethodHandle getsockopt = link("getsockopt", BsdSignatures.GETSOCKOPT);
        MethodHandle listen = link("listen", BsdSignatures.INT_INT);
        MethodHandle getsockname = link("getsockname", BsdSignatures.SOCKADDR_OUT_CALL);
        MethodHandle bind = link("bind", BsdSignatures.SOCKADDR_IN_CALL);
        MethodHandle connect = link("connect", BsdSignatures.SOCKADDR_IN_CALL);
        MethodHandle accept = link("accept", BsdSignatures.SOCKADDR_OUT_CALL);
        MethodHandle accept4 = link("accept4", BsdSignatures.ACCEPT4);
        MethodHandle send = link("send", BsdSignatures.SEND);
        MethodHandle sendmsg = link("sendmsg", BsdSignatures.SENDMSG);
        MethodHandle read = link("read", BsdSignatures.TRANSFER);
        MethodHandle shutdown = link("shutdown", BsdSignatures.INT_INT);
        MethodHandle close = link("close", BsdSignatures.CLOSE);
        try (Arena arena = Arena.ofConfined()) {
            int server = (int) socket.invokeExact(LINUX_AF_INET, LINUX_SOCK_STREAM, 0);
            int client = (int) socket.invokeExact(LINUX_AF_INET, LINUX_SOCK_STREAM, 0);
            assertTrue(server >= 0 && client >= 0);
            try {
                MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
                assertEquals(0, (int) setsockopt.invokeExact(server, LINUX_SOL_SOCKET, LINUX_SO_REUSEADDR, one, 4));
                // Linux's sockaddr_in: a 16-bit family, no length byte; 127.0.0.1, port 0.
                MemorySegment addr = arena.allocate(16);
                addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) LINUX_AF_INET);
                addr.asSlice(4, 4).copyFrom(MemorySegment.ofArray(new byte[] {127, 0, 0, 1}));
                assertEquals(0, (int) bind.invokeExact(server, addr, 16));
                assertEquals(0, (int) listen.invokeExact(server, 4));
                MemorySegment len = arena.allocateFrom(JAVA_INT, 16);
                assertEquals(0, (int) getsockname.invokeExact(server, addr, len));
                assertTrue(addr.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 2) != 0, "a port was assigned");
                assertEquals(0, (int) connect.invokeExact(client, addr, 16));
                int accepted = (int) accept.invokeExact(server, MemorySegment.NULL, MemorySegment.NULL);
                assertTrue(accepted >= 0);
                assertEquals(-1, (int) accept4.invokeExact(client, MemorySegment.NULL, MemorySegment.NULL, 0), "not listening: EINVAL");

                MemorySegment err = arena.allocate(4);
                len.set(JAVA_INT, 0, 4);
                assertEquals(0, (int) getsockopt.invokeExact(client, LINUX_SOL_SOCKET, LINUX_SO_ERROR, err, len));
                assertEquals(0, err.get(JAVA_INT, 0));

                MemorySegment data = arena.allocateFrom("abc", java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals(2L, (long) send.invokeExact(client, data, 2L, 0));
                // Linux's msghdr differs from the BSD one (size_t iovlen): built here in Linux form,
                // it checks only that sendmsg's descriptor passes its three arguments.
                MemoryLayout linuxMsghdr = MemoryLayout.structLayout(ADDRESS, JAVA_INT, MemoryLayout.paddingLayout(4), ADDRESS,
                        JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, MemoryLayout.paddingLayout(4));
                MemorySegment iov = arena.allocate(BsdPlatform.IOVEC);
                iov.set(ADDRESS, 0, data.asSlice(2, 1));
                iov.set(JAVA_LONG, 8, 1L);
                MemorySegment msg = arena.allocate(linuxMsghdr);
                msg.set(ADDRESS, 16, iov);
                msg.set(JAVA_LONG, 24, 1L);
                assertEquals(1L, (long) sendmsg.invokeExact(client, msg, 0));
                assertEquals(0, (int) shutdown.invokeExact(client, 1 /* SHUT_WR */));
                MemorySegment in = arena.allocate(8);
                long got = 0;
                long n;
                while ((n = (long) read.invokeExact(accepted, in.asSlice(got), 8 - got)) > 0) {
                    got += n;
                }
                assertEquals(0L, n, "end of stream after shutdown");
                assertEquals(List.of((byte) 'a', (byte) 'b', (byte) 'c'), List.of(in.get(JAVA_BYTE, 0), in.get(JAVA_BYTE, 1), in.get(JAVA_BYTE, 2)));
                assertEquals(3L, got);
                assertEquals(0, (int) close.invokeExact(accepted));
            } finally {
                assertEquals(0, (int) close.invokeExact(client));
                assertEquals(0, (int) close.invokeExact(server));
            }
        }
    }
}
