package dev.spindle.reactor.epoll;

import org.jspecify.annotations.Nullable;

/**
 * Linux errno numbers, their symbolic names and messages. x86_64 and aarch64 both use the
 * generic numbering ({@code asm-generic/errno-base.h} and {@code asm-generic/errno.h}); the
 * messages are the comments of those headers. Immutable, thread-safe.
 */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EPIPE = 32;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int EPROTO = 71;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;
    static final int EADDRINUSE = 98;
    static final int ENETDOWN = 100;
    static final int ENETUNREACH = 101;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    static final int ENOBUFS = 105;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;
    static final int EALREADY = 114;
    static final int EINPROGRESS = 115;

    private static final @Nullable String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
        "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC",
        "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK",
        "ENOSYS", "ENOTEMPTY", "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT",
        "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
        "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG",
        "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG",
        "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX",
        "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
        "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET",
        "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE",
        "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE",
        "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD",
        "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
    };

    private static final @Nullable String[] MESSAGES = {
        null, "Operation not permitted", "No such file or directory", "No such process",
        "Interrupted system call", "I/O error", "No such device or address", "Argument list too long",
        "Exec format error", "Bad file number", "No child processes", "Try again", "Out of memory",
        "Permission denied", "Bad address", "Block device required", "Device or resource busy",
        "File exists", "Cross-device link", "No such device", "Not a directory", "Is a directory",
        "Invalid argument", "File table overflow", "Too many open files", "Not a typewriter",
        "Text file busy", "File too large", "No space left on device", "Illegal seek",
        "Read-only file system", "Too many links", "Broken pipe", "Math argument out of domain of func",
        "Math result not representable", "Resource deadlock would occur", "File name too long",
        "No record locks available", "Invalid system call number", "Directory not empty",
        "Too many symbolic links encountered", null, "No message of desired type", "Identifier removed",
        "Channel number out of range", "Level 2 not synchronized", "Level 3 halted", "Level 3 reset",
        "Link number out of range", "Protocol driver not attached", "No CSI structure available",
        "Level 2 halted", "Invalid exchange", "Invalid request descriptor", "Exchange full", "No anode",
        "Invalid request code", "Invalid slot", null, "Bad font file format", "Device not a stream",
        "No data available", "Timer expired", "Out of streams resources",
        "Machine is not on the network", "Package not installed", "Object is remote",
        "Link has been severed", "Advertise error", "Srmount error", "Communication error on send",
        "Protocol error", "Multihop attempted", "RFS specific error", "Not a data message",
        "Value too large for defined data type", "Name not unique on network",
        "File descriptor in bad state", "Remote address changed",
        "Can not access a needed shared library", "Accessing a corrupted shared library",
        ".lib section in a.out corrupted", "Attempting to link in too many shared libraries",
        "Cannot exec a shared library directly", "Illegal byte sequence",
        "Interrupted system call should be restarted", "Streams pipe error", "Too many users",
        "Socket operation on non-socket", "Destination address required", "Message too long",
        "Protocol wrong type for socket", "Protocol not available", "Protocol not supported",
        "Socket type not supported", "Operation not supported on transport endpoint",
        "Protocol family not supported", "Address family not supported by protocol",
        "Address already in use", "Cannot assign requested address", "Network is down",
        "Network is unreachable", "Network dropped connection because of reset",
        "Software caused connection abort", "Connection reset by peer", "No buffer space available",
        "Transport endpoint is already connected", "Transport endpoint is not connected",
        "Cannot send after transport endpoint shutdown", "Too many references: cannot splice",
        "Connection timed out", "Connection refused", "Host is down", "No route to host",
        "Operation already in progress", "Operation now in progress", "Stale file handle",
        "Structure needs cleaning", "Not a XENIX named type file", "No XENIX semaphores available",
        "Is a named type file", "Remote I/O error", "Quota exceeded", "No medium found",
        "Wrong medium type", "Operation Canceled", "Required key not available", "Key has expired",
        "Key has been revoked", "Key was rejected by service", "Owner died", "State not recoverable",
        "Operation not possible due to RF-kill", "Memory page has hardware error"
    };

    private Errno() {
    }

    /**
     * The symbolic name, e.g. {@code ECONNREFUSED}.
     *
     * @param errno the number
     * @return the name, or {@code errno N} for a number this table does not know
     */
    static String name(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n == null ? "errno " + errno : n;
    }

    /**
     * The message, e.g. {@code Connection refused}.
     *
     * @param errno the number
     * @return the message, or {@code unknown error} for a number this table does not know
     */
    static String message(int errno) {
        String m = errno > 0 && errno < MESSAGES.length ? MESSAGES[errno] : null;
        return m == null ? "unknown error" : m;
    }
}
