/* SPDX-License-Identifier: MIT */
/* ip_exec: the exec gate and the environment every exec gets (ip_exec.c),
 * shared with posix_spawn (ip_spawn.c). All vfork-safe. */
#ifndef TIERGATE_IP_EXEC_H
#define TIERGATE_IP_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* entries of the environment an exec gets (on the caller's stack) */
#define IP_ENV_CAP 4096

/* Decides an exec of path (relative to dirfd; flags TGPF_*) with argv,
 * inside the re-entry guard: 0 to go ahead, errno as the caller had it;
 * -1 with errno set: EACCES refused (the refusal was said on stderr),
 * ENOENT or ENOTDIR when there is no such program (nothing said). */
int ip_exec_gate(int dirfd, const char *path, char *const argv[],
		 uint32_t flags);
/* Builds envp for the new program in out (cap entries): the caller's envp
 * with LD_PRELOAD and the TIERGATE_* variables put back if they were
 * removed or changed. Returns out. */
char *const *ip_exec_env(char *const *envp, char **out, size_t cap);
/* Finds file in PATH like execvp (a name with a '/' is itself): false
 * when no directory has it as an executable regular file. */
bool ip_exec_path_search(const char *file, char *out, size_t cap);

#pragma GCC visibility pop

#endif
