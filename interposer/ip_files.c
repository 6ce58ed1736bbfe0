/* SPDX-License-Identifier: MIT */
/*
 * ip_files: the file hooks: the open family, creat, fopen, freopen, and the
 * calls that make, remove or change names (truncate, rename, unlink, rmdir,
 * mkdir, link, symlink), plus chdir and fchdir (the cwd cache).
 *
 * Read-only opens first try the local fast path (ip_reads.c); new and
 * removed names in the session's scratch directory are made relative to
 * its descriptor, which the filter lets through (ip_scratch.c); everything
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
#include "ip_scratch.h"
#include "ip_state.h"
#include "tg_proto.h"
#include "util.h"

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

/* flags: TGPF_* of the request (TGPF_ABSENT, TGPF_LANDLOCK_WHY), or 0 */
static void decide_file(int dirfd, const char *path, unsigned access,
			int dirfd2, const char *path2, uint32_t flags,
			struct ip_verdict *v)
{
	v->quiet = false;
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
	if (flags)
		tgp_put_u32(&e, TGPT_FLAGS, flags);
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
 * The kernel failed with EACCES a call (r, errno) that the interposer
 * decided and let through (it decides this kind: the kernel path does not,
 * bit): when the session's Landlock domain refused it, policyd says so
 * (TGPF_LANDLOCK_WHY: audited, rule "landlock") and the line is printed;
 * a plain permission error gets nothing. r and errno are kept.
 */
static int landlock_why(int r, uint32_t bit, int dirfd, const char *path,
			unsigned acc, int dirfd2, const char *path2,
			const char *verb)
{
	if (r >= 0 || errno != EACCES || !ip_active || ip_in_hook ||
	    !ip_maybe_null(path) ||
	    !(acc & (ACC_WRITE | ACC_CREATE | ACC_DELETE)) ||
	    ip_kernel_decides(bit))
		return r;
	int saved = errno;
	ip_in_hook++;
	struct ip_verdict v;
	v.unreachable = false;
	decide_file(dirfd, path, acc, dirfd2, ip_maybe_null(path2),
		    TGPF_LANDLOCK_WHY, &v);
	if (!v.allow && !v.unreachable)
		ip_say("refused", verb, v.target[0] ? v.target : path, v.rule,
		       v.msg);
	ip_in_hook--;
	errno = saved;
	return r;
}

/* The same for an open's flags (ip_files.h). */
int ip_files_landlock_why_open(int r, int dirfd, const char *path, int flags)
{
	unsigned acc = tgp_open_access((unsigned)flags);
	return landlock_why(r, TGPB_OPEN_WRITE, dirfd, path, acc, 0, NULL,
			    acc & ACC_WRITE ? "write" : "create");
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

/* The calls by path, for the kernel's rules about how their names are
 * spelled (spelled_errno). */
enum fs_call {
	FC_UNLINK,
	FC_RMDIR,
	FC_MKDIR,
	FC_MAKE, /* symlink: makes a name that is no directory */
	FC_LINK,
	FC_RENAME,
	FC_LOOKUP, /* truncate: looks the name up */
};

/* What path names: 0 and *ret_mode, or -errno. */
static int mode_of(int dirfd, const char *path, bool follow, mode_t *ret_mode)
{
	struct stat st;
	if (syscall(SYS_newfstatat, dirfd, path, &st,
		    follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	*ret_mode = st.st_mode;
	return 0;
}

/* path's name with the slashes after it dropped (the kernel walks "name/"
 * to the name itself), into buf; "" when it does not fit. */
static const char *unslashed(const char *path, char buf[4096])
{
	size_t n = ip_slen(path);
	if (n >= 4096) {
		buf[0] = '\0';
		return buf;
	}
	memcpy(buf, path, n + 1);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

/* A name made by a call that makes no directory: ".", ".." or "/" are
 * there (EEXIST); with slashes after it the kernel makes nothing: EEXIST
 * when something is there, else ENOENT. */
static int make_nondir_errno(int dirfd, const char *path)
{
	bool slash;
	if (tg_path_spelling(path, &slash) != TG_SPELL_NAME)
		return EEXIST;
	if (!slash)
		return 0;
	char buf[4096];
	mode_t m;
	return mode_of(dirfd, unslashed(path, buf), false, &m) == 0 ? EEXIST
								    : ENOENT;
}

/*
 * The errno the kernel fails a call by path with because of how its names
 * are spelled ("name/" of something that is not a directory, "." or ".."
 * as the last name), whatever the policy says; 0 when the spelling is no
 * obstacle. The same rules as the kernel path's (policyd/sv_fs.c): such a
 * call fails as natively, undecided, with no refusal line. rflags:
 * renameat2's flags.
 */
static int spelled_errno(enum fs_call call, int dirfd, const char *p1,
			 int dirfd2, const char *p2, unsigned rflags)
{
	bool s1, s2 = false;
	enum tg_spell t1 = tg_path_spelling(p1, &s1);
	enum tg_spell t2 = p2 ? tg_path_spelling(p2, &s2) : TG_SPELL_NAME;
	if (t1 == TG_SPELL_NAME && !s1 && t2 == TG_SPELL_NAME && !s2)
		return 0; /* every ordinary name: nothing looked at */
	mode_t m = 0;
	int r;
	/* "missing/." fails its lookup first */
	if ((t1 == TG_SPELL_DOT || t1 == TG_SPELL_DOTDOT) &&
	    (r = mode_of(dirfd, p1, true, &m)) < 0)
		return -r;
	char buf[4096];
	switch (call) {
	case FC_RMDIR:
		return t1 == TG_SPELL_DOT      ? EINVAL
		       : t1 == TG_SPELL_DOTDOT ? ENOTEMPTY
		       : t1 == TG_SPELL_ROOT   ? EBUSY
					       : 0;
	case FC_UNLINK:
		if (t1 != TG_SPELL_NAME)
			return EISDIR;
		if ((r = mode_of(dirfd, unslashed(p1, buf), false, &m)) < 0)
			return -r;
		return S_ISDIR(m) ? EISDIR : ENOTDIR;
	case FC_MKDIR:
		if (t1 != TG_SPELL_NAME)
			return EEXIST;
		return mode_of(dirfd, unslashed(p1, buf), false, &m) == 0
			   ? EEXIST
			   : 0;
	case FC_MAKE:
		return make_nondir_errno(dirfd, p1);
	case FC_LINK:
		if (s1) { /* the old name must be a directory, never linked */
			if ((r = mode_of(dirfd, p1, true, &m)) < 0)
				return -r;
			return S_ISDIR(m) ? EPERM : ENOTDIR;
		}
		return p2 ? make_nondir_errno(dirfd2, p2) : 0;
	case FC_RENAME:
		if (t1 != TG_SPELL_NAME)
			return EBUSY;
		if (t2 != TG_SPELL_NAME)
			return rflags & RENAME_NOREPLACE ? EEXIST : EBUSY;
		/* slashes after either name: the file renamed must be a
		 * directory (a final symlink is not followed), and with
		 * RENAME_EXCHANGE so must the other be if it has them */
		if ((r = mode_of(dirfd, unslashed(p1, buf), false, &m)) < 0)
			return -r;
		if (!S_ISDIR(m))
			return ENOTDIR;
		if (!(rflags & RENAME_EXCHANGE) || !s2)
			return 0;
		if ((r = mode_of(dirfd2, unslashed(p2, buf), false, &m)) < 0)
			return -r;
		return S_ISDIR(m) ? 0 : ENOTDIR;
	case FC_LOOKUP:
		if (!s1)
			return 0;
		if ((r = mode_of(dirfd, p1, true, &m)) < 0)
			return -r;
		return S_ISDIR(m) ? 0 : ENOTDIR;
	default:
		return 0;
	}
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

/*
 * A read of a name that is not there: refused only when a rule denies the
 * name, with its line (the refusal does not depend on the file existing);
 * otherwise it fails as the kernel failed it. A read the fast path finds
 * silent is not asked about (compilers probe many include paths), and
 * policyd answers the rest without prompting or auditing (TGPF_ABSENT).
 * True when refused (errno EACCES, the line said).
 */
static bool absent_read_refused(int dirfd, const char *path)
{
	struct ip_fastpath *fp = ip_fastpath_get();
	if (fp && ip_reads_silent(fp, dirfd, path, false, NULL, 0))
		return false;
	struct ip_verdict v;
	v.unreachable = false;
	decide_file(dirfd, path, ACC_READ, 0, NULL, TGPF_ABSENT, &v);
	if (v.allow || v.unreachable)
		return false;
	ip_say("refused", "read", v.target[0] ? v.target : path, v.rule, v.msg);
	errno = EACCES;
	return true;
}

/* Flags the kernel refuses (EINVAL) before it looks at the name: an
 * O_TMPFILE with O_CREAT or without O_DIRECTORY's bit, or not for
 * writing (build_open_flags). Such an open has no effect to decide. */
static bool open_flags_invalid(int flags)
{
	return (flags & __O_TMPFILE) &&
	       ((flags & (__O_TMPFILE | O_DIRECTORY | O_CREAT)) != O_TMPFILE ||
		(flags & O_ACCMODE) == O_RDONLY);
}

bool ip_files_open_gate(int dirfd, const char *path, int flags)
{
	path = ip_maybe_null(path);
	if (!ip_active || ip_in_hook || !path || open_flags_invalid(flags))
		return true; /* invalid flags: the kernel's EINVAL */
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
	/* O_NOFOLLOW of a symlink: the kernel fails it (ELOOP) where policyd
	 * would decide on what the link leads to; as natively, undecided
	 * ("name/" follows it all the same). O_CREAT|O_EXCL: noop_errno */
	mode_t lm;
	if ((flags & O_NOFOLLOW) && path[0] && path[ip_slen(path) - 1] != '/' &&
	    mode_of(dirfd, path, false, &lm) == 0 && S_ISLNK(lm)) {
		errno = ELOOP;
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
	if (e && acc == ACC_READ) {
		ip_in_hook++;
		bool refused = absent_read_refused(dirfd, path);
		ip_in_hook--;
		if (refused)
			return false;
	}
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
		decide_file(dirfd, path, acc, 0, NULL, 0, &v);
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

static bool path_gate(enum fs_call call, int dirfd, const char *path,
		      unsigned acc, int dirfd2, const char *path2,
		      unsigned rflags, const char *verb)
{
	path = ip_maybe_null(path);
	if (!ip_active || ip_in_hook ||
	    !path) /* no name: the kernel says EFAULT */
		return true;
	/* a call that cannot have any effect fails here, under the backstop
	 * too: no round trip for it */
	int e = spelled_errno(call, dirfd, path, dirfd2, ip_maybe_null(path2),
			      rflags);
	if (!e)
		e = noop_errno(dirfd, path, acc == ACC_CREATE, false);
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
	decide_file(dirfd, path, acc, dirfd2, path2, 0, &v);
	/* quiet: a link by git that a copy replaces (policyd says so) */
	if (!v.allow && !v.quiet)
		ip_say("refused", verb, v.target[0] ? v.target : path, v.rule,
		       v.msg);
	ip_in_hook--;
	errno = v.allow ? saved : EACCES;
	return v.allow;
}

/* rename and link: with no second name the kernel says EFAULT; nothing to
 * decide */
static bool pair_gate(enum fs_call call, int dirfd, const char *path,
		      unsigned acc, int dirfd2, const char *path2,
		      unsigned rflags, const char *verb)
{
	return !ip_maybe_null(path2) ||
	       path_gate(call, dirfd, path, acc, dirfd2, path2, rflags, verb);
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
	int fd; /* the _2 forms: libc's fortify fails an O_CREAT itself */
	if ((fn <= OF_OPENAT64 &&
	     ip_scratch_open(dirfd, path, flags, m, &fd)) ||
	    ip_reads_fast_open(dirfd, path, flags, &fd))
		return fd;
	if (!ip_files_open_gate(dirfd, path, flags))
		return -1;
	int r;
	switch (fn) {
	case OF_OPEN:
		r = get_open()(path, flags, m);
		break;
	case OF_OPEN64:
		r = get_open64()(path, flags, m);
		break;
	case OF_OPENAT:
		r = get_openat()(dirfd, path, flags, m);
		break;
	case OF_OPENAT64:
		r = get_openat64()(dirfd, path, flags, m);
		break;
	case OF_OPEN_2:
		r = get___open_2()(path, flags);
		break;
	case OF_OPEN64_2:
		r = get___open64_2()(path, flags);
		break;
	case OF_OPENAT_2:
		r = get___openat_2()(dirfd, path, flags);
		break;
	case OF_OPENAT64_2:
		r = get___openat64_2()(dirfd, path, flags);
		break;
	default:
		errno = ENOSYS;
		return -1;
	}
	return ip_files_landlock_why_open(r, dirfd, path, flags);
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
	return ip_files_landlock_why_open(get_creat()(path, mode), AT_FDCWD,
					  path, O_WRONLY | O_CREAT | O_TRUNC);
}

IP_EXPORT int creat64(const char *path, mode_t mode)
{
	if (!ip_files_open_gate(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC))
		return -1;
	return ip_files_landlock_why_open(get_creat64()(path, mode), AT_FDCWD,
					  path, O_WRONLY | O_CREAT | O_TRUNC);
}

IP_EXPORT int truncate(const char *path, off_t len)
{
	if (!path_gate(FC_LOOKUP, AT_FDCWD, path, ACC_WRITE, 0, NULL, 0,
		       "truncate"))
		return -1;
	return landlock_why(get_truncate()(path, len), TGPB_FS, AT_FDCWD, path,
			    ACC_WRITE, 0, NULL, "truncate");
}

IP_EXPORT int truncate64(const char *path, off_t len)
{
	if (!path_gate(FC_LOOKUP, AT_FDCWD, path, ACC_WRITE, 0, NULL, 0,
		       "truncate"))
		return -1;
	return landlock_why(get_truncate64()(path, len), TGPB_FS, AT_FDCWD,
			    path, ACC_WRITE, 0, NULL, "truncate");
}

/* rename: the old name goes away (delete), the new one appears (create;
 * policyd adds that for PATH2). */
IP_EXPORT int rename(const char *a, const char *b)
{
	int r;
	if (ip_scratch_rename(AT_FDCWD, a, AT_FDCWD, b, 0, &r))
		return r;
	if (!pair_gate(FC_RENAME, AT_FDCWD, a, ACC_DELETE, AT_FDCWD, b, 0,
		       "rename"))
		return -1;
	return landlock_why(get_rename()(a, b), TGPB_FS, AT_FDCWD, a,
			    ACC_DELETE, AT_FDCWD, b, "rename");
}

IP_EXPORT int renameat(int da, const char *a, int db, const char *b)
{
	int r;
	if (ip_scratch_rename(da, a, db, b, 0, &r))
		return r;
	if (!pair_gate(FC_RENAME, da, a, ACC_DELETE, db, b, 0, "rename"))
		return -1;
	return landlock_why(get_renameat()(da, a, db, b), TGPB_FS, da, a,
			    ACC_DELETE, db, b, "rename");
}

IP_EXPORT int renameat2(int da, const char *a, int db, const char *b,
			unsigned fl)
{
	int r;
	if (ip_scratch_rename(da, a, db, b, fl, &r))
		return r;
	/* RENAME_EXCHANGE: each name gets the other's file (and tree) */
	if (!pair_gate(FC_RENAME, da, a, ACC_DELETE, db, b, fl, "rename") ||
	    ((fl & RENAME_EXCHANGE) &&
	     !pair_gate(FC_RENAME, db, b, ACC_DELETE, da, a, fl, "rename")))
		return -1;
	return landlock_why(get_renameat2()(da, a, db, b, fl), TGPB_FS, da, a,
			    ACC_DELETE, db, b, "rename");
}

IP_EXPORT int unlink(const char *path)
{
	int r;
	if (ip_scratch_unlink(AT_FDCWD, path, 0, &r))
		return r;
	if (!path_gate(FC_UNLINK, AT_FDCWD, path, ACC_DELETE, 0, NULL, 0,
		       "delete"))
		return -1;
	return landlock_why(get_unlink()(path), TGPB_FS, AT_FDCWD, path,
			    ACC_DELETE, 0, NULL, "delete");
}

IP_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	int r;
	if (ip_scratch_unlink(dirfd, path, flags, &r))
		return r;
	if (!path_gate(flags & AT_REMOVEDIR ? FC_RMDIR : FC_UNLINK, dirfd, path,
		       ACC_DELETE, 0, NULL, 0, "delete"))
		return -1;
	return landlock_why(get_unlinkat()(dirfd, path, flags), TGPB_FS, dirfd,
			    path, ACC_DELETE, 0, NULL, "delete");
}

IP_EXPORT int rmdir(const char *path)
{
	int r;
	if (ip_scratch_unlink(AT_FDCWD, path, AT_REMOVEDIR, &r))
		return r;
	if (!path_gate(FC_RMDIR, AT_FDCWD, path, ACC_DELETE, 0, NULL, 0,
		       "delete"))
		return -1;
	return landlock_why(get_rmdir()(path), TGPB_FS, AT_FDCWD, path,
			    ACC_DELETE, 0, NULL, "delete");
}

IP_EXPORT int mkdir(const char *path, mode_t mode)
{
	int r;
	if (ip_scratch_mkdir(AT_FDCWD, path, mode, &r))
		return r;
	if (!path_gate(FC_MKDIR, AT_FDCWD, path, ACC_CREATE, 0, NULL, 0,
		       "create"))
		return -1;
	return landlock_why(get_mkdir()(path, mode), TGPB_FS, AT_FDCWD, path,
			    ACC_CREATE, 0, NULL, "create");
}

IP_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	int r;
	if (ip_scratch_mkdir(dirfd, path, mode, &r))
		return r;
	if (!path_gate(FC_MKDIR, dirfd, path, ACC_CREATE, 0, NULL, 0, "create"))
		return -1;
	return landlock_why(get_mkdirat()(dirfd, path, mode), TGPB_FS, dirfd,
			    path, ACC_CREATE, 0, NULL, "create");
}

/* A hard link is a new name through which the file can be written: the
 * existing file counts as written, the new name as created. */
IP_EXPORT int link(const char *a, const char *b)
{
	int r;
	if (ip_scratch_link(AT_FDCWD, a, AT_FDCWD, b, 0, &r))
		return r;
	if (!pair_gate(FC_LINK, AT_FDCWD, a, ACC_WRITE, AT_FDCWD, b, 0, "link"))
		return -1;
	return landlock_why(get_link()(a, b), TGPB_FS, AT_FDCWD, a, ACC_WRITE,
			    AT_FDCWD, b, "link");
}

IP_EXPORT int linkat(int da, const char *a, int db, const char *b, int fl)
{
	int r;
	if (ip_scratch_link(da, a, db, b, fl, &r))
		return r;
	if (!pair_gate(FC_LINK, da, a, ACC_WRITE, db, b, 0, "link"))
		return -1;
	return landlock_why(get_linkat()(da, a, db, b, fl), TGPB_FS, da, a,
			    ACC_WRITE, db, b, "link");
}

IP_EXPORT int symlink(const char *target, const char *lp)
{
	int r;
	if (ip_scratch_symlink(target, AT_FDCWD, lp, &r))
		return r;
	if (!path_gate(FC_MAKE, AT_FDCWD, lp, ACC_CREATE, 0, NULL, 0, "create"))
		return -1;
	return landlock_why(get_symlink()(target, lp), TGPB_FS, AT_FDCWD, lp,
			    ACC_CREATE, 0, NULL, "create");
}

IP_EXPORT int symlinkat(const char *target, int dirfd, const char *lp)
{
	int r;
	if (ip_scratch_symlink(target, dirfd, lp, &r))
		return r;
	if (!path_gate(FC_MAKE, dirfd, lp, ACC_CREATE, 0, NULL, 0, "create"))
		return -1;
	return landlock_why(get_symlinkat()(target, dirfd, lp), TGPB_FS, dirfd,
			    lp, ACC_CREATE, 0, NULL, "create");
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
