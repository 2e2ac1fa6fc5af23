package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;

/**
 * The C prototypes of the functions {@link BsdLibc} links, as function descriptors, kept apart from
 * the linking so that they can be checked on any system: the POSIX ones are called through this
 * machine's C library by the tests ({@code int} is 32 bits, {@code size_t}, {@code ssize_t} and
 * pointers 64 bits on every LP64 target, and {@code socklen_t} is a 32-bit integer).
 *
 * <p>{@code fcntl} is variadic: its third argument must be passed as a variadic argument
 * ({@link #FCNTL_VARIADIC}). On Apple silicon variadic arguments travel on the stack, not in
 * registers, so linking {@code fcntl} as a fixed three-argument function would hand it garbage
 * there.
 */
final class BsdSignatures {
    static final FunctionDescriptor KQUEUE = FunctionDescriptor.of(JAVA_INT);
    static final FunctionDescriptor KEVENT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final FunctionDescriptor SOCKET = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final FunctionDescriptor FCNTL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    /** {@code fcntl(int, int, ...)}: the variadic part starts at the third argument. */
    static final Linker.Option FCNTL_VARIADIC = Linker.Option.firstVariadicArg(2);
    static final FunctionDescriptor SETSOCKOPT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final FunctionDescriptor GETSOCKOPT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    /** {@code bind} and {@code connect}. */
    static final FunctionDescriptor SOCKADDR_IN_CALL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    /** {@code accept} and {@code getsockname}. */
    static final FunctionDescriptor SOCKADDR_OUT_CALL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final FunctionDescriptor ACCEPT4 = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    /** {@code listen} and {@code shutdown}. */
    static final FunctionDescriptor INT_INT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
    static final FunctionDescriptor CLOSE = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    static final FunctionDescriptor PIPE = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    static final FunctionDescriptor PIPE2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    /** {@code read} and {@code write}. */
    static final FunctionDescriptor TRANSFER = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    static final FunctionDescriptor SEND = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    static final FunctionDescriptor SENDMSG = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    /** {@code recvmsg}: as {@code sendmsg}. */
    static final FunctionDescriptor RECVMSG = SENDMSG;
    static final FunctionDescriptor SENDTO = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS,
            JAVA_INT);

    private BsdSignatures() {
    }
}
