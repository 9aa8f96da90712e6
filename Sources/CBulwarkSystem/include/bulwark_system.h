// Linux system calls and GNU extensions that Swift's Glibc module does not export.
#ifndef BULWARK_SYSTEM_H
#define BULWARK_SYSTEM_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): a pipe whose ends are not inherited by exec'd children.
int bulwark_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np: close every descriptor >= `lowest` in the child.
int bulwark_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// memfd_create(name, MFD_CLOEXEC): a file that lives in memory only, on no file system, closed on exec in the
/// parent.
int bulwark_memfd_cloexec(const char *name);

#endif
