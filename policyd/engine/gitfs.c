/* SPDX-License-Identifier: MIT */
/*
 * gitfs: the files git would read, as the caller sees them. Paths are
 * absolute in the caller's view and resolved inside its root (openat2
 * RESOLVE_IN_ROOT on /proc/PID/root: an absolute symlink in the caller's
 * tree leads where it leads for the caller, never to policyd's files).
 * Files are opened non-blocking (a FIFO planted as a config file cannot
 * stall policyd), must be regular, and are read up to a cap.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gitint.h"
#include "missing.h"

/* gitfs_read's memory for one decision: a few files, read again and again
 * by git's discovery; beyond GITFS_MEMO_MAX paths they are read each time */
#define GITFS_MEMO_MAX 16

struct gitfs_memo {
	size_t n;
	struct {
		char *path;
		size_t max;
		int r; /* gitfs_read's result */
		char *text;
		size_t len;
	} v[GITFS_MEMO_MAX];
};

static void memo_free(struct gitfs_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].text);
	}
	free(m);
}

static unsigned long nopens; /* git_parse_fs_opens */

unsigned long git_parse_fs_opens(void)
{
	return nopens;
}

int gitfs_open(struct gitfs *fs, const struct git_ctx *ctx)
{
	nopens++;
	memset(fs, 0, sizeof(*fs));
	fs->rootfd = -1;
	fs->root = ctx->root ? ctx->root : "";
	fs->env = ctx->env;
	fs->nenv = ctx->nenv;
	fs->have_env = ctx->env != NULL;
	fs->home = ctx->home;
	fs->wit = ctx->wit;
	if (ctx->no_files) {
		fs->root = NULL; /* every lookup fails */
		return 0;
	}
	if (fs->root[0]) {
		fs->rootfd = open(fs->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fs->rootfd < 0)
			return -errno;
		/* the root's name in policyd's view ("" when it is "/") */
		char link[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fs->rootfd);
		ssize_t n =
		    readlink(link, fs->root_name, sizeof(fs->root_name) - 1);
		fs->root_name[n > 0 ? n : 0] = '\0';
		if (!strcmp(fs->root_name, "/"))
			fs->root_name[0] = '\0';
		else if (fs->root_name[0] != '/')
			fs->root_foreign = true;
	}
	/* only once nothing can fail (a failed open is not closed) */
	fs->memo = calloc(1, sizeof(*fs->memo));
	return 0;
}

void gitfs_close(struct gitfs *fs)
{
	memo_free(fs->memo);
	fs->memo = NULL;
	if (fs->rootfd >= 0)
		close(fs->rootfd);
	fs->rootfd = -1;
}

const char *gitfs_getenv(const struct gitfs *fs, const char *name)
{
	if (!fs->have_env)
		return !strcmp(name, "HOME") ? fs->home : NULL;
	size_t l = strlen(name);
	/* the kernel passes duplicates through; getenv() takes the first */
	for (size_t i = 0; i < fs->nenv && fs->env[i]; i++)
		if (!strncmp(fs->env[i], name, l) && fs->env[i][l] == '=')
			return fs->env[i] + l + 1;
	return NULL;
}

/* Opens path in the caller's view: a descriptor or -errno. */
static int view_open_raw(const struct gitfs *fs, const char *path, int flags)
{
	if (!fs->root)
		return -ENOENT;
	if (path[0] != '/')
		return -EINVAL;
	if (fs->rootfd < 0) {
		int fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve =
				   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	const char *rel = path + strspn(path, "/");
	int fd = (int)syscall(SYS_openat2, fs->rootfd, *rel ? rel : ".", &how,
			      sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS)
		return -errno;
	/* no openat2 (Linux < 5.6): through the root's path, which follows
	 * an absolute symlink in policyd's view: refuse symlinks instead */
	char full[TG_PATH_MAX * 2];
	snprintf(full, sizeof(full), "%s%s", fs->root, path);
	fd = open(full, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

/* path noted already (or the witness is full: nothing more is) */
static bool gitwit_seen(const struct git_witness *w, const char *path,
			bool nofollow)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].nofollow == nofollow && !strcmp(w->v[i].path, path))
			return true;
	return w->full;
}

/* path noted with what was found (r, st) unless it was already */
static void gitwit_note(struct git_witness *w, const char *path, bool nofollow,
			int r, const struct stat *st)
{
	if (gitwit_seen(w, path, nofollow))
		return;
	char *p =
	    w->n < GIT_WITNESS_MAX && tg_grow((void **)&w->v, &w->cap, w->n + 1,
					      sizeof(*w->v)) == 0
		? strdup(path)
		: NULL;
	if (!p) {
		w->full = true; /* a check cannot vouch for it: fails */
		return;
	}
	w->v[w->n].path = p;
	w->v[w->n].nofollow = nofollow;
	w->v[w->n].r = r;
	if (!r)
		w->v[w->n].st = *st;
	w->n++;
}

int gitfs_probe(const struct gitfs *fs, const char *path, bool nofollow,
		struct stat *ret)
{
	int fd = view_open_raw(fs, path, O_PATH | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return fd;
	int r = fstat(fd, ret) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The witness's note of a path about to be looked at another way (the
 * note first: a change after it shows when the witness is checked) */
static void witness(const struct gitfs *fs, const char *path, bool nofollow)
{
	if (!fs->wit || gitwit_seen(fs->wit, path, nofollow))
		return;
	struct stat st;
	int r = gitfs_probe(fs, path, nofollow, &st);
	gitwit_note(fs->wit, path, nofollow, r, &st);
}

/* view_open_raw (O_PATH flags only), noted in the witness as found: the
 * file the descriptor holds is the one every later step reads */
static int view_open(const struct gitfs *fs, const char *path, int flags)
{
	int fd = view_open_raw(fs, path, flags);
	if (!fs->wit)
		return fd;
	struct stat st;
	int r = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
	gitwit_note(fs->wit, path, flags & O_NOFOLLOW, r, &st);
	return fd;
}

/* The caller's root is policyd's: a path is looked at directly, one
 * system call instead of an O_PATH open, the question and a close (git's
 * discovery asks a dozen of them per git exec) */
static bool view_direct(const struct gitfs *fs, const char *path)
{
	return fs->root && fs->rootfd < 0 && path[0] == '/';
}

int gitfs_stat(const struct gitfs *fs, const char *path, bool follow,
	       struct stat *ret)
{
	/* AT_NO_AUTOMOUNT: as the O_PATH open, which leaves an automount
	 * point as the last component alone (a name the caller chose must
	 * not make policyd wait for a mount) */
	if (view_direct(fs, path) && !fs->wit)
		return fstatat(AT_FDCWD, path, ret,
			       AT_NO_AUTOMOUNT |
				   (follow ? 0 : AT_SYMLINK_NOFOLLOW)) < 0
			   ? -errno
			   : 0;
	int fd = view_open(fs, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return fd;
	int r = fstat(fd, ret) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int gitfs_access(const struct gitfs *fs, const char *path, int mode)
{
	/* AT_EACCESS: the file-system credentials policyd has taken on for
	 * this caller; the system call itself, as libc's fallback without
	 * faccessat2 (Linux < 5.8) would check the effective ids instead
	 * (the descriptor's way below then decides) */
	if (view_direct(fs, path)) {
		witness(fs, path, false);
		long r = syscall(SYS_faccessat2, AT_FDCWD, path, mode,
				 AT_EACCESS);
		if (r == 0 || errno != ENOSYS)
			return r == 0 ? 0 : -errno;
	}
	int fd = view_open(fs, path, O_PATH);
	if (fd < 0)
		return fd;
	/* AT_EACCESS: the file-system credentials policyd has taken on for
	 * this caller, not policyd's real ids */
	int r = faccessat(fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno
									: 0;
	if (r == -EINVAL || r == -ENOSYS) {
		/* no faccessat2 (Linux < 5.8): the mode bits for the
		 * current file-system ids */
		struct stat st;
		r = fstat(fd, &st) < 0 ? -errno : 0;
		if (!r) {
			uid_t u = (uid_t)syscall(SYS_setfsuid, -1);
			gid_t g = (gid_t)syscall(SYS_setfsgid, -1);
			unsigned sh = u == st.st_uid   ? 6
				      : g == st.st_gid ? 3
						       : 0;
			unsigned bits = (unsigned)mode & 7u;
			if (u != 0 && ((st.st_mode >> sh) & bits) != bits)
				r = -EACCES;
		}
	}
	close(fd);
	return r;
}

/* A regular file of the caller's view, opened for reading: a descriptor,
 * or -errno (-ENODATA: the null device, an empty file); *ret_size its
 * size. The path is opened O_PATH first and
 * reopened only if it is a regular file: opening a device has effects of
 * its own (a watchdog starts, a tape rewinds), a FIFO may block. */
static int open_regular(const struct gitfs *fs, const char *path,
			uint64_t *ret_size)
{
	int pfd = view_open(fs, path, O_PATH);
	if (pfd < 0)
		return pfd;
	struct stat st;
	int r = 0;
	if (fstat(pfd, &st) < 0)
		r = -errno;
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
		r = -ENODATA; /* /dev/null: read as empty, as git does */
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	int fd = -1;
	if (!r) {
		/* reopening checks the permission again, as the caller */
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
		fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
	}
	close(pfd);
	if (r < 0)
		return r;
	*ret_size = (uint64_t)st.st_size;
	return fd;
}

/* read(2) past EINTR: bytes read, 0 at the end, or -errno */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	for (;;) {
		ssize_t k = read(fd, buf, n);
		if (k >= 0 || errno != EINTR)
			return k < 0 ? -errno : k;
	}
}

static int read_fd(int fd, uint64_t size, size_t max, char **ret,
		   size_t *ret_len)
{
	if (size > max)
		return -EFBIG;
	/* a byte more than its size is asked for: a file of that size that
	 * comes short of it is at its end (a regular file's read returns less
	 * only there), one read instead of a second one that returns 0; a
	 * file whose size says nothing (0: procfs) is read until 0 */
	size_t want = size && size < max ? (size_t)size + 1 : (size_t)size;
	char *buf = malloc(want + 1);
	if (!buf)
		return -ENOMEM;
	size_t len = 0;
	/* the file may grow while it is read: never past max */
	for (;;) {
		if (len == want) {
			if (want >= max)
				break;
			size_t nw = want + 4096 > max ? max : want + 4096;
			char *nb = realloc(buf, nw + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			want = nw;
		}
		ssize_t k = read_some(fd, buf + len, want - len);
		if (k < 0) {
			free(buf);
			return (int)k;
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (size && len == size && len < want)
			break; /* its whole size, and short: the end */
	}
	char c;
	if (len == max && read_some(fd, &c, 1) == 1) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

static int read_file(const struct gitfs *fs, const char *path, size_t max,
		     char **ret, size_t *ret_len);

int gitfs_read(const struct gitfs *fs, const char *path, size_t max, char **ret,
	       size_t *ret_len)
{
	struct gitfs_memo *m = fs->memo;
	for (size_t i = 0; m && i < m->n; i++) {
		if (m->v[i].max != max || strcmp(m->v[i].path, path))
			continue;
		if (m->v[i].r < 0)
			return m->v[i].r;
		char *c = malloc(m->v[i].len + 1);
		if (!c)
			return -ENOMEM;
		memcpy(c, m->v[i].text, m->v[i].len + 1);
		*ret = c;
		*ret_len = m->v[i].len;
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	int r = read_file(fs, path, max, &text, &len);
	if (r == -ENOMEM || !m || m->n >= GITFS_MEMO_MAX)
		goto out;
	char *pc = strdup(path), *tc = NULL;
	if (r == 0 && (tc = malloc(len + 1)))
		memcpy(tc, text, len + 1);
	if (!pc || (r == 0 && !tc)) {
		free(pc);
		free(tc);
		goto out;
	}
	m->v[m->n].path = pc;
	m->v[m->n].max = max;
	m->v[m->n].r = r;
	m->v[m->n].text = tc;
	m->v[m->n++].len = len;
out:
	if (r == 0) {
		*ret = text;
		*ret_len = len;
	}
	return r;
}

static int read_file(const struct gitfs *fs, const char *path, size_t max,
		     char **ret, size_t *ret_len)
{
	uint64_t size;
	int fd = open_regular(fs, path, &size);
	if (fd == -ENODATA) {
		*ret_len = 0;
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	}
	if (fd < 0)
		return fd;
	int r = read_fd(fd, size, max, ret, ret_len);
	close(fd);
	return r;
}

int gitfs_lines(const struct gitfs *fs, const char *path, size_t max,
		int (*cb)(void *ud, char *line), void *ud)
{
	uint64_t size;
	_cleanup_close_ int fd = open_regular(fs, path, &size);
	if (fd == -ENODATA)
		return 0;
	if (fd < 0)
		return fd;
	char buf[8192];
	_cleanup_free_ char *line = NULL;
	size_t ll = 0, lcap = 0, total = 0;
	for (;;) {
		ssize_t k = read_some(fd, buf, sizeof(buf));
		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		total += (size_t)k;
		if (total > max)
			return -EFBIG;
		for (ssize_t i = 0; i < k; i++) {
			if (tg_grow((void **)&line, &lcap, ll + 2, 1) < 0)
				return -ENOMEM;
			if (buf[i] != '\n') {
				line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			int r = cb(ud, line);
			if (r)
				return r;
		}
	}
	if (ll) {
		line[ll] = '\0';
		return cb(ud, line);
	}
	return 0;
}

int gitfs_read_prefix(const struct gitfs *fs, const char *path, char *buf,
		      size_t bufsz)
{
	/* the whole file when it is of a size git reads whole elsewhere
	 * (HEAD: its prefix here, all of it for the branch after): read once
	 * for both, through the decision's memory */
	char *text = NULL;
	size_t tl = 0;
	int w = gitfs_read(fs, path, GIT_FILE_MAX, &text, &tl);
	if (w == 0) {
		size_t n = tl < bufsz - 1 ? tl : bufsz - 1;
		memcpy(buf, text, n);
		buf[n] = '\0';
		free(text);
		return (int)n;
	}
	if (w != -EFBIG)
		return w;
	uint64_t size;
	_cleanup_close_ int fd = open_regular(fs, path, &size);
	if (fd == -ENODATA) {
		buf[0] = '\0';
		return 0;
	}
	if (fd < 0)
		return fd;
	size_t len = 0;
	while (len + 1 < bufsz) {
		ssize_t k = read_some(fd, buf + len, bufsz - 1 - len);
		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	return (int)len;
}

struct rl_ctx {
	const struct gitfs *fs;
};

static long view_readlink(void *ud, const char *path, char *buf, size_t bufsz)
{
	const struct rl_ctx *x = ud;
	int fd = view_open(x->fs, path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	struct stat st;
	long r;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISLNK(st.st_mode))
		r = -EINVAL;
	else {
		ssize_t k = readlinkat(fd, "", buf, bufsz);
		r = k < 0 ? -errno : (size_t)k >= bufsz ? -ENAMETOOLONG : k;
	}
	close(fd);
	return r;
}

long gitfs_readlink(const struct gitfs *fs, const char *path, char *buf,
		    size_t bufsz)
{
	struct rl_ctx x = {fs};
	long n = view_readlink(&x, path, buf, bufsz);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The whole path opened once, the kernel's name for it: a path that
 * exists needs no walk. 0, or -1 to take the walk (missing components, a
 * name outside the root's own). */
static int realpath_fast(const struct gitfs *fs, const char *path, char *out,
			 size_t outsz)
{
	int fd = view_open(fs, path, O_PATH);
	if (fd < 0)
		return -1;
	char link[64], real[TG_PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, sizeof(real) - 1);
	close(fd);
	if (n <= 0 || real[0] != '/')
		return -1;
	real[n] = '\0';
	if (n >= 10 && !strcmp(real + n - 10, " (deleted)"))
		return -1;
	const char *rel = real;
	if (fs->rootfd >= 0) {
		/* back to the caller's view: the root's own name is the
		 * prefix (a root in another mount namespace has none) */
		size_t rl = strlen(fs->root_name);
		if (fs->root_foreign ||
		    (rl && (strncmp(real, fs->root_name, rl) ||
			    (real[rl] && real[rl] != '/'))))
			return -1;
		rel = real[rl] ? real + rl : "/";
	}
	return tg_strlcpy(out, outsz, rel) < outsz ? 0 : -1;
}

int gitfs_realpath(const struct gitfs *fs, const char *path, char *out,
		   size_t outsz)
{
	if (path[0] == '/' && realpath_fast(fs, path, out, outsz) == 0)
		return 0;
	/* ".." after a symlink is the parent of its target: resolved as
	 * walked, the result folded */
	char res[TG_PATH_MAX];
	struct rl_ctx x = {fs};
	if (path[0] != '/')
		return -EINVAL;
	int r =
	    tg_resolve_links(path, view_readlink, &x, true, res, sizeof(res));
	return r < 0 ? r : tg_path_normalize("/", res, out, outsz);
}
