// Linux system calls and GNU extensions that Swift's Glibc module does not export.
#ifndef BULWARK_SYSTEM_H
#define BULWARK_SYSTEM_H

#include <stdint.h>
#include <sys/types.h>

/// What stat(2) says of a file, in fixed-width fields: Glibc's `struct stat` is defined by several Clang modules
/// at once, and Swift's member import visibility cannot tell reliably which one a file must import for it.
struct bulwark_file_status {
    uint32_t mode;
    uint32_t owner;
    uint32_t group;
    uint64_t inode;
};

/// lstat(path) (stat(path) when `follow` is non-zero) into `status`: 0, or -1 with errno.
int bulwark_file_status(const char *path, int follow, struct bulwark_file_status *status);

/// Gives `target` the access and modification times of `source` (neither followed if a symbolic link): 0, or -1
/// with errno.
int bulwark_copy_times(const char *source, const char *target);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends are not inherited by exec'd children.
int bulwark_pipe_cloexec(int fds[2]);

/// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): the channel over which a sandbox's init hands its listening
/// sockets to the server.
int bulwark_seqpacket_pair_cloexec(int fds[2]);

/// Receives the descriptors of one SCM_RIGHTS message on `socket`, waiting at most `timeout_ms`: stores at most
/// `capacity` of them (close-on-exec) in `descriptors` and returns how many came; 0 when the peer closed without
/// sending or the time ran out; -1 with errno on failure. Descriptors beyond `capacity` are closed.
int bulwark_receive_descriptors(int socket, int *descriptors, int capacity, int timeout_ms);

/// 1 when `descriptor` is a listening TCP socket of IPv4, else 0.
int bulwark_is_listening_tcp4(int descriptor);

/// What a child started by `bulwark_spawn` gets besides its program and arguments.
struct bulwark_spawn_setup {
    /// Descriptor `sources[i]` of the parent becomes descriptor `targets[i]` of the child; every other descriptor is
    /// closed in the child.
    const int *targets;
    const int *sources;
    int count;
    /// Run as this host user and group (real, effective and saved), with exactly `groups` as supplementary groups,
    /// when `switch_user` is non-zero: what a server running as root gives each sandbox.
    int switch_user;
    uint32_t uid;
    uint32_t gid;
    const uint32_t *groups;
    int group_count;
};

/// Starts `path` with `argv` and `envp` in a new process group, with every signal at its default disposition and
/// none blocked, as `setup` says: like posix_spawn, and the user switch happens in the child between fork and exec,
/// so no helper program (setpriv) is executed first. Returns 0 and the child's pid, or an errno value (from the
/// child's set-up or exec too; the child is then reaped).
int bulwark_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const struct bulwark_spawn_setup *setup);

/// memfd_create(name, MFD_CLOEXEC): a file that lives in memory only, on no file system, closed on exec in the
/// parent.
int bulwark_memfd_cloexec(const char *name);

#endif
