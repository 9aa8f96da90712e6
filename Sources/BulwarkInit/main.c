/*
 * bulwark-init: the first process inside a Bulwark sandbox.
 *
 *     bulwark-init [--listen HOST:PORT]... [--handoff-fd N] [--rlimit NAME=SOFT:HARD]... [--status-fd N] -- COMMAND [ARGS...]
 *
 * The sandbox has its own network namespace, so Bulwark (outside) cannot listen on the 127.0.0.1:9001 that the
 * Lambda runtime expects. This program listens on each `--listen` address inside, before the runtime starts, and
 * hands the listening sockets to Bulwark in one SCM_RIGHTS message on the Unix socket `--handoff-fd`, in the order
 * given; then it closes its own copies. Bulwark accepts and serves the runtime's connections itself: nothing inside
 * the sandbox relays them, and the runtime never holds a listening socket. It also runs the runtime as its child,
 * reaps every process (it may be PID 1 of the namespace), kills what the runtime leaves behind when the runtime
 * exits, and reports how the runtime ended as one line on the status fd: `exited <code>` or `signaled <signo>`.
 * Its own exit code is then <code>, or 128 + <signo>.
 *
 * `--rlimit` sets a resource limit of the sandbox (NAME one of core, nofile, nproc, memlock, stack; SOFT and HARD
 * numbers or `unlimited`) before the runtime starts, as Lambda sets its own. A limit above the hard limit init
 * inherited cannot be raised without privilege: it is lowered to that hard limit.
 *
 * Exit 2 means bad arguments; exit 1 a failure to set up (no status line is written in either case).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* close_range */
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: bulwark-init [--listen HOST:PORT]... [--handoff-fd N] [--rlimit NAME=SOFT:HARD]... [--status-fd N] -- "
    "COMMAND [ARGS...]\n";

/* At most this many `--listen` addresses: the runtime API and the private endpoint need two. */
#define MAX_LISTENERS 8

static void usage_error(const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    fputs("bulwark-init: ", stderr);
    vfprintf(stderr, format, arguments);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    va_end(arguments);
    exit(2);
}

static void fail(const char *what) {
    fprintf(stderr, "bulwark-init: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* HOST:PORT, HOST an IPv4 address. */
static void parse_listen(const char *spec, struct sockaddr_in *address) {
    const char *colon = strrchr(spec, ':');
    if (colon == NULL) usage_error("--listen '%s' is not HOST:PORT", spec);
    char host[INET_ADDRSTRLEN];
    size_t host_length = (size_t)(colon - spec);
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    if (host_length >= sizeof host) usage_error("--listen '%s': HOST must be an IPv4 address", spec);
    memcpy(host, spec, host_length);
    host[host_length] = '\0';
    if (inet_pton(AF_INET, host, &address->sin_addr) != 1) usage_error("--listen '%s': HOST must be an IPv4 address", spec);
    int port = 0;
    for (const char *p = colon + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || port > 65535) usage_error("--listen '%s': bad PORT", spec);
        port = port * 10 + (*p - '0');
    }
    if (port < 1 || port > 65535) usage_error("--listen '%s': PORT must be 1 to 65535", spec);
    address->sin_port = htons((uint16_t)port);
}

/* One resource limit to set before the runtime starts. */
struct limit {
    int resource;
    struct rlimit value;
};

static const struct {
    const char *name;
    int resource;
} limit_names[] = {
    {"core", RLIMIT_CORE}, {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC},
    {"memlock", RLIMIT_MEMLOCK}, {"stack", RLIMIT_STACK},
};

/* A decimal number or "unlimited", up to the end of the text or to `end_at`; false if it is neither. */
static bool parse_limit_value(const char *text, char end_at, rlim_t *value) {
    if (strncmp(text, "unlimited", 9) == 0 && (text[9] == end_at || text[9] == '\0')) {
        *value = RLIM_INFINITY;
        return true;
    }
    char *end;
    errno = 0;
    unsigned long long number = strtoull(text, &end, 10);
    if (errno != 0 || end == text || (*end != end_at && *end != '\0') || text[0] == '-') return false;
    *value = (rlim_t)number;
    return true;
}

/* NAME=SOFT:HARD, e.g. nofile=1024:1024 or stack=8388608:unlimited. */
static void parse_limit(const char *spec, struct limit *limit) {
    const char *equals = strchr(spec, '=');
    const char *colon = equals ? strchr(equals, ':') : NULL;
    if (colon == NULL) usage_error("--rlimit '%s' is not NAME=SOFT:HARD", spec);
    limit->resource = -1;
    for (size_t i = 0; i < sizeof limit_names / sizeof *limit_names; i++) {
        size_t length = strlen(limit_names[i].name);
        if ((size_t)(equals - spec) == length && strncmp(spec, limit_names[i].name, length) == 0) {
            limit->resource = limit_names[i].resource;
        }
    }
    if (limit->resource < 0) usage_error("--rlimit '%s': NAME must be core, nofile, nproc, memlock or stack", spec);
    if (!parse_limit_value(equals + 1, ':', &limit->value.rlim_cur) ||
        !parse_limit_value(colon + 1, '\0', &limit->value.rlim_max)) {
        usage_error("--rlimit '%s': SOFT and HARD must be numbers or 'unlimited'", spec);
    }
    if (limit->value.rlim_cur > limit->value.rlim_max) usage_error("--rlimit '%s': SOFT is above HARD", spec);
}

/* Sets each limit, lowered to the hard limit init has when it asks for more (raising one needs privilege). */
static void apply_limits(const struct limit *limits, size_t count) {
    for (size_t i = 0; i < count; i++) {
        struct rlimit current, wanted = limits[i].value;
        if (getrlimit(limits[i].resource, &current) < 0) fail("getrlimit");
        if (wanted.rlim_max > current.rlim_max) wanted.rlim_max = current.rlim_max;
        if (wanted.rlim_cur > wanted.rlim_max) wanted.rlim_cur = wanted.rlim_max;
        if (setrlimit(limits[i].resource, &wanted) < 0) fail("setrlimit");
    }
}

/* A descriptor number >= 3 (0-2 are the command's stdio) that is open, given to `option`. */
static int parse_descriptor(const char *option, const char *text) {
    char *end;
    errno = 0;
    long fd = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || fd < 3 || fd > INT_MAX) {
        usage_error("%s '%s' must be a descriptor number of 3 or more", option, text);
    }
    if (fcntl((int)fd, F_GETFD) < 0) usage_error("%s %ld is not an open descriptor", option, fd);
    return (int)fd;
}

/* Closes [first, last]; close_range needs Linux 5.9, so fall back to one close per possible descriptor. */
static void close_fds(unsigned first, unsigned last) {
    if (first > last || close_range(first, last, 0) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > INT_MAX) max = 65536;
    for (long fd = first; fd <= (long)last && fd < max; fd++) close((int)fd);
}

/* Closes every descriptor from 3 up but those in `kept` (-1 entries ignored). */
static void close_all_but(const int *kept, size_t count) {
    unsigned next = 3;
    for (;;) {
        int lowest = -1;
        for (size_t i = 0; i < count; i++) {
            if (kept[i] >= (int)next && (lowest < 0 || kept[i] < lowest)) lowest = kept[i];
        }
        if (lowest < 0) break;
        close_fds(next, (unsigned)lowest - 1);
        next = (unsigned)lowest + 1;
    }
    close_fds(next, ~0U);
}

/*
 * Listens on every address and sends the sockets to Bulwark in one message on `handoff_fd`, in order; then closes
 * them here. Exits 1 if any step fails: Bulwark then sees the channel closed without a message.
 */
static void hand_off_listeners(const struct sockaddr_in *addresses, size_t count, int handoff_fd) {
    int sockets[MAX_LISTENERS];
    for (size_t i = 0; i < count; i++) {
        sockets[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sockets[i] < 0) fail("socket");
        int on = 1;
        setsockopt(sockets[i], SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(sockets[i], (const struct sockaddr *)&addresses[i], sizeof addresses[i]) < 0 || listen(sockets[i], 64) < 0) {
            char address[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &addresses[i].sin_addr, address, sizeof address);
            fprintf(stderr, "bulwark-init: cannot listen on %s:%u: %s\n", address, ntohs(addresses[i].sin_port), strerror(errno));
            exit(1);
        }
    }
    char byte = 'L';
    struct iovec data = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int) * MAX_LISTENERS)];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.space,
                             .msg_controllen = CMSG_SPACE(sizeof(int) * count)};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(header), sockets, sizeof(int) * count);
    ssize_t sent;
    while ((sent = sendmsg(handoff_fd, &message, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    if (sent != 1) fail("handing off the listening sockets");
    for (size_t i = 0; i < count; i++) close(sockets[i]);
    close(handoff_fd);
}

/*
 * In the child: the runtime starts clean whatever init inherited or changed — default signal dispositions (an
 * ignored SIGPIPE would survive exec), nothing blocked, its own process group (so that init can kill the group),
 * stdin from /dev/null. Exit 127 if COMMAND is not found and 126 if it cannot run, as shells do.
 */
static void exec_command(char **argv) {
    setpgid(0, 0);
    for (int signo = 1; signo < NSIG; signo++) signal(signo, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0) {
        close(0);
    } else if (null != 0) {
        dup2(null, 0);
        close(null);
    }
    execvp(argv[0], argv);
    int error = errno;
    fprintf(stderr, "bulwark-init: cannot run %s: %s\n", argv[0], strerror(error));
    _exit(error == ENOENT ? 127 : 126);
}

/* SIGKILLs every process whose parent is init; false if /proc cannot be read. */
static bool kill_children(void) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) return false;
    pid_t self = getpid();
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
        char path[300], stat[512];
        snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t length = read(fd, stat, sizeof stat - 1);
        close(fd);
        if (length <= 0) continue;
        stat[length] = '\0';
        /* "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'. */
        const char *after_comm = strrchr(stat, ')');
        int parent;
        if (after_comm != NULL && sscanf(after_comm + 1, " %*c %d", &parent) == 1 && parent == self) {
            kill(atoi(entry->d_name), SIGKILL);
        }
    }
    closedir(proc);
    return true;
}

/*
 * Once the runtime has exited nothing it started may outlive it. As PID 1, kill(-1) reaches every other process
 * of the namespace. Otherwise init is a child subreaper: kill the command's process group, then every child
 * (descendants that left the group are reparented to init as their parents die), round after round until none
 * is left. Without /proc, escaped processes cannot be found and are left to the namespace's end.
 */
static void kill_remaining(pid_t command_group) {
    bool pid1 = getpid() == 1;
    for (;;) {
        bool can_wait = true;
        if (pid1) {
            kill(-1, SIGKILL);
        } else {
            kill(-command_group, SIGKILL);
            can_wait = kill_children();
        }
        pid_t pid = waitpid(-1, NULL, can_wait ? 0 : WNOHANG);
        if (pid == 0 || (pid < 0 && errno != EINTR)) return;
    }
}

static void write_status(int fd, const char *line) {
    size_t length = strlen(line), written = 0;
    while (written < length) {
        ssize_t n = write(fd, line + written, length - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; /* nobody is listening any more; the exit code still tells */
        written += (size_t)n;
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in listeners[MAX_LISTENERS];
    size_t listener_count = 0;
    struct limit *limits = calloc((size_t)argc, sizeof *limits);
    if (limits == NULL) fail("calloc");
    size_t limit_count = 0;
    int status_fd = -1, handoff_fd = -1;
    int index = 1;
    bool has_separator = false;
    for (; index < argc; index++) {
        const char *argument = argv[index];
        if (strcmp(argument, "--") == 0) {
            has_separator = true;
            index++;
            break;
        } else if (strcmp(argument, "--listen") == 0) {
            if (++index == argc) usage_error("--listen needs HOST:PORT");
            if (listener_count == MAX_LISTENERS) usage_error("at most %d --listen addresses", MAX_LISTENERS);
            parse_listen(argv[index], &listeners[listener_count++]);
        } else if (strcmp(argument, "--handoff-fd") == 0) {
            if (++index == argc) usage_error("--handoff-fd needs a descriptor number");
            if (handoff_fd >= 0) usage_error("--handoff-fd given twice");
            handoff_fd = parse_descriptor("--handoff-fd", argv[index]);
        } else if (strcmp(argument, "--rlimit") == 0) {
            if (++index == argc) usage_error("--rlimit needs NAME=SOFT:HARD");
            parse_limit(argv[index], &limits[limit_count++]);
        } else if (strcmp(argument, "--status-fd") == 0) {
            if (++index == argc) usage_error("--status-fd needs a descriptor number");
            if (status_fd >= 0) usage_error("--status-fd given twice");
            status_fd = parse_descriptor("--status-fd", argv[index]);
        } else if (strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else {
            usage_error("unknown option '%s'", argument);
        }
    }
    if (!has_separator) usage_error("missing '--' before COMMAND");
    if (index == argc) usage_error("missing COMMAND after '--'");
    if ((listener_count > 0) != (handoff_fd >= 0)) usage_error("--listen and --handoff-fd go together");
    if (handoff_fd >= 0 && handoff_fd == status_fd) usage_error("--handoff-fd and --status-fd must differ");
    char **command = argv + index;

    /* Whatever the sandbox's creator leaked must reach neither init nor the runtime. */
    int kept[2] = {status_fd, handoff_fd};
    close_all_but(kept, 2);
    if (status_fd >= 0 && fcntl(status_fd, F_SETFD, FD_CLOEXEC) < 0) fail("status fd");
    if (handoff_fd >= 0 && fcntl(handoff_fd, F_SETFD, FD_CLOEXEC) < 0) fail("handoff fd");
    apply_limits(limits, limit_count);
    /* Nothing run from here, init included, can gain privileges through setuid files or file capabilities. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("PR_SET_NO_NEW_PRIVS");
    /* Without PID 1's role, orphans of the runtime must still come to init to be reaped and killed. */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("PR_SET_CHILD_SUBREAPER");

    /* Signals arrive through a signalfd, so they are blocked before the child exists: none is lost between fork
     * and the loop. An inherited SIG_IGN for SIGCHLD would make children unwaitable. */
    static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaddset(&handled, forwarded[i]);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &handled, NULL) < 0) fail("sigprocmask");
    int signal_fd = signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd < 0) fail("signalfd");

    /* Listening before the runtime starts means its first connection can never find nobody there. */
    if (listener_count > 0) hand_off_listeners(listeners, listener_count, handoff_fd);

    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) exec_command(command);
    /* Also set here: whichever of parent and child runs first, the group exists before anyone signals it. */
    setpgid(child, child);

    int status = 0;
    for (bool running = true; running;) {
        struct pollfd ready = {.fd = signal_fd, .events = POLLIN};
        if (poll(&ready, 1, -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll");
        }
        struct signalfd_siginfo info;
        while (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
            if (info.ssi_signo != SIGCHLD) kill(child, (int)info.ssi_signo);
        }
        /* SIGCHLDs coalesce: reap every child that has ended, whether it came from the runtime or was orphaned. */
        int child_status;
        pid_t pid;
        while ((pid = waitpid(-1, &child_status, WNOHANG)) > 0) {
            if (pid == child) {
                status = child_status;
                running = false;
            }
        }
    }

    kill_remaining(child);
    char line[32];
    int code;
    if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        snprintf(line, sizeof line, "exited %d\n", code);
    } else {
        code = 128 + WTERMSIG(status);
        snprintf(line, sizeof line, "signaled %d\n", WTERMSIG(status));
    }
    if (status_fd >= 0) write_status(status_fd, line);
    return code;
}
