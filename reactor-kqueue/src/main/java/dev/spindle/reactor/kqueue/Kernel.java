package dev.spindle.reactor.kqueue;

import java.lang.foreign.MemorySegment;

/**
 * The BSD system calls the backend makes, one method per C function with the C arguments: the
 * seam between the backend's logic and the kernel. {@link NativeKernel} calls the C library through
 * the Foreign Function &amp; Memory API; tests put a simulated BSD kernel here, which decodes the very
 * bytes the backend hands over ({@code struct kevent} change lists, {@code timespec} timeouts,
 * {@code sockaddr_in} and {@code sockaddr_un} with their length byte, {@code msghdr}) and so runs the whole reactor on a machine
 * without kqueue.
 *
 * <p>Results follow the raw system-call convention: a value &ge; 0 is the C result, a negative value
 * is {@code -errno}. Pointers are {@link MemorySegment}s ({@link MemorySegment#NULL} for a null
 * pointer); a buffer's length is the segment's size. {@link BsdIo} turns these results into Java
 * conventions and typed exceptions.
 *
 * <p>Threading: an instance serves one loop run on the loop thread, except {@link #keventWake},
 * which any thread may call.
 */
interface Kernel {
    /** {@code int kqueue(void)}. */
    int kqueue();

    /**
     * {@code int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
     * int nevents, const struct timespec *timeout)}.
     *
     * @param timeout a {@code struct timespec}, or {@link MemorySegment#NULL} to wait without bound
     */
    int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout);

    /**
     * {@code kevent(kq, change, 1, NULL, 0, &zero)} from any thread, without errno: the wake-up.
     *
     * @param change one {@code struct kevent}, kept alive by the caller
     * @return the C result (0, or -1 when it failed)
     */
    int keventWake(int kq, MemorySegment change);

    /** {@code int socket(int domain, int type, int protocol)}. */
    int socket(int domain, int type, int protocol);

    /** {@code int fcntl(int fd, int cmd, ...)} with one {@code int} argument (0 where the command takes none). */
    int fcntl(int fd, int cmd, int arg);

    /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)}. */
    int setsockopt(int fd, int level, int name, MemorySegment value, int len);

    /** {@code int getsockopt(int fd, int level, int name, void *value, socklen_t *len)}. */
    int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len);

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. */
    int bind(int fd, MemorySegment addr, int len);

    /** {@code int listen(int fd, int backlog)}. */
    int listen(int fd, int backlog);

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}. */
    int connect(int fd, MemorySegment addr, int len);

    /** {@code int accept(int fd, struct sockaddr *addr, socklen_t *len)}. */
    int accept(int fd, MemorySegment addr, MemorySegment len);

    /**
     * {@code int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)}: FreeBSD only.
     *
     * @throws UnsupportedOperationException on Darwin, whose C library has no such function
     */
    int accept4(int fd, MemorySegment addr, MemorySegment len, int flags);

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    int getsockname(int fd, MemorySegment addr, MemorySegment len);

    /** {@code int shutdown(int fd, int how)}. */
    int shutdown(int fd, int how);

    /** {@code int close(int fd)}. */
    int close(int fd);

    /** {@code int pipe(int fds[2])}. */
    int pipe(MemorySegment fds);

    /**
     * {@code int pipe2(int fds[2], int flags)}: FreeBSD only.
     *
     * @throws UnsupportedOperationException on Darwin, whose C library has no such function
     */
    int pipe2(MemorySegment fds, int flags);

    /** {@code ssize_t read(int fd, void *buf, size_t len)}; the buffer may be heap memory. */
    long read(int fd, MemorySegment buf);

    /** {@code ssize_t write(int fd, const void *buf, size_t len)}; the buffer may be heap memory. */
    long write(int fd, MemorySegment buf);

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)}; the buffer may be heap memory. */
    long send(int fd, MemorySegment buf, int flags);

    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)}; every pointer in it is native memory. */
    long sendmsg(int fd, MemorySegment msg, int flags);

    /**
     * {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
     * socklen_t tolen)}: one datagram; the buffer may be heap memory.
     *
     * @param to the destination, or {@link MemorySegment#NULL} (with {@code tolen} 0) on a connected
     *     socket, where BSD refuses an address with {@code EISCONN}
     */
    long sendto(int fd, MemorySegment buf, int flags, MemorySegment to, int tolen);

    /**
     * {@code ssize_t recvmsg(int fd, struct msghdr *msg, int flags)}; every pointer in it is native
     * memory. The kernel writes {@code msg_namelen} and {@code msg_flags} back.
     */
    long recvmsg(int fd, MemorySegment msg, int flags);
}
