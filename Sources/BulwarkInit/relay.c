/*
 * Relays TCP connections made inside the sandbox to Unix sockets served by Bulwark outside it.
 *
 * One thread, one level-triggered epoll set, non-blocking sockets. Each connection owns one bounded buffer per
 * direction; a full buffer stops reading from its source (backpressure reaches the sender through TCP or the Unix
 * socket's own buffer), and an empty one stops polling its destination for writability. A FIN on one side is
 * passed on as shutdown(SHUT_WR) once everything read before it has been written, so half-closed protocols work.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* close_range, memrchr, accept4 */
#endif
#include "relay.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    BUFFER_SIZE = 64 * 1024,
    LISTEN_BACKLOG = 1024,
    /* 128 KiB of buffers each: a cap keeps a runaway client from exhausting the function's memory. */
    MAX_CONNECTIONS = 1024,
    /* A full accept backlog on Bulwark's side makes a Unix connect fail with EAGAIN: retry, then give up. */
    CONNECT_RETRY_MS = 5,
    CONNECT_TIMEOUT_MS = 5000,
};

/* Bytes read from one socket that the other has not taken yet: data[head, tail). */
struct buffer {
    size_t head, tail;
    bool eof; /* the source sent FIN; once drained, the destination's write side is shut down */
    char data[BUFFER_SIZE];
};

/* One relayed connection: side 0 is the TCP client in the sandbox, side 1 the Unix socket to Bulwark. */
struct connection {
    int fd[2];
    struct buffer buffer[2];   /* buffer[i] holds bytes read from fd[i], bound for fd[1 - i] */
    bool write_shut[2];        /* shutdown(fd[i], SHUT_WR) done */
    uint32_t interest[2];      /* events registered for fd[i]; 0 means not in the epoll set */
    const struct forward *forward;
    long long connect_deadline; /* monotonic ms; nonzero while waiting for Bulwark's backlog */
    struct connection *next_pending;
};

struct relay {
    int epoll_fd;
    int signal_fd;
    struct forward **forwards;
    size_t forward_count;
    /* The connection owning each fd, so that an epoll event (which carries the fd) finds its connection. */
    struct connection **owner;
    size_t owner_capacity;
    size_t connection_count;
    bool accepting;
    struct connection *pending; /* Unix connects to retry */
};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct relay *relay_create(int signal_fd) {
    struct relay *relay = calloc(1, sizeof *relay);
    if (relay == NULL) return NULL;
    relay->signal_fd = signal_fd;
    relay->accepting = true;
    relay->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = signal_fd};
    if (relay->epoll_fd < 0 || epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, signal_fd, &event) < 0) {
        free(relay);
        return NULL;
    }
    return relay;
}

bool relay_listen(struct relay *relay, struct forward *forward) {
    struct forward **forwards = realloc(relay->forwards, (relay->forward_count + 1) * sizeof *forwards);
    if (forwards == NULL) return false;
    relay->forwards = forwards;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    int one = 1;
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || bind(fd, (const struct sockaddr *)&forward->tcp, sizeof forward->tcp) < 0
        || listen(fd, LISTEN_BACKLOG) < 0 || epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return false;
    }
    forward->listen_fd = fd;
    relay->forwards[relay->forward_count++] = forward;
    return true;
}

/* Stops or resumes accepting on every listener (at the connection cap, or when out of fds or memory). */
static void set_accepting(struct relay *relay, bool accepting) {
    if (relay->accepting == accepting) return;
    relay->accepting = accepting;
    for (size_t i = 0; i < relay->forward_count; i++) {
        struct epoll_event event = {.events = accepting ? EPOLLIN : 0, .data.fd = relay->forwards[i]->listen_fd};
        epoll_ctl(relay->epoll_fd, EPOLL_CTL_MOD, relay->forwards[i]->listen_fd, &event);
    }
}

static bool set_owner(struct relay *relay, int fd, struct connection *connection) {
    if ((size_t)fd >= relay->owner_capacity) {
        size_t capacity = relay->owner_capacity ? relay->owner_capacity : 64;
        while (capacity <= (size_t)fd) capacity *= 2;
        struct connection **owner = realloc(relay->owner, capacity * sizeof *owner);
        if (owner == NULL) return false;
        memset(owner + relay->owner_capacity, 0, (capacity - relay->owner_capacity) * sizeof *owner);
        relay->owner = owner;
        relay->owner_capacity = capacity;
    }
    relay->owner[fd] = connection;
    return true;
}

/* Closing both fds also drops them from the epoll set: no other descriptor refers to these sockets. */
static void close_connection(struct relay *relay, struct connection *connection) {
    for (int side = 0; side < 2; side++) {
        int fd = connection->fd[side];
        if (fd < 0) continue;
        if ((size_t)fd < relay->owner_capacity) relay->owner[fd] = NULL;
        close(fd);
    }
    free(connection);
    relay->connection_count--;
    if (relay->connection_count < MAX_CONNECTIONS) set_accepting(relay, true);
}

/*
 * Registers exactly the events the connection can act on. An fd with nothing to do leaves the set: epoll reports
 * EPOLLHUP even for an empty event mask, which would otherwise spin the loop on a finished half.
 */
static bool update_interest(struct relay *relay, struct connection *connection) {
    for (int side = 0; side < 2; side++) {
        const struct buffer *incoming = &connection->buffer[side];
        const struct buffer *outgoing = &connection->buffer[1 - side];
        uint32_t want = 0;
        if (!incoming->eof && (incoming->tail < BUFFER_SIZE || incoming->head > 0)) want |= EPOLLIN;
        if (outgoing->head < outgoing->tail) want |= EPOLLOUT;
        if (want == connection->interest[side]) continue;
        int op = connection->interest[side] == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
        struct epoll_event event = {.events = want, .data.fd = connection->fd[side]};
        if (epoll_ctl(relay->epoll_fd, op, connection->fd[side], &event) < 0) return false;
        connection->interest[side] = want;
    }
    return true;
}

/*
 * Moves what it can from fd[from] to fd[1 - from]: at most one read and one write, as level-triggered epoll
 * calls again while more is possible. False when the connection is broken (reset, or a write to a closed peer).
 */
static bool transfer(struct connection *connection, int from) {
    struct buffer *buffer = &connection->buffer[from];
    int source = connection->fd[from];
    int destination = connection->fd[1 - from];
    if (!buffer->eof) {
        if (buffer->tail == BUFFER_SIZE && buffer->head > 0) {
            memmove(buffer->data, buffer->data + buffer->head, buffer->tail - buffer->head);
            buffer->tail -= buffer->head;
            buffer->head = 0;
        }
        if (buffer->tail < BUFFER_SIZE) {
            ssize_t n = recv(source, buffer->data + buffer->tail, BUFFER_SIZE - buffer->tail, 0);
            if (n > 0) {
                buffer->tail += (size_t)n;
            } else if (n == 0) {
                buffer->eof = true;
            } else if (errno != EAGAIN && errno != EINTR) {
                return false;
            }
        }
    }
    if (buffer->head < buffer->tail) {
        /* MSG_NOSIGNAL: a peer gone away is an EPIPE to handle here, not a signal. */
        ssize_t n = send(destination, buffer->data + buffer->head, buffer->tail - buffer->head, MSG_NOSIGNAL);
        if (n > 0) {
            buffer->head += (size_t)n;
            if (buffer->head == buffer->tail) buffer->head = buffer->tail = 0;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
    }
    if (buffer->eof && buffer->head == buffer->tail && !connection->write_shut[1 - from]) {
        /* A failure here (the peer already reset) shows up as an error on the next read or write. */
        shutdown(destination, SHUT_WR);
        connection->write_shut[1 - from] = true;
    }
    return true;
}

static void pump(struct relay *relay, struct connection *connection) {
    /* Not connected yet: only reachable through a stale event for a reused fd. */
    if (connection->connect_deadline != 0) return;
    bool alive = transfer(connection, 0) && transfer(connection, 1);
    bool finished = connection->write_shut[0] && connection->write_shut[1];
    if (!alive || finished || !update_interest(relay, connection)) close_connection(relay, connection);
}

/*
 * Connects side 1 to Bulwark's Unix socket. A missing or refusing socket closes the TCP connection at once, which
 * the client sees as a closed connection; a full backlog (EAGAIN) is retried until CONNECT_TIMEOUT_MS.
 */
static void connect_unix(struct relay *relay, struct connection *connection) {
    const struct sockaddr_un *address = &connection->forward->unix_socket;
    if (connect(connection->fd[1], (const struct sockaddr *)address, sizeof *address) == 0) {
        connection->connect_deadline = 0;
        if (!update_interest(relay, connection)) close_connection(relay, connection);
        return;
    }
    if (errno == EAGAIN || errno == EINTR) {
        long long now = now_ms();
        if (connection->connect_deadline == 0) connection->connect_deadline = now + CONNECT_TIMEOUT_MS;
        if (now < connection->connect_deadline) {
            connection->next_pending = relay->pending;
            relay->pending = connection;
            return;
        }
    }
    close_connection(relay, connection);
}

static void retry_pending_connects(struct relay *relay) {
    struct connection *list = relay->pending;
    relay->pending = NULL;
    while (list != NULL) {
        struct connection *connection = list;
        list = connection->next_pending;
        connection->next_pending = NULL;
        connect_unix(relay, connection);
    }
}

static void start_connection(struct relay *relay, const struct forward *forward, int tcp_fd) {
    struct connection *connection = calloc(1, sizeof *connection);
    if (connection == NULL) {
        close(tcp_fd);
        return;
    }
    relay->connection_count++;
    connection->forward = forward;
    connection->fd[0] = tcp_fd;
    connection->fd[1] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* The relay forwards each chunk as it arrives; Nagle would only add delayed-ACK stalls to the runtime's calls. */
    int one = 1;
    setsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connection->fd[1] < 0 || !set_owner(relay, tcp_fd, connection)
        || !set_owner(relay, connection->fd[1], connection)) {
        close_connection(relay, connection);
        return;
    }
    connect_unix(relay, connection);
}

static void accept_connections(struct relay *relay, const struct forward *forward) {
    while (relay->connection_count < MAX_CONNECTIONS) {
        int fd = accept4(forward->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            start_connection(relay, forward, fd);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        /* Out of fds or memory: the listener would stay readable and spin, so wait for a connection to close. */
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            if (relay->connection_count > 0) set_accepting(relay, false);
        }
        return;
    }
    set_accepting(relay, false);
}

static const struct forward *listener_for(const struct relay *relay, int fd) {
    for (size_t i = 0; i < relay->forward_count; i++) {
        if (relay->forwards[i]->listen_fd == fd) return relay->forwards[i];
    }
    return NULL;
}

bool relay_run_until_signal(struct relay *relay) {
    struct epoll_event events[64];
    for (;;) {
        int timeout = relay->pending != NULL ? CONNECT_RETRY_MS : -1;
        int count = epoll_wait(relay->epoll_fd, events, 64, timeout);
        if (count < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bool signaled = false;
        for (int i = 0; i < count; i++) {
            int fd = events[i].data.fd;
            const struct forward *forward;
            if (fd == relay->signal_fd) {
                signaled = true;
            } else if ((forward = listener_for(relay, fd)) != NULL) {
                accept_connections(relay, forward);
            } else if ((size_t)fd < relay->owner_capacity && relay->owner[fd] != NULL) {
                /* A stale event for an fd closed earlier in this batch finds no owner, or its new owner,
                 * whose pump then merely finds nothing to do. */
                pump(relay, relay->owner[fd]);
            }
        }
        if (relay->pending != NULL) retry_pending_connects(relay);
        if (signaled) return true;
    }
}
