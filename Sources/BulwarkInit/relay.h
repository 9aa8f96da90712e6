/*
 * The relay: TCP listeners inside the sandbox whose connections are carried to Unix sockets bound in by Bulwark,
 * served by one single-threaded epoll loop.
 */
#ifndef BULWARK_INIT_RELAY_H
#define BULWARK_INIT_RELAY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/un.h>

/* One `--forward HOST:PORT=UNIX_PATH`. */
struct forward {
    struct sockaddr_in tcp;
    struct sockaddr_un unix_socket;
    int listen_fd;
};

struct relay;

/* Creates the event loop; `signal_fd` (a signalfd) is watched alongside the sockets. NULL on failure (errno). */
struct relay *relay_create(int signal_fd);

/* Binds and listens on `forward->tcp` and adds it to the loop. False on failure (errno). */
bool relay_listen(struct relay *relay, struct forward *forward);

/*
 * Relays connections until `signal_fd` becomes readable, then returns so that the caller can read the signals.
 * False if the loop itself failed (errno).
 */
bool relay_run_until_signal(struct relay *relay);

#endif
