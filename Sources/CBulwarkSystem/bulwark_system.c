#define _GNU_SOURCE
#include "bulwark_system.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int bulwark_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int bulwark_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
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
