/* SPDX-License-Identifier: MIT */
/*
 * A scratch directory for a fuzz harness: made once per process (the
 * first input), files rewritten in it for each input, removed at exit.
 * The git harnesses give it to the engine as the caller's root, so that
 * whatever path an input names (an include, GIT_DIR, a commondir) is
 * resolved inside it (openat2 RESOLVE_IN_ROOT) and nothing else is read.
 *
 *   scratch_make(dirs)   mkdtemp + the NULL-terminated dirs ("/a", "/a/b")
 *   scratch_put(rel, text, len)   writes root + rel whole
 *   scratch_drop(rel)    removes root + rel (absent: nothing)
 */
#ifndef TG_FUZZ_SCRATCH_H
#define TG_FUZZ_SCRATCH_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_root[] = "/tmp/tg-fuzz-XXXXXX";

static int scratch_rm_one(const char *p, const struct stat *st, int flag,
			  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void scratch_remove(void)
{
	nftw(scratch_root, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void scratch_path(char *buf, size_t sz, const char *rel)
{
	snprintf(buf, sz, "%s%s", scratch_root, rel);
}

static inline void scratch_make(const char *const *dirs)
{
	if (!mkdtemp(scratch_root))
		abort();
	atexit(scratch_remove);
	for (size_t i = 0; dirs[i]; i++) {
		char p[512];
		scratch_path(p, sizeof(p), dirs[i]);
		if (mkdir(p, 0755) < 0)
			abort();
	}
}

static inline void scratch_put(const char *rel, const char *text, size_t len)
{
	char p[512];
	scratch_path(p, sizeof(p), rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (len && write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
}

static inline void scratch_drop(const char *rel)
{
	char p[512];
	scratch_path(p, sizeof(p), rel);
	unlink(p);
}

#endif
