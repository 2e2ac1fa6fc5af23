package dev.spindle.reactor.epoll;

/** What a descriptor in the reactor's table does with its events. Loop thread. */
interface EpollHandler {
    /**
     * Handles one {@code epoll_event}.
     *
     * @param events the kernel's event mask ({@code EPOLLIN}, {@code EPOLLOUT}, ...)
     */
    void ready(int events);
}
