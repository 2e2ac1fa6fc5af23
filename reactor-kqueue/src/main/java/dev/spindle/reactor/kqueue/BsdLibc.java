package dev.spindle.reactor.kqueue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Downcalls into the C library of macOS ({@code libSystem}) or FreeBSD ({@code libc.so.7}), one
 * method handle per function, linked when this class initialises: only after the provider checked
 * the system, and the bootstrap native access. On a system without {@code kqueue} the
 * initialisation fails with {@link UnsatisfiedLinkError}, which the bootstrap reports as the reason
 * the backend is unavailable.
 *
 * <p>Every call that can fail captures {@code errno} into a caller-supplied segment
 * ({@link #CAPTURE_SIZE} bytes). FreeBSD's {@code kevent} is a versioned symbol; the default lookup
 * finds its current version ({@code FBSD_1.5}, FreeBSD 12 and later), whose {@code struct kevent} is
 * the 64-byte one {@link BsdPlatform} lays out. {@code accept4} and {@code pipe2} exist on FreeBSD
 * only; on Darwin their handles are null. Calls that never block are linked
 * {@link Linker.Option#critical(boolean) critical}; reads and writes on heap memory need
 * {@code critical(true)} to pass it ({@link BsdIo} caps those transfers).
 */
@SuppressWarnings("restricted")
final class BsdLibc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

    /** Bytes of the errno capture segment. */
    static final long CAPTURE_SIZE = CAPTURE_LAYOUT.byteSize();
    /** Offset of {@code errno} in the capture segment. */
    static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));

    static final MethodHandle KQUEUE = link("kqueue", BsdSignatures.KQUEUE, ERRNO);
    static final MethodHandle KEVENT = link("kevent", BsdSignatures.KEVENT, ERRNO);
    static final MethodHandle KEVENT_WAKE = link("kevent", BsdSignatures.KEVENT);
    static final MethodHandle SOCKET = link("socket", BsdSignatures.SOCKET, ERRNO);
    static final MethodHandle FCNTL = link("fcntl", BsdSignatures.FCNTL, BsdSignatures.FCNTL_VARIADIC, ERRNO, CRITICAL);
    static final MethodHandle SETSOCKOPT = link("setsockopt", BsdSignatures.SETSOCKOPT, ERRNO, CRITICAL);
    static final MethodHandle GETSOCKOPT = link("getsockopt", BsdSignatures.GETSOCKOPT, ERRNO, CRITICAL);
    static final MethodHandle BIND = link("bind", BsdSignatures.SOCKADDR_IN_CALL, ERRNO);
    static final MethodHandle LISTEN = link("listen", BsdSignatures.INT_INT, ERRNO);
    static final MethodHandle CONNECT = link("connect", BsdSignatures.SOCKADDR_IN_CALL, ERRNO);
    static final MethodHandle ACCEPT = link("accept", BsdSignatures.SOCKADDR_OUT_CALL, ERRNO);
    static final @Nullable MethodHandle ACCEPT4 = linkOptional("accept4", BsdSignatures.ACCEPT4, ERRNO);
    static final MethodHandle GETSOCKNAME = link("getsockname", BsdSignatures.SOCKADDR_OUT_CALL, ERRNO, CRITICAL);
    static final MethodHandle SHUTDOWN = link("shutdown", BsdSignatures.INT_INT, ERRNO);
    static final MethodHandle CLOSE = link("close", BsdSignatures.CLOSE, ERRNO);
    static final MethodHandle PIPE = link("pipe", BsdSignatures.PIPE, ERRNO);
    static final @Nullable MethodHandle PIPE2 = linkOptional("pipe2", BsdSignatures.PIPE2, ERRNO);
    static final MethodHandle READ = link("read", BsdSignatures.TRANSFER, ERRNO);
    static final MethodHandle READ_HEAP = link("read", BsdSignatures.TRANSFER, ERRNO, CRITICAL_HEAP);
    static final MethodHandle WRITE = link("write", BsdSignatures.TRANSFER, ERRNO);
    static final MethodHandle WRITE_HEAP = link("write", BsdSignatures.TRANSFER, ERRNO, CRITICAL_HEAP);
    static final MethodHandle SEND = link("send", BsdSignatures.SEND, ERRNO);
    static final MethodHandle SEND_HEAP = link("send", BsdSignatures.SEND, ERRNO, CRITICAL_HEAP);
    static final MethodHandle SENDMSG = link("sendmsg", BsdSignatures.SENDMSG, ERRNO);
    static final MethodHandle RECVMSG = link("recvmsg", BsdSignatures.RECVMSG, ERRNO);
    static final MethodHandle SENDTO = link("sendto", BsdSignatures.SENDTO, ERRNO);
    static final MethodHandle SENDTO_HEAP = link("sendto", BsdSignatures.SENDTO, ERRNO, CRITICAL_HEAP);

    private BsdLibc() {
    }

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static @Nullable MethodHandle linkOptional(String name, FunctionDescriptor fd, Linker.Option... options) {
        Optional<MemorySegment> symbol = LIBC.find(name);
        return symbol.map(s -> LINKER.downcallHandle(s, fd, options)).orElse(null);
    }

    /** Rethrows what a downcall threw (it never throws a checked exception). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall threw " + t, t);
    }
}
