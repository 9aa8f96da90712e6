// Linux system calls and GNU extensions that Swift's Glibc module does not export.
#ifndef BULWARK_SYSTEM_H
#define BULWARK_SYSTEM_H

#include <spawn.h>
#include <stdint.h>

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

/// pipe2(fds, O_CLOEXEC): a pipe whose ends are not inherited by exec'd children.
int bulwark_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np: close every descriptor >= `lowest` in the child.
int bulwark_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// memfd_create(name, MFD_CLOEXEC): a file that lives in memory only, on no file system, closed on exec in the
/// parent.
int bulwark_memfd_cloexec(const char *name);

#endif
