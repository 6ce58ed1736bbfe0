/* SPDX-License-Identifier: MIT */
/*
 * ip_path: path checks for the local decisions, on caller buffers with raw
 * system calls only (safe in a vfork child).
 */
#ifndef TIERGATE_IP_PATH_H
#define TIERGATE_IP_PATH_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* An absolute path with no "//", "." or ".." component and no trailing
 * '/', shorter than 4096 bytes: tg_path_normalize would return it
 * unchanged (the caller checks that p starts with '/'). */
bool ip_path_is_normal(const char *p);
/* dir + "/" + path into out (cap bytes), not folded; false if too long */
bool ip_path_join(const char *dir, const char *path, char *out, size_t cap);
/* Resolves the symlinks of the absolute path abs as the kernel walks it
 * (".." after a symlink is the parent of its target). False if anything
 * is unusual (missing, no permission, too long): the caller then asks
 * policyd. Keeps errno. */
bool ip_path_realpath(const char *abs, char *out, size_t cap);

#pragma GCC visibility pop

#endif
