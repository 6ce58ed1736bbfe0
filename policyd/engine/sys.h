/* SPDX-License-Identifier: MIT */
/*
 * sys: the engine's few helpers that look at the file system: resolving a
 * command to an executable the way execvp does, and telling whether a file
 * is git by identity (device and inode) rather than by name.
 */
#ifndef TIERGATE_SYS_H
#define TIERGATE_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <stdint.h>

/*
 * Resolves cmd like execvp: a name with '/' is taken relative to cwd, a bare
 * name is searched in path_env (":"-separated; NULL: the default PATH). The
 * result is canonical (symlinks resolved) in out. Returns 0, -ENOENT or
 * -ENAMETOOLONG.
 */
int sys_resolve_exe(const char *cmd, const char *cwd, const char *path_env,
		    char *out, size_t outsz);

/*
 * Is path git? True when it is the same file (device and inode) as one of
 * the git binaries on this system (/usr/bin/git, /usr/lib/git-core/git,
 * ...), or when it has the same size and SHA-256 (a renamed copy; the hash
 * cached by progid.c), or a larger file that starts with one's first 4 KiB
 * (a copy with bytes appended). A git changed elsewhere is a program that
 * is not git: exec, network and file rules decide it. Thread-safe.
 */
bool sys_is_git(const char *path);

/* Is path a program in git's exec path named git-NAME (git-filter-branch,
 * git-submodule, git-remote-http: scripts and programs git runs for
 * `git NAME`)? Run by hand, such a program does what `git NAME` does. */
bool sys_is_git_core_program(const char *path);

/* Is path a dynamic loader (ld.so)? Then "ld.so PROG" runs PROG, and PROG
 * is what must be decided. One of the known loaders by identity or
 * content, or whatever its bytes any ELF file built as one: a shared
 * object (ET_DYN) with a DT_SONAME and no PT_INTERP of its own, which is
 * what ld.so is and what no program or runnable library is (a copy of
 * ld.so with bytes appended or changed elsewhere stays one). */
bool sys_is_loader(const char *path);
/* The same for a file already stat()ed (st), without a stat of its own. */
bool sys_is_git_file(const char *path, const struct stat *st);
bool sys_is_loader_file(const char *path, const struct stat *st);

/* May an answer about this file be cached under its (device, inode, size,
 * ctime)? Only when its ctime is old enough that any later change gets
 * another: kernels without fine-grained timestamps stamp every change in a
 * clock tick (up to 10 ms) alike, so a file changed twice in one tick
 * would keep the first answer. */
bool sys_ctime_settled(const struct stat *st);

/* Identities of the git binaries found on this system (from the same
 * cache sys_is_git uses); returns how many were written to out. */
struct sys_git_id {
	uint64_t dev, ino;
	int64_t size;
};
size_t sys_git_ids(struct sys_git_id *out, size_t max);
/* The same for the dynamic loaders (ld.so) known by path. */
size_t sys_loader_ids(struct sys_git_id *out, size_t max);

#endif
