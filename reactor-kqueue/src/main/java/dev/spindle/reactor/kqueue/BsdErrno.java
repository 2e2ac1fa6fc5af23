package dev.spindle.reactor.kqueue;

import org.jspecify.annotations.Nullable;

/**
 * BSD errno numbers, their symbolic names and messages, from {@code sys/errno.h} of Darwin (XNU) and
 * FreeBSD; the messages are the headers' comments. Numbers 1 to 81 are the same on both systems
 * (and differ from Linux from 11 on: {@code EAGAIN} is 35, {@code EINPROGRESS} 36,
 * {@code ECONNREFUSED} 61); from 82 on each system has its own list, e.g. {@code EOPNOTSUPP} is 102
 * on Darwin (where 45 is {@code ENOTSUP}) and 45 on FreeBSD, {@code EPROTO} 100 and 92. The
 * constants below are the shared ones the backend tests for. Immutable, thread-safe.
 */
final class BsdErrno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EPIPE = 32;
    static final int EAGAIN = 35;
    static final int EINPROGRESS = 36;
    static final int EALREADY = 37;
    static final int ENOTSOCK = 38;
    static final int EMSGSIZE = 40;
    static final int EPROTOTYPE = 41;
    static final int ENOPROTOOPT = 42;
    static final int EAFNOSUPPORT = 47;
    static final int EADDRINUSE = 48;
    static final int EADDRNOTAVAIL = 49;
    static final int ENETDOWN = 50;
    static final int ENETUNREACH = 51;
    static final int ECONNABORTED = 53;
    static final int ECONNRESET = 54;
    static final int ENOBUFS = 55;
    static final int EISCONN = 56;
    static final int ENOTCONN = 57;
    static final int ETIMEDOUT = 60;
    static final int ECONNREFUSED = 61;
    static final int EHOSTUNREACH = 65;
    static final int ENOSYS = 78;

    /** 1..81, the same on Darwin and FreeBSD. */
    private static final String[][] SHARED = {
        {"EPERM", "Operation not permitted"},
        {"ENOENT", "No such file or directory"},
        {"ESRCH", "No such process"},
        {"EINTR", "Interrupted system call"},
        {"EIO", "Input/output error"},
        {"ENXIO", "Device not configured"},
        {"E2BIG", "Argument list too long"},
        {"ENOEXEC", "Exec format error"},
        {"EBADF", "Bad file descriptor"},
        {"ECHILD", "No child processes"},
        {"EDEADLK", "Resource deadlock avoided"},
        {"ENOMEM", "Cannot allocate memory"},
        {"EACCES", "Permission denied"},
        {"EFAULT", "Bad address"},
        {"ENOTBLK", "Block device required"},
        {"EBUSY", "Device busy"},
        {"EEXIST", "File exists"},
        {"EXDEV", "Cross-device link"},
        {"ENODEV", "Operation not supported by device"},
        {"ENOTDIR", "Not a directory"},
        {"EISDIR", "Is a directory"},
        {"EINVAL", "Invalid argument"},
        {"ENFILE", "Too many open files in system"},
        {"EMFILE", "Too many open files"},
        {"ENOTTY", "Inappropriate ioctl for device"},
        {"ETXTBSY", "Text file busy"},
        {"EFBIG", "File too large"},
        {"ENOSPC", "No space left on device"},
        {"ESPIPE", "Illegal seek"},
        {"EROFS", "Read-only file system"},
        {"EMLINK", "Too many links"},
        {"EPIPE", "Broken pipe"},
        {"EDOM", "Numerical argument out of domain"},
        {"ERANGE", "Result too large"},
        {"EAGAIN", "Resource temporarily unavailable"},
        {"EINPROGRESS", "Operation now in progress"},
        {"EALREADY", "Operation already in progress"},
        {"ENOTSOCK", "Socket operation on non-socket"},
        {"EDESTADDRREQ", "Destination address required"},
        {"EMSGSIZE", "Message too long"},
        {"EPROTOTYPE", "Protocol wrong type for socket"},
        {"ENOPROTOOPT", "Protocol not available"},
        {"EPROTONOSUPPORT", "Protocol not supported"},
        {"ESOCKTNOSUPPORT", "Socket type not supported"},
        {null, null}, // 45: ENOTSUP on Darwin, EOPNOTSUPP on FreeBSD
        {"EPFNOSUPPORT", "Protocol family not supported"},
        {"EAFNOSUPPORT", "Address family not supported by protocol family"},
        {"EADDRINUSE", "Address already in use"},
        {"EADDRNOTAVAIL", "Can't assign requested address"},
        {"ENETDOWN", "Network is down"},
        {"ENETUNREACH", "Network is unreachable"},
        {"ENETRESET", "Network dropped connection on reset"},
        {"ECONNABORTED", "Software caused connection abort"},
        {"ECONNRESET", "Connection reset by peer"},
        {"ENOBUFS", "No buffer space available"},
        {"EISCONN", "Socket is already connected"},
        {"ENOTCONN", "Socket is not connected"},
        {"ESHUTDOWN", "Can't send after socket shutdown"},
        {"ETOOMANYREFS", "Too many references: can't splice"},
        {"ETIMEDOUT", "Operation timed out"},
        {"ECONNREFUSED", "Connection refused"},
        {"ELOOP", "Too many levels of symbolic links"},
        {"ENAMETOOLONG", "File name too long"},
        {"EHOSTDOWN", "Host is down"},
        {"EHOSTUNREACH", "No route to host"},
        {"ENOTEMPTY", "Directory not empty"},
        {"EPROCLIM", "Too many processes"},
        {"EUSERS", "Too many users"},
        {"EDQUOT", "Disc quota exceeded"},
        {"ESTALE", "Stale NFS file handle"},
        {"EREMOTE", "Too many levels of remote in path"},
        {"EBADRPC", "RPC struct is bad"},
        {"ERPCMISMATCH", "RPC version wrong"},
        {"EPROGUNAVAIL", "RPC prog. not avail"},
        {"EPROGMISMATCH", "Program version wrong"},
        {"EPROCUNAVAIL", "Bad procedure for program"},
        {"ENOLCK", "No locks available"},
        {"ENOSYS", "Function not implemented"},
        {"EFTYPE", "Inappropriate file type or format"},
        {"EAUTH", "Authentication error"},
        {"ENEEDAUTH", "Need authenticator"},
    };

    /** Darwin: 45, then 82..106. */
    private static final String[][] DARWIN = {
        {"EPWROFF", "Device power is off"},
        {"EDEVERR", "Device error"},
        {"EOVERFLOW", "Value too large to be stored in data type"},
        {"EBADEXEC", "Bad executable"},
        {"EBADARCH", "Bad CPU type in executable"},
        {"ESHLIBVERS", "Shared library version mismatch"},
        {"EBADMACHO", "Malformed Macho file"},
        {"ECANCELED", "Operation canceled"},
        {"EIDRM", "Identifier removed"},
        {"ENOMSG", "No message of desired type"},
        {"EILSEQ", "Illegal byte sequence"},
        {"ENOATTR", "Attribute not found"},
        {"EBADMSG", "Bad message"},
        {"EMULTIHOP", "Reserved"},
        {"ENODATA", "No message available on STREAM"},
        {"ENOLINK", "Reserved"},
        {"ENOSR", "No STREAM resources"},
        {"ENOSTR", "Not a STREAM"},
        {"EPROTO", "Protocol error"},
        {"ETIME", "STREAM ioctl timeout"},
        {"EOPNOTSUPP", "Operation not supported on socket"},
        {"ENOPOLICY", "No such policy registered"},
        {"ENOTRECOVERABLE", "State not recoverable"},
        {"EOWNERDEAD", "Previous owner died"},
        {"EQFULL", "Interface output queue is full"},
    };
    private static final String[] DARWIN_45 = {"ENOTSUP", "Operation not supported"};

    /** FreeBSD: 45, then 82..97. */
    private static final String[][] FREEBSD = {
        {"EIDRM", "Identifier removed"},
        {"ENOMSG", "No message of desired type"},
        {"EOVERFLOW", "Value too large to be stored in data type"},
        {"ECANCELED", "Operation canceled"},
        {"EILSEQ", "Illegal byte sequence"},
        {"ENOATTR", "Attribute not found"},
        {"EDOOFUS", "Programming error"},
        {"EBADMSG", "Bad message"},
        {"EMULTIHOP", "Multihop attempted"},
        {"ENOLINK", "Link has been severed"},
        {"EPROTO", "Protocol error"},
        {"ENOTCAPABLE", "Capabilities insufficient"},
        {"ECAPMODE", "Not permitted in capability mode"},
        {"ENOTRECOVERABLE", "State not recoverable"},
        {"EOWNERDEAD", "Previous owner died"},
        {"EINTEGRITY", "Integrity check failed"},
    };
    private static final String[] FREEBSD_45 = {"EOPNOTSUPP", "Operation not supported"};

    private static final BsdErrno DARWIN_TABLE = new BsdErrno(DARWIN_45, DARWIN);
    private static final BsdErrno FREEBSD_TABLE = new BsdErrno(FREEBSD_45, FREEBSD);

    private final @Nullable String[] names;
    private final @Nullable String[] messages;

    private BsdErrno(String[] at45, String[][] tail) {
        int size = 1 + SHARED.length + tail.length;
        names = new String[size];
        messages = new String[size];
        for (int i = 0; i < SHARED.length; i++) {
            names[i + 1] = SHARED[i][0];
            messages[i + 1] = SHARED[i][1];
        }
        names[45] = at45[0];
        messages[45] = at45[1];
        for (int i = 0; i < tail.length; i++) {
            names[1 + SHARED.length + i] = tail[i][0];
            messages[1 + SHARED.length + i] = tail[i][1];
        }
    }

    /**
     * The table of a system.
     *
     * @param os the system
     * @return its table
     */
    static BsdErrno of(BsdPlatform.Os os) {
        return os == BsdPlatform.Os.DARWIN ? DARWIN_TABLE : FREEBSD_TABLE;
    }

    /**
     * The symbolic name, e.g. {@code ECONNREFUSED}.
     *
     * @param errno the number
     * @return the name, or {@code errno N} for a number this table does not know
     */
    String name(int errno) {
        String n = errno > 0 && errno < names.length ? names[errno] : null;
        return n == null ? "errno " + errno : n;
    }

    /**
     * The message, e.g. {@code Connection refused}.
     *
     * @param errno the number
     * @return the message, or {@code unknown error} for a number this table does not know
     */
    String message(int errno) {
        String m = errno > 0 && errno < messages.length ? messages[errno] : null;
        return m == null ? "unknown error" : m;
    }

    /**
     * The number of a name: for tests.
     *
     * @param name e.g. {@code EPROTO}
     * @return the number, or -1
     */
    int number(String name) {
        for (int i = 1; i < names.length; i++) {
            if (name.equals(names[i])) {
                return i;
            }
        }
        return -1;
    }
}
