package dev.spindle.reactor.kqueue;

/** What a descriptor in the reactor's table does with its events. Loop thread. */
interface KqueueHandler {
    /**
     * Handles one {@code struct kevent} the kernel returned for this descriptor.
     *
     * @param filter {@code EVFILT_READ} or {@code EVFILT_WRITE}
     * @param flags the returned flags: {@code EV_EOF} when the other side is gone (for a socket,
     *     {@code fflags} then holds its pending error, if any), {@code EV_ERROR} when a change for
     *     this knote failed ({@code data} is then the errno)
     * @param data the filter's data: bytes to read, room to write, connections to accept
     * @param fflags the filter flags: the socket error that came with {@code EV_EOF}, or 0
     */
    void ready(short filter, int flags, long data, int fflags);
}
