package dev.spindle.reactor.kqueue;

import java.io.IOException;
import java.net.ConnectException;

/**
 * A failed system call: the operation, the errno number and its symbolic name on the system it
 * came from (BSD numbers differ from Linux ones, and Darwin's from FreeBSD's above 81). The message
 * reads {@code connect to /127.0.0.1:7: ECONNREFUSED (Connection refused)}, so the name reaches every
 * exception that wraps this one. Stackless: these are expected failures, and the operation in the
 * message says where it happened.
 */
final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final String errnoName;

    ErrnoException(String operation, int errno, BsdErrno table) {
        super(operation + ": " + table.name(errno) + " (" + table.message(errno) + ")");
        this.operation = operation;
        this.errno = errno;
        this.errnoName = table.name(errno);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /**
     * The failure of a connect, typed as {@code java.net} types it: a refused connection is a
     * {@link ConnectException} carrying the errno exception as its cause, anything else the errno
     * exception itself.
     *
     * @param operation the operation, e.g. {@code connect to /tmp/s.sock}
     * @param errno the errno number
     * @param table the system's errno table
     * @return the exception to throw
     */
    static IOException connectFailure(String operation, int errno, BsdErrno table) {
        ErrnoException e = new ErrnoException(operation, errno, table);
        if (errno != BsdErrno.ECONNREFUSED) {
            return e;
        }
        Refused refused = new Refused(e.getMessage());
        refused.initCause(e);
        return refused;
    }

    /** A refused connect, stackless like its cause. */
    private static final class Refused extends ConnectException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The errno number. */
    int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code ECONNRESET}. */
    String errnoName() {
        return errnoName;
    }

    /** The operation that failed, e.g. {@code connect to /127.0.0.1:7}. */
    String operation() {
        return operation;
    }
}
