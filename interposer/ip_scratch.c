/* SPDX-License-Identifier: MIT */
/* ip_scratch: calls on the scratch directory's names, made relative to
 * TG_SCRATCH_FD. See ip_scratch.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h> /* RENAME_WHITEOUT (no stdio is used) */
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_env.h"
#include "ip_scratch.h"
#include "ip_state.h"
#include "tg_proto.h"

/* What this program learned of the descriptor: written once by the thread
 * that moves the state from UNKNOWN to BUSY, read after ON (acquire). */
enum sc_state { SC_UNKNOWN, SC_BUSY, SC_ON, SC_OFF };
static _Atomic int sc_state;
static char sc_path[PATH_MAX]; /* the directory, as /proc says */
static size_t sc_len;
static dev_t sc_dev;
static ino_t sc_ino;

/* What /proc/self/fd says fd is, into buf: its length, or -1 (nothing
 * absolute, a deleted file, too long). */
static long fd_path(int fd, char buf[PATH_MAX])
{
	static const char deleted[] = " (deleted)";
	char link[32] = "/proc/self/fd/", digits[12];
	size_t d = 0, o = sizeof("/proc/self/fd/") - 1;
	do /* no stdio: a signal handler may be calling */
		digits[d++] = (char)('0' + fd % 10);
	while ((fd /= 10) > 0);
	while (d)
		link[o++] = digits[--d];
	link[o] = '\0';
	long n = syscall(SYS_readlinkat, AT_FDCWD, link, buf, PATH_MAX - 1);
	if (n <= 0 || n >= PATH_MAX - 1 || buf[0] != '/')
		return -1;
	buf[n] = '\0';
	d = sizeof(deleted) - 1;
	if ((size_t)n >= d && !memcmp(buf + n - d, deleted, d))
		return -1;
	return n;
}

/* Is TG_SCRATCH_FD the directory dir names (as /proc says, to the
 * byte)? Its identity into st. */
static bool fd_is(const char *dir, struct stat *st)
{
	char buf[PATH_MAX];
	return syscall(SYS_fstat, TG_SCRATCH_FD, st) == 0 &&
	       S_ISDIR(st->st_mode) && fd_path(TG_SCRATCH_FD, buf) > 0 &&
	       !strcmp(buf, dir);
}

/*
 * TIERGATE_SCRATCH names an absolute directory and TG_SCRATCH_FD is it:
 * SC_ON (sc_* set), else SC_OFF. A closed number is filled with the
 * directory again: F_DUPFD gives the lowest free number from there, so
 * only a free one is taken; it has no close-on-exec, like the one
 * agent-shell leaves (the children's filter and interposer want it).
 */
static int attach(void)
{
	const char *dir = ip_env_scratch();
	size_t n = dir ? strnlen(dir, PATH_MAX) : 0;
	struct stat st;
	if (!n || n >= PATH_MAX || dir[0] != '/')
		return SC_OFF;
	if (syscall(SYS_fstat, TG_SCRATCH_FD, &st) < 0) {
		if (errno != EBADF)
			return SC_OFF;
		long fd =
		    syscall(SYS_openat, AT_FDCWD, dir,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return SC_OFF;
		long at = syscall(SYS_fcntl, (int)fd, F_DUPFD, TG_SCRATCH_FD);
		syscall(SYS_close, (int)fd);
		if (at != TG_SCRATCH_FD) {
			if (at >= 0)
				syscall(SYS_close, (int)at);
			return SC_OFF;
		}
		if (!fd_is(dir, &st)) { /* not the name agent-shell gave */
			syscall(SYS_close, TG_SCRATCH_FD);
			return SC_OFF;
		}
	} else if (!fd_is(dir, &st)) {
		return SC_OFF; /* the program's own: never touched */
	}
	if (sc_len != n || memcmp(sc_path, dir, n + 1)) { /* learned again */
		memcpy(sc_path, dir, n + 1);
		sc_len = n;
	}
	sc_dev = st.st_dev;
	sc_ino = st.st_ino;
	return SC_ON;
}

/* The descriptor is learned (once per program, in the first thread that
 * needs it; the others go the normal way meanwhile). */
static bool ready(void)
{
	int s = atomic_load_explicit(&sc_state, memory_order_acquire);
	if (s != SC_UNKNOWN)
		return s == SC_ON;
	if (!atomic_compare_exchange_strong(&sc_state, &s, SC_BUSY))
		return false;
	s = attach();
	atomic_store_explicit(&sc_state, s, memory_order_release);
	return s == SC_ON;
}

/* Is TG_SCRATCH_FD still the directory learned? Closed since (the program
 * closed every descriptor): learned again, once. */
static bool fd_same(void)
{
	struct stat st;
	for (int tries = 0; tries < 2; tries++) {
		if (syscall(SYS_fstat, TG_SCRATCH_FD, &st) == 0)
			return st.st_dev == sc_dev && st.st_ino == sc_ino;
		int on = SC_ON;
		if (errno != EBADF ||
		    !atomic_compare_exchange_strong(&sc_state, &on,
						    SC_UNKNOWN) ||
		    !ready())
			return false;
	}
	return false;
}

/* Has the relative name r a ".." component? */
static bool has_dotdot(const char *r)
{
	for (const char *c = r; *c; c++)
		if ((c == r || c[-1] == '/') && c[0] == '.' && c[1] == '.' &&
		    (c[2] == '/' || c[2] == '\0'))
			return true;
	return false;
}

/* What follows the scratch directory in the absolute name abs, or NULL. */
static const char *beneath(const char *abs)
{
	if (strncmp(abs, sc_path, sc_len) || abs[sc_len] != '/')
		return NULL;
	const char *r = abs + sc_len;
	while (*r == '/')
		r++;
	return *r && !has_dotdot(r) ? r : NULL;
}

/* dir (n bytes, absolute) + "/" + path into buf; false if too long */
static bool join(char buf[PATH_MAX], size_t n, const char *path)
{
	size_t p = strnlen(path, PATH_MAX);
	if (n && buf[n - 1] != '/')
		buf[n++] = '/';
	if (n + p >= PATH_MAX)
		return false;
	memcpy(buf + n, path, p + 1);
	return true;
}

static const char *rel_name(int dirfd, const char *path, char buf[PATH_MAX])
{
	path = ip_maybe_null(path);
	if (!path || !path[0] || strnlen(path, PATH_MAX) >= PATH_MAX)
		return NULL;
	if (path[0] == '/')
		return beneath(path);
	if (dirfd == TG_SCRATCH_FD) /* relative to it already */
		return has_dotdot(path) ? NULL : path;
	long n;
	if (dirfd == AT_FDCWD) {
		n = syscall(SYS_getcwd, buf, PATH_MAX); /* with its NUL */
		if (n <= 1 || buf[0] != '/')
			return NULL;
		n--;
	} else {
		/* a symlink opened O_PATH names no directory: not followed */
		struct stat st;
		if (dirfd < 0 || syscall(SYS_fstat, dirfd, &st) < 0 ||
		    !S_ISDIR(st.st_mode) || (n = fd_path(dirfd, buf)) < 0)
			return NULL;
	}
	return join(buf, (size_t)n, path) ? beneath(buf) : NULL;
}

const char *ip_scratch_rel(int dirfd, const char *path, char buf[PATH_MAX])
{
	if (!ip_env_scratch())
		return NULL;
	int saved = errno;
	const char *r = ready() ? rel_name(dirfd, path, buf) : NULL;
	errno = saved;
	return r;
}

void ip_scratch_forget(void)
{
	atomic_store(&sc_state, SC_UNKNOWN);
}

enum sc_call {
	SCC_OPEN,
	SCC_MKDIR,
	SCC_UNLINK,
	SCC_SYMLINK,
	SCC_RENAME,
	SCC_LINK,
	SCC_MAX
};

/* One call, its names relative to TG_SCRATCH_FD. */
static long raw(enum sc_call c, const char *a, const char *b, int flags,
		mode_t mode, const char *target)
{
	const int fd = TG_SCRATCH_FD;
	switch (c) {
	case SCC_OPEN:
		return syscall(SYS_openat, fd, a, flags, mode);
	case SCC_MKDIR:
		return syscall(SYS_mkdirat, fd, a, mode);
	case SCC_UNLINK:
		return syscall(SYS_unlinkat, fd, a, flags);
	case SCC_SYMLINK:
		return syscall(SYS_symlinkat, target, fd, a);
	case SCC_RENAME:
		return syscall(SYS_renameat2, fd, a, fd, b, (unsigned)flags);
	case SCC_LINK:
		return syscall(SYS_linkat, fd, a, fd, b, flags);
	default:
		errno = ENOSYS;
		return -1;
	}
}

/* The call made relative to TG_SCRATCH_FD when every name is beneath the
 * directory (b: a second name, or NULL); see ip_scratch.h. */
static bool try_call(enum sc_call c, int da, const char *a, int db,
		     const char *b, int flags, mode_t mode, const char *target,
		     int *ret)
{
	if (!ip_env_scratch() || !ip_active || ip_in_hook)
		return false; /* no scratch directory: this test alone */
	int saved = errno;
	char abuf[PATH_MAX], bbuf[PATH_MAX];
	const char *ra, *rb = NULL;
	if (!ready() || !(ra = rel_name(da, a, abuf)) ||
	    ((c == SCC_RENAME || c == SCC_LINK) &&
	     !(rb = rel_name(db, b, bbuf))) ||
	    !fd_same()) {
		errno = saved;
		return false;
	}
	long r = raw(c, ra, rb, flags, mode, target);
	if (r < 0 && (errno == EACCES || errno == EPERM || errno == EXDEV ||
		      errno == ENOSYS)) {
		/* no effect: Landlock, a symlink leading out, or a plain
		 * refusal, which the normal way meets again */
		errno = saved;
		return false;
	}
	if (r >= 0)
		errno = saved;
	*ret = (int)r;
	return true;
}

bool ip_scratch_open(int dirfd, const char *path, int flags, mode_t mode,
		     int *ret)
{
	/* what the filter lets through: a new name, never an O_TMPFILE */
	if ((flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL) ||
	    (flags & __O_TMPFILE))
		return false;
	return try_call(SCC_OPEN, dirfd, path, 0, NULL, flags, mode, NULL, ret);
}

bool ip_scratch_mkdir(int dirfd, const char *path, mode_t mode, int *ret)
{
	return try_call(SCC_MKDIR, dirfd, path, 0, NULL, 0, mode, NULL, ret);
}

bool ip_scratch_unlink(int dirfd, const char *path, int flags, int *ret)
{
	if (flags != 0 && flags != AT_REMOVEDIR)
		return false;
	return try_call(SCC_UNLINK, dirfd, path, 0, NULL, flags, 0, NULL, ret);
}

bool ip_scratch_symlink(const char *target, int dirfd, const char *path,
			int *ret)
{
	if (!ip_maybe_null(target)) /* EFAULT: the normal way */
		return false;
	return try_call(SCC_SYMLINK, dirfd, path, 0, NULL, 0, 0, target, ret);
}

bool ip_scratch_rename(int da, const char *a, int db, const char *b,
		       unsigned flags, int *ret)
{
	if (flags & RENAME_WHITEOUT)
		return false;
	return try_call(SCC_RENAME, da, a, db, b, (int)flags, 0, NULL, ret);
}

bool ip_scratch_link(int da, const char *a, int db, const char *b, int flags,
		     int *ret)
{
	if (flags != 0 && flags != AT_SYMLINK_FOLLOW)
		return false;
	return try_call(SCC_LINK, da, a, db, b, flags, 0, NULL, ret);
}
