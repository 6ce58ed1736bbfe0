/* SPDX-License-Identifier: MIT */
/*
 * ip_stdio: fopen, fopen64, freopen and freopen64. A read-only fopen is
 * decided by the read fast path as open() is (ip_reads.c); every other
 * mode goes through the open gate (ip_files.c) before libc's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ip_files.h"
#include "ip_reads.h"
#include "ip_state.h"

REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(FILE *, freopen, const char *, const char *, FILE *)
REAL(FILE *, freopen64, const char *, const char *, FILE *)

/* glibc reads the mode's letters after the first, up to six of them,
 * passing over any it does not know: a ',' too ("r,+" opens O_RDWR; its
 * ",ccs=" is looked for afterwards). Stopped at the ',', "r,+" was
 * checked as a read and written to (interposer's path) */
static bool mode_has(const char *mode, char c)
{
	for (int i = 1; i < 7 && mode[i]; i++)
		if (mode[i] == c)
			return true;
	return false;
}

static int fmode_flags(const char *mode)
{
	if (!mode)
		return O_RDONLY;
	int f;
	switch (mode[0]) {
	case 'r':
		f = O_RDONLY;
		break;
	case 'w':
		f = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		f = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return O_RDONLY;
	}
	if (mode_has(mode, '+'))
		f = (f & ~O_ACCMODE) | O_RDWR;
	if (mode_has(mode, 'x')) /* exclusive create */
		f |= O_EXCL;
	return f;
}

/* A read-only fopen decided in the process as open() decides it (the read
 * fast path: no symlink on the way, the name silent by the snapshot): the
 * descriptor opened there, the stream made on it by fdopen. git reads
 * its configuration files so, about ten a process; the full check would
 * read every component's link first. false: the ordinary way. */
static bool fopen_fast(const char *path, const char *mode, FILE **ret)
{
	/* "r" with any of glibc's letters but '+' (a write) and ",ccs="
	 * (fdopen has no encoding); 'e' becomes O_CLOEXEC, 'm' and 'b'
	 * change nothing a descriptor has */
	if (!path || !mode || mode[0] != 'r' || mode_has(mode, '+') ||
	    strchr(mode, ','))
		return false;
	int fd, flags = O_RDONLY | (mode_has(mode, 'e') ? O_CLOEXEC : 0);
	if (!ip_reads_fast_open(AT_FDCWD, path, flags, &fd))
		return false;
	if (fd < 0) {
		*ret = NULL; /* what the open said (errno) */
		return true;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
	}
	*ret = f;
	return true;
}

IP_EXPORT FILE *fopen(const char *path, const char *mode)
{
	FILE *fast;
	if (fopen_fast(path, mode, &fast))
		return fast;
	if (!ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	FILE *f = get_fopen()(path, mode);
	if (!f)
		ip_files_landlock_why_open(-1, AT_FDCWD, path,
					   fmode_flags(mode));
	return f;
}

IP_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	FILE *fast;
	if (fopen_fast(path, mode, &fast))
		return fast;
	if (!ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	FILE *f = get_fopen64()(path, mode);
	if (!f)
		ip_files_landlock_why_open(-1, AT_FDCWD, path,
					   fmode_flags(mode));
	return f;
}

IP_EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
	if (path && !ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	FILE *r = get_freopen()(path, mode, f);
	if (!r && path)
		ip_files_landlock_why_open(-1, AT_FDCWD, path,
					   fmode_flags(mode));
	return r;
}

IP_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
	if (path && !ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	FILE *r = get_freopen64()(path, mode, f);
	if (!r && path)
		ip_files_landlock_why_open(-1, AT_FDCWD, path,
					   fmode_flags(mode));
	return r;
}
