#define _GNU_SOURCE
#include "bulwark_system.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int bulwark_copy_times(const char *source, const char *target) {
    struct stat info;
    if (lstat(source, &info) != 0) return -1;
    struct timespec times[2] = {info.st_atim, info.st_mtim};
    return utimensat(AT_FDCWD, target, times, AT_SYMLINK_NOFOLLOW);
}

int bulwark_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }


int bulwark_seqpacket_pair_cloexec(int fds[2]) { return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds); }

int bulwark_receive_descriptors(int socket, int *descriptors, int capacity, int timeout_ms) {
    struct pollfd ready = {.fd = socket, .events = POLLIN};
    int polled;
    while ((polled = poll(&ready, 1, timeout_ms)) < 0 && errno == EINTR) {}
    if (polled <= 0) return polled;
    char byte;
    struct iovec data = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int) * 8)];
    } control;
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    ssize_t received;
    while ((received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (received < 0) return -1;
    int count = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int carried = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *sent = (int *)CMSG_DATA(header);
        for (int index = 0; index < carried; index++) {
            if (count < capacity) {
                descriptors[count++] = sent[index];
            } else {
                close(sent[index]);
            }
        }
    }
    return count;
}

int bulwark_is_listening_tcp4(int descriptor) {
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(descriptor, SOL_SOCKET, SO_DOMAIN, &value, &length) != 0 || value != AF_INET) return 0;
    length = sizeof value;
    if (getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &value, &length) != 0 || value != SOCK_STREAM) return 0;
    length = sizeof value;
    return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &value, &length) == 0 && value == 1;
}

int bulwark_memfd_cloexec(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int bulwark_file_status(const char *path, int follow, struct bulwark_file_status *status) {
    struct stat info;
    int result = follow ? stat(path, &info) : lstat(path, &info);
    if (result != 0) return -1;
    status->mode = (uint32_t)info.st_mode;
    status->owner = (uint32_t)info.st_uid;
    status->group = (uint32_t)info.st_gid;
    status->inode = (uint64_t)info.st_ino;
    return 0;
}

/// The kernel's sigaction, for rt_sigaction called directly.
struct bulwark_kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

struct bulwark_spawn_child {
    const char *path;
    char *const *argv;
    char *const *envp;
    const struct bulwark_spawn_setup *setup;
    int staging;
    /// The errno of a failed set-up or exec; the parent reads it once the child has exec'd or exited (CLONE_VFORK).
    volatile int error;
};

// The child shares the parent's memory until it execs (CLONE_VM): it calls the kernel directly, never a libc function
// that takes a lock or, like setuid(3), signals every thread of the parent to change their credentials too.
static int bulwark_spawn_child_main(void *argument) {
    struct bulwark_spawn_child *child = argument;
    const struct bulwark_spawn_setup *setup = child->setup;
    struct bulwark_kernel_sigaction defaults = {.handler = SIG_DFL};
    uint64_t none = 0;
    int highest = 2;
    for (int signal = 1; signal < 65; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, signal, &defaults, NULL, sizeof(uint64_t));
    }
    if (syscall(SYS_setpgid, 0, 0) != 0) goto failed;
    if (setup->switch_user) {
        // Groups first, then the group, then the user: after the user changes, nothing else may change.
        if (syscall(SYS_setgroups, (size_t)setup->group_count, setup->groups) != 0) goto failed;
        if (syscall(SYS_setresgid, setup->gid, setup->gid, setup->gid) != 0) goto failed;
        if (syscall(SYS_setresuid, setup->uid, setup->uid, setup->uid) != 0) goto failed;
    }
    // In two steps through numbers above every source and target, so that no source is overwritten before it is
    // copied; dup3 without flags clears close-on-exec on the targets.
    for (int index = 0; index < setup->count; index++) {
        if (syscall(SYS_dup3, setup->sources[index], child->staging + index, 0) < 0) goto failed;
    }
    for (int index = 0; index < setup->count; index++) {
        if (syscall(SYS_dup3, child->staging + index, setup->targets[index], 0) < 0) goto failed;
    }
    for (int index = 0; index < setup->count; index++) {
        if (setup->targets[index] > highest) highest = setup->targets[index];
    }
    if (syscall(SYS_close_range, highest + 1, ~0U, 0) != 0) goto failed;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(uint64_t)) != 0) goto failed;
    syscall(SYS_execve, child->path, child->argv, child->envp);
failed:
    child->error = errno;
    syscall(SYS_exit, 127);
    return 127;
}

int bulwark_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const struct bulwark_spawn_setup *setup) {
    int staging = 3;
    for (int index = 0; index < setup->count; index++) {
        if (setup->targets[index] >= staging) staging = setup->targets[index] + 1;
        if (setup->sources[index] >= staging) staging = setup->sources[index] + 1;
    }
    struct bulwark_spawn_child child = {.path = path, .argv = argv, .envp = envp, .setup = setup, .staging = staging};
    const size_t stack_size = 64 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return errno;
    // No handler of the parent may run in the child before the child resets them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t started = clone(bulwark_spawn_child_main, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
    int error = started < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    munmap(stack, stack_size);
    if (started < 0) return error;
    if (child.error != 0) {
        while (waitpid(started, NULL, 0) < 0 && errno == EINTR) {}
        return child.error;
    }
    *pid = started;
    return 0;
}
