/* SPDX-License-Identifier: MIT */
/* ip_exec: the exec gate (ip_exec.c), shared with posix_spawn
 * (ip_spawn.c). vfork-safe. */
#ifndef TIERGATE_IP_EXEC_H
#define TIERGATE_IP_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* Decides an exec of path (relative to dirfd; flags TGPF_*) with argv,
 * inside the re-entry guard: 0 to go ahead, errno as the caller had it;
 * -1 with errno set: EACCES refused (the refusal was said on stderr),
 * ENOENT or ENOTDIR when there is no such program (nothing said). */
int ip_exec_gate(int dirfd, const char *path, char *const argv[],
		 uint32_t flags);
/* The same for an exec that passes envp (ip_exec_gate: environ): the
 * variables git reads go to policyd with the request. */
int ip_exec_gate_env(int dirfd, const char *path, char *const argv[],
		     char *const envp[], uint32_t flags);
/* Finds file in PATH like execvp (a name with a '/' is itself): false
 * when no directory has it as an executable regular file. */
bool ip_exec_path_search(const char *file, char *out, size_t cap);

#pragma GCC visibility pop

#endif
