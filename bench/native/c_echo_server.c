/*
 * The C reference of the echo benchmark: a tight single-threaded epoll echo server.
 *
 *   c_echo_server [--port N] [--ignore-stdin]
 *
 * Binds 127.0.0.1 (port 0 picks a free one), prints "LISTENING <port>" once bound, and runs
 * until killed or until its standard input reaches end of file (unless --ignore-stdin), the
 * same protocol as the Java servers of the benchmark (dev.spindle.bench.EchoBench).
 *
 * What it does per event, and nothing more:
 *   - every socket is registered once, edge-triggered, for input and output
 *     (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET): no epoll_ctl after the accept;
 *   - on input: read into one 64 KiB buffer and write the bytes straight back; a read that
 *     returns less than the buffer drained the socket, so it is the only read of that readiness
 *     (no second read to see EAGAIN); a full read is followed by another;
 *   - a write that cannot take everything keeps the rest in a per-connection buffer and stops
 *     reading that connection until output readiness has flushed it (back-pressure, bounded
 *     by one buffer per connection);
 *   - TCP_NODELAY on every connection, as the Java servers set.
 *
 * Built by the benchmark itself (EchoBench compiles it with gcc -O2 the first time c-epoll is
 * asked for); Linux only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)
#define MAX_EVENTS 256

struct conn {
    int fd;
    int listener;       /* 1 for the listening socket */
    size_t pending_len; /* bytes not yet written back */
    size_t pending_off;
    char *pending;      /* BUF_SIZE bytes, allocated on the first short write */
};

static char buf[BUF_SIZE];
static int epfd;

static void die(const char *what) {
    fprintf(stderr, "c_echo_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void close_conn(struct conn *c) {
    close(c->fd); /* also removes it from the epoll set */
    free(c->pending);
    free(c);
}

/* Writes what is pending. Returns 1 when nothing is left, 0 when the socket is full, -1 on error. */
static int flush_pending(struct conn *c) {
    while (c->pending_len > 0) {
        ssize_t w = write(c->fd, c->pending + c->pending_off, c->pending_len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 0 : -1;
        }
        c->pending_off += (size_t) w;
        c->pending_len -= (size_t) w;
    }
    c->pending_off = 0;
    return 1;
}

/* Echoes n bytes from buf. Returns 1 if all went out, 0 if some are pending, -1 on error. */
static int echo(struct conn *c, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(c->fd, buf + off, n - off);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                return -1;
            }
            if (c->pending == NULL && (c->pending = malloc(BUF_SIZE)) == NULL) {
                return -1;
            }
            memcpy(c->pending, buf + off, n - off);
            c->pending_off = 0;
            c->pending_len = n - off;
            return 0;
        }
        off += (size_t) w;
    }
    return 1;
}

/*
 * Reads and echoes until a short read, EAGAIN, or a write that leaves bytes pending. With
 * hup (the peer shut its side) a short read is not the end: read on until EOF.
 */
static void on_input(struct conn *c, int hup) {
    for (;;) {
        ssize_t n = read(c->fd, buf, BUF_SIZE);
        if (n > 0) {
            int r = echo(c, (size_t) n);
            if (r < 0) {
                close_conn(c);
                return;
            }
            if (r == 0 || (n < BUF_SIZE && !hup)) {
                return; /* pending output, or the socket is drained */
            }
        } else if (n == 0) {
            close_conn(c);
            return;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN) {
                close_conn(c);
            }
            return;
        }
    }
}

static void on_accept(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN) {
                fprintf(stderr, "c_echo_server: accept4: %s\n", strerror(errno));
            }
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close_conn(c);
        }
    }
}

int main(int argc, char **argv) {
    int port = 0;
    int watch_stdin = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end != '\0' || p < 0 || p > 65535) {
                fprintf(stderr, "c_echo_server: --port must be in 0..65535, found: %s\n", argv[i]);
                return 2;
            }
            port = (int) p;
        } else if (strcmp(argv[i], "--ignore-stdin") == 0) {
            watch_stdin = 0;
        } else {
            fprintf(stderr, "c_echo_server: unknown option, found: %s; known: --port N --ignore-stdin\n", argv[i]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        die("bind 127.0.0.1");
    }
    if (listen(lfd, 1024) < 0) {
        die("listen");
    }
    socklen_t len = sizeof addr;
    if (getsockname(lfd, (struct sockaddr *) &addr, &len) < 0) {
        die("getsockname");
    }

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    struct conn listener = {.fd = lfd, .listener = 1};
    struct epoll_event lev = {.events = EPOLLIN | EPOLLET, .data.ptr = &listener};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) < 0) {
        die("epoll_ctl listener");
    }
    struct conn stdin_conn = {.fd = 0};
    if (watch_stdin) {
        struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &stdin_conn};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &sev) < 0) {
            /* A regular file or /dev/null cannot be watched: say so and run until killed. */
            fprintf(stderr, "c_echo_server: cannot watch standard input (%s); running until killed\n",
                    strerror(errno));
        }
    }
    printf("LISTENING %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            uint32_t e = events[i].events;
            if (c == &stdin_conn) {
                ssize_t r = read(0, buf, BUF_SIZE);
                if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
                    return 0; /* end of standard input: stop */
                }
                continue;
            }
            if (c->listener) {
                on_accept(c->fd);
                continue;
            }
            if (e & (EPOLLERR | EPOLLHUP)) {
                close_conn(c);
                continue;
            }
            if (c->pending_len > 0) {
                if (!(e & EPOLLOUT)) {
                    continue; /* still waiting for room; input stays unread until then */
                }
                int r = flush_pending(c);
                if (r < 0) {
                    close_conn(c);
                    continue;
                }
                if (r == 0) {
                    continue;
                }
                /* Flushed: input that came meanwhile gave its edge already, so read now. */
                on_input(c, (e & EPOLLRDHUP) != 0);
                continue;
            }
            if (e & (EPOLLIN | EPOLLRDHUP)) {
                on_input(c, (e & EPOLLRDHUP) != 0);
            }
        }
    }
}
