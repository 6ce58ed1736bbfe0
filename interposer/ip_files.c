/* SPDX-License-Identifier: MIT */
/*
 * ip_files: the file hooks: the open family, creat, fopen, freopen, and the
 * calls that make, remove or change names (truncate, rename, unlink, rmdir,
 * mkdir, link, symlink), plus chdir and fchdir (the cwd cache).
 *
 * Read-only opens first try the local fast path (ip_reads.c); everything
 * else is decided by policyd, or by the kernel path when it notifies that
 * kind of call (one decision per call). A refusal fails the call with
 * EACCES and one line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_conn.h"
#include "ip_fastpath.h"
#include "ip_files.h"
#include "ip_reads.h"
#include "ip_state.h"
#include "tg_proto.h"

REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, openat, int, const char *, int, ...)
REAL(int, openat64, int, const char *, int, ...)
REAL(int, __open_2, const char *, int)
REAL(int, __open64_2, const char *, int)
REAL(int, __openat_2, int, const char *, int)
REAL(int, __openat64_2, int, const char *, int)
REAL(int, creat, const char *, mode_t)
REAL(int, creat64, const char *, mode_t)
REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(FILE *, freopen, const char *, const char *, FILE *)
REAL(FILE *, freopen64, const char *, const char *, FILE *)
REAL(int, truncate, const char *, off_t)
REAL(int, truncate64, const char *, off_t)
REAL(int, rename, const char *, const char *)
REAL(int, renameat, int, const char *, int, const char *)
REAL(int, renameat2, int, const char *, int, const char *, unsigned)
REAL(int, unlink, const char *)
REAL(int, unlinkat, int, const char *, int)
REAL(int, rmdir, const char *)
REAL(int, mkdir, const char *, mode_t)
REAL(int, mkdirat, int, const char *, mode_t)
REAL(int, link, const char *, const char *)
REAL(int, linkat, int, const char *, int, const char *, int)
REAL(int, symlink, const char *, const char *)
REAL(int, symlinkat, const char *, int, const char *)
REAL(int, chdir, const char *)
REAL(int, fchdir, int)

#define ACC_READ TGPA_READ
#define ACC_WRITE TGPA_WRITE
#define ACC_CREATE TGPA_CREATE
#define ACC_DELETE TGPA_DELETE

static void decide_file(int dirfd, const char *path, unsigned access,
			int dirfd2, const char *path2, struct ip_verdict *v)
{
	ip_scopy(v->target, sizeof(v->target), path, NULL);
	if (ip_slen(path) > TGP_MAX_PATH ||
	    (path2 && ip_slen(path2) > TGP_MAX_PATH)) {
		v->allow = false;
		v->rule[0] = '\0';
		ip_scopy(v->msg, sizeof(v->msg),
			 "path is longer than 4096 bytes", NULL);
		return;
	}
	uint8_t buf[2 * TGP_MAX_PATH + 256];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 3);
	tgp_put_u32(&e, TGPT_KIND, TGPK_OPEN);
	tgp_put_str(&e, TGPT_PATH, path);
	tgp_put_u32(&e, TGPT_DIRFD, (uint32_t)dirfd);
	tgp_put_u32(&e, TGPT_ACCESS, access);
	if (path2) {
		tgp_put_str(&e, TGPT_PATH2, path2);
		tgp_put_u32(&e, TGPT_DIRFD2, (uint32_t)dirfd2);
	}
	long len = tgp_enc_end(&e);
	if (len < 0) {
		ip_verdict_unreachable(v);
		return;
	}
	ip_conn_ask(buf, (size_t)len, v);
}

/*
 * A call that cannot have any effect fails as the kernel would fail it,
 * with no decision and no refusal line: making a name that exists
 * (EEXIST), or removing, renaming, linking or truncating one that does not
 * (ENOENT, ENOTDIR). `mkdir -p` and `rm -f` rely on exactly these errors.
 * makes: the call makes the name (EEXIST if it is there); otherwise it
 * needs it (its errno if it is not). follow: through a final symlink (an
 * open without O_EXCL); mkdir, symlink, unlink, rename and link act on the
 * name itself, and for truncate a missing name is missing either way.
 * Returns the errno, or 0.
 */
static int noop_errno(int dirfd, const char *path, bool makes, bool follow)
{
	struct stat st;
	if (!path[0])
		return 0;
	long r = syscall(SYS_newfstatat, dirfd, path, &st,
			 follow ? 0 : AT_SYMLINK_NOFOLLOW);
	if (makes)
		return r == 0 ? EEXIST : 0;
	if (r < 0 && (errno == ENOENT || errno == ENOTDIR))
		return errno;
	return 0;
}

/* Is path spelled as a directory: a trailing '/', or a last component
 * "." or ".."? */
static bool dir_spelled(const char *p)
{
	size_t n = ip_slen(p);
	if (!n)
		return false;
	if (p[n - 1] == '/')
		return true;
	const char *last = p + n;
	while (last > p && last[-1] != '/')
		last--;
	return !strcmp(last, ".") || !strcmp(last, "..");
}

/*
 * A write-open of a name spelled as a directory ("missing_dir/", "f/",
 * "d/.") never succeeds: write access to a directory is EISDIR, and with
 * O_CREAT the kernel says EISDIR as soon as the way to the last component
 * is good, whatever is there. Returns the kernel's errno for it (the
 * lookup's own error first), or 0 when path is not spelled so. Decided
 * here even when the kernel path decides write-opens: policyd performs an
 * open on the name folded ("missing_dir"), which would make a file there.
 * O_TMPFILE names its directory: not such a case.
 */
static int dir_write_errno(int dirfd, const char *path, int flags)
{
	if ((flags & O_TMPFILE) == O_TMPFILE || !dir_spelled(path))
		return 0;
	struct stat st;
	if (!(flags & O_CREAT)) /* the name must be there, a directory */
		return syscall(SYS_newfstatat, dirfd, path, &st, 0) < 0
			   ? errno
			   : EISDIR;
	/* O_CREAT: only the way to the last component is walked */
	char parent[4096];
	size_t n = ip_slen(path);
	if (n + 3 > sizeof(parent))
		return 0;
	memcpy(parent, path, n + 1);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	if (!slash)
		ip_scopy(parent, sizeof(parent), ".", NULL);
	else
		slash[slash == parent ? 1 : 0] = '\0';
	size_t pn = ip_slen(parent);
	ip_scopy(parent + pn, sizeof(parent) - pn,
		 parent[pn - 1] == '/' ? "." : "/.", NULL);
	return syscall(SYS_newfstatat, dirfd, parent, &st, 0) < 0 ? errno
								  : EISDIR;
}

bool ip_files_open_gate(int dirfd, const char *path, int flags)
{
	path = ip_maybe_null(path);
	if (!ip_active || ip_in_hook || !path)
		return true;
	unsigned acc = tgp_open_access((unsigned)flags);
	if (!acc)
		return true; /* O_PATH: decided when used (exec, fchdir) */
	int de = acc & (ACC_WRITE | ACC_CREATE)
		     ? dir_write_errno(dirfd, path, flags)
		     : 0;
	if (de) {
		errno = de;
		return false;
	}
	/* opens that can only fail: O_CREAT|O_EXCL of a name that exists,
	 * or no O_CREAT and nothing there (policyd does the same for the
	 * kernel path). Answered here under the backstop too: one fstatat
	 * instead of a round trip (git unlinks and probes many names that
	 * are not there) */
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	int e = excl || !(flags & O_CREAT)
		    ? noop_errno(dirfd, path, excl, !excl)
		    : 0;
	if (e) {
		errno = e;
		return false;
	}
	if ((acc & (ACC_WRITE | ACC_CREATE)) &&
	    ip_kernel_decides(TGPB_OPEN_WRITE))
		return true; /* the kernel path decides and opens it */
	int saved = errno;
	ip_in_hook++;
	bool ok;
	if (acc == ACC_READ && ip_reads_check(dirfd, path)) {
		ok = true;
	} else {
		struct ip_verdict v;
		v.unreachable = false;
		decide_file(dirfd, path, acc, 0, NULL, &v);
		ok = v.allow;
		if (!ok) {
			char kind[32];
			ip_scopy(kind, sizeof(kind),
				 acc & ACC_WRITE    ? "write"
				 : acc & ACC_CREATE ? "create"
						    : "read",
				 NULL);
			ip_say("refused", kind, v.target[0] ? v.target : path,
			       v.rule, v.msg);
		}
	}
	ip_in_hook--;
	errno = ok ? saved : EACCES;
	return ok;
}

static bool path_gate(int dirfd, const char *path, unsigned acc, int dirfd2,
		      const char *path2, const char *verb)
{
	path = ip_maybe_null(path);
	if (!ip_active || ip_in_hook ||
	    !path) /* no name: the kernel says EFAULT */
		return true;
	/* a call that cannot have any effect fails here, under the backstop
	 * too: no round trip for it */
	int e = noop_errno(dirfd, path, acc == ACC_CREATE, false);
	if (e) {
		errno = e;
		return false;
	}
	if (ip_kernel_decides(TGPB_FS))
		return true; /* one decision per call: the kernel path's */
	int saved = errno;
	ip_in_hook++;
	struct ip_verdict v;
	v.unreachable = false;
	decide_file(dirfd, path, acc, dirfd2, path2, &v);
	if (!v.allow)
		ip_say("refused", verb, v.target[0] ? v.target : path, v.rule,
		       v.msg);
	ip_in_hook--;
	errno = v.allow ? saved : EACCES;
	return v.allow;
}

/* rename and link: with no second name the kernel says EFAULT; nothing to
 * decide */
static bool pair_gate(int dirfd, const char *path, unsigned acc, int dirfd2,
		      const char *path2, const char *verb)
{
	return !ip_maybe_null(path2) ||
	       path_gate(dirfd, path, acc, dirfd2, path2, verb);
}

static mode_t va_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* The open family: one body, which libc function finishes the call. */
enum open_fn {
	OF_OPEN,
	OF_OPEN64,
	OF_OPENAT,
	OF_OPENAT64,
	OF_OPEN_2,
	OF_OPEN64_2,
	OF_OPENAT_2,
	OF_OPENAT64_2
};

static int open_common(enum open_fn fn, int dirfd, const char *path, int flags,
		       mode_t m)
{
	int fd;
	if (ip_reads_fast_open(dirfd, path, flags, &fd))
		return fd;
	if (!ip_files_open_gate(dirfd, path, flags))
		return -1;
	switch (fn) {
	case OF_OPEN:
		return get_open()(path, flags, m);
	case OF_OPEN64:
		return get_open64()(path, flags, m);
	case OF_OPENAT:
		return get_openat()(dirfd, path, flags, m);
	case OF_OPENAT64:
		return get_openat64()(dirfd, path, flags, m);
	case OF_OPEN_2:
		return get___open_2()(path, flags);
	case OF_OPEN64_2:
		return get___open64_2()(path, flags);
	case OF_OPENAT_2:
		return get___openat_2()(dirfd, path, flags);
	case OF_OPENAT64_2:
		return get___openat64_2()(dirfd, path, flags);
	default:
		errno = ENOSYS;
		return -1;
	}
}

#define VA_MODE(flags)                                                         \
	({                                                                     \
		va_list ap_;                                                   \
		va_start(ap_, flags);                                          \
		mode_t m_ = va_mode(flags, ap_);                               \
		va_end(ap_);                                                   \
		m_;                                                            \
	})

IP_EXPORT int open(const char *path, int flags, ...)
{
	return open_common(OF_OPEN, AT_FDCWD, path, flags, VA_MODE(flags));
}

IP_EXPORT int open64(const char *path, int flags, ...)
{
	return open_common(OF_OPEN64, AT_FDCWD, path, flags, VA_MODE(flags));
}

IP_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	return open_common(OF_OPENAT, dirfd, path, flags, VA_MODE(flags));
}

IP_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	return open_common(OF_OPENAT64, dirfd, path, flags, VA_MODE(flags));
}

IP_EXPORT int __open_2(const char *path, int flags)
{
	return open_common(OF_OPEN_2, AT_FDCWD, path, flags, 0);
}

IP_EXPORT int __open64_2(const char *path, int flags)
{
	return open_common(OF_OPEN64_2, AT_FDCWD, path, flags, 0);
}

IP_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return open_common(OF_OPENAT_2, dirfd, path, flags, 0);
}

IP_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return open_common(OF_OPENAT64_2, dirfd, path, flags, 0);
}

IP_EXPORT int creat(const char *path, mode_t mode)
{
	if (!ip_files_open_gate(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC))
		return -1;
	return get_creat()(path, mode);
}

IP_EXPORT int creat64(const char *path, mode_t mode)
{
	if (!ip_files_open_gate(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC))
		return -1;
	return get_creat64()(path, mode);
}

/* glibc reads the mode's letters after the first, up to six of them (a
 * ',' starts the ccs= part) */
static bool mode_has(const char *mode, char c)
{
	for (int i = 1; i < 7 && mode[i] && mode[i] != ','; i++)
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

IP_EXPORT FILE *fopen(const char *path, const char *mode)
{
	if (!ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_fopen()(path, mode);
}

IP_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	if (!ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_fopen64()(path, mode);
}

IP_EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
	if (path && !ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_freopen()(path, mode, f);
}

IP_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
	if (path && !ip_files_open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_freopen64()(path, mode, f);
}

IP_EXPORT int truncate(const char *path, off_t len)
{
	if (!path_gate(AT_FDCWD, path, ACC_WRITE, 0, NULL, "truncate"))
		return -1;
	return get_truncate()(path, len);
}

IP_EXPORT int truncate64(const char *path, off_t len)
{
	if (!path_gate(AT_FDCWD, path, ACC_WRITE, 0, NULL, "truncate"))
		return -1;
	return get_truncate64()(path, len);
}

/* rename: the old name goes away (delete), the new one appears (create;
 * policyd adds that for PATH2). */
IP_EXPORT int rename(const char *a, const char *b)
{
	if (!pair_gate(AT_FDCWD, a, ACC_DELETE, AT_FDCWD, b, "rename"))
		return -1;
	return get_rename()(a, b);
}

IP_EXPORT int renameat(int da, const char *a, int db, const char *b)
{
	if (!pair_gate(da, a, ACC_DELETE, db, b, "rename"))
		return -1;
	return get_renameat()(da, a, db, b);
}

IP_EXPORT int renameat2(int da, const char *a, int db, const char *b,
			unsigned fl)
{
	if (!pair_gate(da, a, ACC_DELETE, db, b, "rename"))
		return -1;
	return get_renameat2()(da, a, db, b, fl);
}

IP_EXPORT int unlink(const char *path)
{
	if (!path_gate(AT_FDCWD, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_unlink()(path);
}

IP_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	if (!path_gate(dirfd, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_unlinkat()(dirfd, path, flags);
}

IP_EXPORT int rmdir(const char *path)
{
	if (!path_gate(AT_FDCWD, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_rmdir()(path);
}

IP_EXPORT int mkdir(const char *path, mode_t mode)
{
	if (!path_gate(AT_FDCWD, path, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_mkdir()(path, mode);
}

IP_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	if (!path_gate(dirfd, path, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_mkdirat()(dirfd, path, mode);
}

/* A hard link is a new name through which the file can be written: the
 * existing file counts as written, the new name as created. */
IP_EXPORT int link(const char *a, const char *b)
{
	if (!pair_gate(AT_FDCWD, a, ACC_WRITE, AT_FDCWD, b, "link"))
		return -1;
	return get_link()(a, b);
}

IP_EXPORT int linkat(int da, const char *a, int db, const char *b, int fl)
{
	if (!pair_gate(da, a, ACC_WRITE, db, b, "link"))
		return -1;
	return get_linkat()(da, a, db, b, fl);
}

IP_EXPORT int symlink(const char *target, const char *lp)
{
	if (!path_gate(AT_FDCWD, lp, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_symlink()(target, lp);
}

IP_EXPORT int symlinkat(const char *target, int dirfd, const char *lp)
{
	if (!path_gate(dirfd, lp, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_symlinkat()(target, dirfd, lp);
}

IP_EXPORT int chdir(const char *path)
{
	int r = get_chdir()(path);
	ip_reads_cwd_changed();
	return r;
}

IP_EXPORT int fchdir(int fd)
{
	int r = get_fchdir()(fd);
	ip_reads_cwd_changed();
	return r;
}
