#define _GNU_SOURCE
#include "bulwark_system.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int bulwark_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int bulwark_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int bulwark_memfd_cloexec(const char *name) { return memfd_create(name, MFD_CLOEXEC); }
