/* SPDX-License-Identifier: MIT */
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_proto.h"
#include "util.h"

int scratch_make(const char *base, const char *sid, char *out, size_t cap)
{
	char tmpl[PATH_MAX];
	if (!base || base[0] != '/')
		base = "/tmp";
	/* the session's id names it for an operator; only its safe bytes */
	char id[40];
	size_t n = 0;
	for (const char *p = sid; *p && n + 1 < sizeof(id); p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
			id[n++] = *p;
	id[n] = '\0';
	if (snprintf(tmpl, sizeof(tmpl), "%s/tiergate-%s.XXXXXX", base, id) >=
	    (int)sizeof(tmpl))
		return -ENAMETOOLONG;
	/* mkdtemp makes it 0700: nobody else's to read or write */
	if (!mkdtemp(tmpl))
		return -errno;
	/* held at once, and checked as held: the name could have been
	 * swapped since (another process of the user renaming it away and
	 * putting a symlink there); its name from then on is the kernel's */
	_cleanup_close_ int fd =
	    open(tmpl, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t rl = fd < 0 ? -1 : readlink(link, real, sizeof(real) - 1);
	bool ours = fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == geteuid();
	if (!ours || (st.st_mode & 07777) != 0700 || rl <= 0 ||
	    (size_t)rl >= cap) {
		if (ours)
			rmdir(tmpl); /* (an empty directory, if another) */
		return -EPERM;
	}
	real[rl] = '\0';
	strcpy(out, real);
	return scratch_hold(fd);
}

int scratch_hold(int fd)
{
	/* the lowest free number from TG_SCRATCH_FD up: only that number
	 * will do (one inherited there is the caller's, never replaced) */
	int at = fcntl(fd, F_DUPFD, TG_SCRATCH_FD);
	if (at < 0)
		return -errno;
	if (at != TG_SCRATCH_FD) {
		close(at);
		return -EBUSY;
	}
	return 0; /* F_DUPFD's copy has no close-on-exec: the session's */
}

/* A directory entry of dfd opened for reading, made readable and writable
 * for its owner first (0000): through an O_PATH descriptor that is a
 * directory, never a name that could have become a hard link to a file of
 * the user's since. */
static int open_subdir(int dfd, const char *name)
{
	int p = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (p < 0)
		return -1;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", p);
	struct stat st;
	if (fstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 0700) != 0700 && chmod(link, 0700) < 0) {
		/* the open below says whether it mattered */
	}
	int fd = open(link, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(p);
	return fd;
}

/* Removes what dfd's directory holds, then nothing else: every entry is
 * reached from its parent's descriptor, directories opened O_NOFOLLOW, so
 * a session process still running cannot lead the removal elsewhere by
 * swapping a directory for a symlink. Depth is bounded (a tree deeper than
 * that is left, and said). */
static int empty_dir(int dfd, int depth)
{
	if (depth > 256)
		return -ELOOP;
	int cfd = dup(dfd);
	DIR *d = cfd < 0 ? NULL : fdopendir(cfd);
	if (!d) {
		if (cfd >= 0)
			close(cfd);
		return -errno;
	}
	int r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dfd, e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = -errno;
			continue;
		}
		int sub = open_subdir(dfd, e->d_name);
		if (sub < 0) {
			r = -errno;
			continue;
		}
		int sr = empty_dir(sub, depth + 1);
		close(sub);
		if (sr < 0)
			r = sr;
		else if (unlinkat(dfd, e->d_name, AT_REMOVEDIR) < 0 &&
			 errno != ENOENT)
			r = -errno;
	}
	closedir(d);
	return r;
}

int scratch_remove(const char *path, int held)
{
	/* emptied through the descriptor held since it was made (the name
	 * could lead elsewhere by now), removed by its name only while that
	 * names the same directory */
	int fd = held >= 0 ? openat(held, ".", O_RDONLY | O_DIRECTORY |
						   O_CLOEXEC)
			   : open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = empty_dir(fd, 0);
	struct stat a, b;
	bool same = fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	close(fd);
	if (r == 0 && same && rmdir(path) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}
