package dev.spindle.reactor.epoll;

import java.io.IOException;
import java.net.ConnectException;

/**
 * A failed system call: the operation, the errno number and its symbolic name. The message reads
 * {@code connect to /127.0.0.1:7: ECONNREFUSED (Connection refused)}, so the name reaches every
 * exception that wraps this one. Stackless: these are expected failures (a peer reset, a refused
 * connection), and the operation in the message says where it happened.
 */
final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;

    ErrnoException(String operation, int errno) {
        super(operation + ": " + Errno.name(errno) + " (" + Errno.message(errno) + ")");
        this.operation = operation;
        this.errno = errno;
    }

    /**
     * The failure of a connect, typed as {@code java.net} types it: a refused connection is a
     * {@link ConnectException} (carrying this exception as its cause, so the errno stays
     * reachable), anything else the errno exception itself.
     *
     * @param operation the operation, e.g. {@code connect to /127.0.0.1:7}
     * @param errno the errno number
     * @return the exception to throw
     */
    static IOException connectFailure(String operation, int errno) {
        ErrnoException e = new ErrnoException(operation, errno);
        if (errno != Errno.ECONNREFUSED) {
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

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The errno number. */
    int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code ECONNRESET}. */
    String errnoName() {
        return Errno.name(errno);
    }

    /** The operation that failed, e.g. {@code connect to /127.0.0.1:7}. */
    String operation() {
        return operation;
    }
}
