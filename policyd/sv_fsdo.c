/* SPDX-License-Identifier: MIT */
#include "sv_fsdo.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chase.h"
#include "log.h"
#include "missing.h"
#include "procfs.h"
#include "sv_attr.h"
#include "sv_mem.h"
#include "util.h"

/* A name policyd decided on (its directory resolved, its last component
 * as spelled) as a directory descriptor of policyd's and that component
 * (base: TG_PATH_MAX bytes). -ENOSYS when it has no last component to act
 * on ("/", ".", ".."). */
static int name_base(const char *real, char *base)
{
	const char *slash = strrchr(real, '/');
	if (!slash || !slash[1] || !strcmp(slash + 1, ".") ||
	    !strcmp(slash + 1, ".."))
		return -ENOSYS;
	if (strlen(slash + 1) >= TG_PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(base, slash + 1);
	return 0;
}

/* c: the caller whose decision may have kept the directory open
 * (chase_kept_dir), in policyd's root; NULL: open it here. */
static int name_at(struct caller *c, int rootfd, uint64_t resolve,
		   const char *real, char *base)
{
	int r = name_base(real, base);
	if (r < 0)
		return r;
	const char *slash = strrchr(real, '/');
	char dir[TG_PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s",
		 slash == real ? 1 : (int)(slash - real), real);
	/* the directory the decision walked to, kept open then with these
	 * flags (O_PATH, no symlink or magic link on the way): an open and a
	 * close fewer (a directory's O_PATH descriptor that is no directory
	 * fails the call with ENOTDIR, as O_DIRECTORY does here) */
	int kept = c && rootfd == AT_FDCWD ? chase_kept_dir(c, dir) : -1;
	if (kept >= 0)
		return kept;
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = resolve};
	int fd = (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* The names of a call, as name_at gives them: d2/b2 for the second one
 * (rename, link). Descriptors below 0 are errors (or none). */
struct at_names {
	int d1, d2;
	char *b1, *b2; /* TG_PATH_MAX bytes each */
};

static void at_names_close(struct at_names *nm)
{
	if (nm->d1 >= 0)
		close(nm->d1);
	if (nm->d2 >= 0 && nm->d2 != nm->d1)
		close(nm->d2);
}

/* Do a and b name entries of one directory (the same text up to their
 * last '/')? */
static bool same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	return sa && sb && sa - a == sb - b && !strncmp(a, b, (size_t)(sa - a));
}

/* o's names (two: both) opened in the caller's root. 0 or -errno. */
static int at_names_open(struct call *k, const struct outcome *o, bool two,
			 struct at_names *nm)
{
	uint64_t resolve;
	_cleanup_close_ int rootfd = chase_root(&k->c, &resolve);
	if (rootfd < 0 && rootfd != AT_FDCWD)
		return rootfd;
	nm->d1 = name_at(&k->c, rootfd, resolve, o->object, nm->b1);
	/* a rename or link within one directory (git's lock files, objects
	 * and temporary files): its descriptor serves both names, as the
	 * kernel's one walk of it would */
	if (nm->d1 >= 0 && two && same_dir(o->object, o->object2)) {
		int r = name_base(o->object2, nm->b2);
		nm->d2 = r < 0 ? r : nm->d1;
	} else if (nm->d1 >= 0 && two) {
		nm->d2 = name_at(&k->c, rootfd, resolve, o->object2, nm->b2);
	}
	return nm->d1 < 0 ? nm->d1 : (two && nm->d2 < 0) ? nm->d2 : 0;
}

int sv_fsdo_fd(struct call *k)
{
	const __u64 *a = k->n->data.args;
	if (caller_creds(&k->c, false) < 0)
		return -ESRCH;
	int nr = (int)k->n->data.nr;
	struct xattr_req x = {.val = NULL};
	bool xa = nr == SYS_fsetxattr || nr == SYS_fremovexattr;
	int r = xa ? sv_xattr_read(k, 0, &x) : 0;
	/* futimens, futimesat: the two times from the caller's memory, or
	 * none (now); utimensat's flags are the kernel's to check here */
	struct timespec ts[2], *tp = NULL;
	if (r == 0 && (nr == SYS_utimensat || nr == SYS_futimesat))
		r = sv_times_read(k, 0, ts, &tp);
	/* after the reads: what was read is the caller's, not a process
	 * that took its pid */
	if (!sv_call_valid(k)) {
		free(x.val);
		return -ESRCH;
	}
	bool switched = false;
	if (r == 0 && caller_creds_enter(&k->c, &switched) < 0)
		r = -EACCES;
	if (r == 0 && xa) {
		r = sv_xattr_apply(&x, k->fsfd, NULL);
	} else if (r == 0) {
		long v = nr == SYS_fchmod ? fchmod(k->fsfd, (mode_t)a[1])
			 : nr == SYS_fchown
			     ? fchown(k->fsfd, (uid_t)a[1], (gid_t)a[2])
			     : syscall(SYS_utimensat, k->fsfd, NULL, tp,
				       nr == SYS_utimensat ? (int)a[3] : 0);
		r = v < 0 ? -errno : 0;
	}
	if (switched)
		caller_creds_leave();
	free(x.val);
	return r;
}

/* What a call on (fd, "", AT_EMPTY_PATH) reads from the caller's memory
 * (times, an extended attribute), and its credentials. 0 or -errno. */
static int empty_path_args(struct call *k, int lflags, struct timespec ts[2],
			   struct timespec **tp, struct xattr_req *x)
{
	int nr = (int)k->n->data.nr;
	int r = nr == SYS_utimensat ? sv_times_read(k, lflags, ts, tp)
		: sv_is_xattrat(nr) ? sv_xattr_read(k, lflags, x)
				    : 0;
	if (r == 0 && caller_creds(&k->c, false) < 0)
		r = -ESRCH;
	return r;
}

/* linkat's destination: the name decided on, as (directory, component);
 * with in_caller, looked up in the caller's root even when it is policyd's
 * (see link_copy). */
static int link_destination(struct call *k, const struct outcome *o, char *b2,
			    bool in_caller)
{
	uint64_t resolve;
	_cleanup_close_ int rootfd = chase_root(&k->c, &resolve);
	if (in_caller && rootfd == AT_FDCWD) {
		char rp[TG_PATH_MAX];
		procfs_path(k->c.pid, "root", rp, sizeof(rp));
		rootfd = open(rp, O_PATH | O_CLOEXEC | O_DIRECTORY);
		if (rootfd < 0)
			return -errno;
		resolve |= RESOLVE_IN_ROOT;
	}
	if (rootfd < 0 && rootfd != AT_FDCWD)
		return rootfd;
	return o && o->object2[0]
		   ? name_at(NULL, rootfd, resolve, o->object2, b2)
		   : -ENOENT;
}

/* Links policyd's copy pp into the destination (*d2, b2). A file the
 * caller opened is on the caller's mounts and one policyd opened for it
 * (a write-open, O_TMPFILE) on policyd's: in a session with a mount
 * namespace of its own (the kernel deny-read layer) they are different
 * mounts of the same file system, across which a link is EXDEV; so on
 * EXDEV the same destination is named through the caller's root. 0 or -1
 * with errno. */
static long link_copy(struct call *k, const struct outcome *o, const char *pp,
		      int *d2, char *b2)
{
	long v = linkat(AT_FDCWD, pp, *d2, b2, AT_SYMLINK_FOLLOW);
	if (v == 0 || errno != EXDEV || caller_same_root(&k->c) == false)
		return v;
	int d = link_destination(k, o, b2, true);
	if (d < 0) {
		errno = EXDEV;
		return -1;
	}
	close(*d2);
	*d2 = d;
	return linkat(AT_FDCWD, pp, *d2, b2, AT_SYMLINK_FOLLOW);
}

/* Calls on a descriptor's file spelled (fd, "", AT_EMPTY_PATH): linkat,
 * fchownat, fchmodat2, utimensat, setxattrat, removexattrat. They are done
 * on policyd's copy of the descriptor (k->fsfd, taken before the
 * decision), so that another thread re-pointing the number with dup2 after
 * the decision changes nothing: the kernel, left to it, would look the
 * number up again. linkat links the copy through /proc/self/fd with
 * AT_SYMLINK_FOLLOW, what the caller itself may always do (AT_EMPTY_PATH
 * would need the caller's own credentials object or CAP_DAC_READ_SEARCH,
 * which policyd has and the caller may not), into the destination decided
 * on. o is NULL for a descriptor in no file system (not linkat: the
 * kernel's answer to that is EXDEV). */
int sv_fsdo_empty_path(struct call *k, const struct outcome *o, int lflags)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	struct timespec ts[2], *tp = NULL;
	struct xattr_req x = {.val = NULL};
	int r = empty_path_args(k, lflags, ts, &tp, &x);
	if (r < 0) {
		free(x.val);
		return r;
	}
	_cleanup_close_ int d2 = -1;
	char b2[TG_PATH_MAX];
	if (nr == SYS_linkat && (d2 = link_destination(k, o, b2, false)) < 0)
		return d2;
	bool switched = false;
	char pp[64];
	snprintf(pp, sizeof(pp), "/proc/self/fd/%d", k->fsfd);
	if (!sv_call_valid(k))
		r = -ESRCH; /* the caller died: it did not make the call */
	else if (caller_creds_enter(&k->c, &switched) < 0)
		r = -EACCES;
	if (r == 0 && sv_is_xattrat(nr)) {
		/* on the caller's cwd through the magic link of the held
		 * directory; on a descriptor, the copy is used as the kernel
		 * uses the caller's (an O_PATH one is EBADF for both) */
		r = sv_xattr_apply(&x, k->fsfd, k->fsfd_cwd ? pp : NULL);
	} else if (r == 0) {
		long v =
		    nr == SYS_linkat
			? link_copy(k, o, pp, &d2, b2)
		    : nr == SYS_fchownat  ? fchownat(k->fsfd, "", (uid_t)a[2],
						     (gid_t)a[3], (int)a[4])
		    : nr == SYS_fchmodat2 ? syscall(SYS_fchmodat2, k->fsfd, "",
						    (mode_t)a[2], (int)a[3])
					  : utimensat(k->fsfd, "", tp, lflags);
		r = v < 0 ? -errno : 0;
	}
	if (switched)
		caller_creds_leave();
	free(x.val);
	return r;
}

/* truncate of the held file pf (st; its /proc link pp) to len. */
static int truncate_held(const struct stat *st, const char *pp, off_t len)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	_cleanup_close_ int wfd = open(pp, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (wfd < 0)
		return -errno;
	return ftruncate(wfd, len) < 0 ? -errno : 0;
}

/* The metadata call k on the held file pf (st; its /proc link pp). */
static int meta_on_held(struct call *k, int pf, const struct stat *st,
			const char *pp, const struct timespec *tp)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	if (nr == SYS_truncate)
		return truncate_held(st, pp, (off_t)a[1]);
	if (nr == SYS_chmod || nr == SYS_fchmodat || nr == SYS_fchmodat2) {
		mode_t mode = (mode_t)(nr == SYS_chmod ? a[1] : a[2]);
		if (S_ISLNK(st->st_mode))
			return -EOPNOTSUPP; /* a symlink's mode cannot change */
		return fchmodat(AT_FDCWD, pp, mode, 0) < 0 ? -errno : 0;
	}
	if (sv_is_times(nr))
		/* on the held file itself (a symlink too, for
		 * AT_SYMLINK_NOFOLLOW): nothing is looked up again */
		return utimensat(pf, "", tp, AT_EMPTY_PATH) < 0 ? -errno : 0;
	/* chown, lchown, fchownat */
	uid_t u = (uid_t)(nr == SYS_fchownat ? a[2] : a[1]);
	gid_t g = (gid_t)(nr == SYS_fchownat ? a[3] : a[2]);
	return fchownat(pf, "", u, g, AT_EMPTY_PATH) < 0 ? -errno : 0;
}

/* truncate, chmod, chown, xattrs and times of the file named b in
 * directory d (policyd's credentials already the caller's): the file is
 * held with an O_PATH descriptor, so the call changes the file that was
 * decided on. A call that follows a final symlink finds none (policyd
 * resolved it); if one appeared since, ELOOP. 0 or -errno. */
static int meta_perform(struct call *k, int d, const char *b, int lflags)
{
	int nr = (int)k->n->data.nr;
	bool itself =
	    k->sc->link == TG_SC_ITSELF ||
	    (k->sc->link == TG_SC_ITSELF_IF && (lflags & AT_SYMLINK_NOFOLLOW));
	/* times: what the kernel checks before it looks at the file */
	struct timespec ts[2], *tp = NULL;
	if (sv_is_times(nr)) {
		int tr = sv_times_read(k, lflags, ts, &tp);
		if (tr < 0)
			return tr;
		if (!sv_call_valid(k))
			return -ESRCH;
	}
	_cleanup_close_ int pf = openat(d, b, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pf < 0)
		return -errno;
	struct stat st;
	if (fstat(pf, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode) && !itself)
		return -ELOOP;
	char pp[64];
	snprintf(pp, sizeof(pp), "/proc/self/fd/%d", pf);
	if (nr == SYS_setxattr || nr == SYS_removexattr ||
	    nr == SYS_lsetxattr || nr == SYS_lremovexattr ||
	    sv_is_xattrat(nr)) {
		/* through the descriptor's /proc link: the held file (for
		 * lsetxattr, lremovexattr and the at-calls with
		 * AT_SYMLINK_NOFOLLOW a symlink itself) */
		struct xattr_req x = {.val = NULL};
		int r = sv_xattr_read(k, lflags, &x);
		/* after the reads: what was read is the caller's */
		if (r == 0 && !sv_call_valid(k))
			r = -ESRCH;
		if (r == 0)
			r = sv_xattr_apply(&x, -1, pp);
		free(x.val);
		return r;
	}
	return meta_on_held(k, pf, &st, pp, tp);
}

/* Makes or removes the names nm (umask and credentials the caller's). */
static int names_do(struct call *k, const struct at_names *nm,
		    const char *target)
{
	const __u64 *a = k->n->data.args;
	int d1 = nm->d1, d2 = nm->d2;
	const char *b1 = nm->b1, *b2 = nm->b2;
	long x;
	switch (k->n->data.nr) {
	case SYS_rename:
	case SYS_renameat:
		x = renameat(d1, b1, d2, b2);
		break;
	case SYS_renameat2:
		x = syscall(SYS_renameat2, d1, b1, d2, b2, (unsigned)a[4]);
		break;
	case SYS_link:
	case SYS_linkat:
		/* a followed symlink was resolved: real is the file */
		x = linkat(d1, b1, d2, b2, 0);
		break;
	case SYS_unlink:
		x = unlinkat(d1, b1, 0);
		break;
	case SYS_rmdir:
		x = unlinkat(d1, b1, AT_REMOVEDIR);
		break;
	case SYS_unlinkat:
		x = unlinkat(d1, b1, (int)a[2]);
		break;
	case SYS_mkdir:
		x = mkdirat(d1, b1, (mode_t)a[1]);
		break;
	case SYS_mkdirat:
		x = mkdirat(d1, b1, (mode_t)a[2]);
		break;
	case SYS_symlink:
	case SYS_symlinkat:
		x = symlinkat(target, d1, b1);
		break;
	case SYS_mknod:
		x = mknodat(d1, b1, (mode_t)a[1], (dev_t)a[2]);
		break;
	case SYS_mknodat:
		x = mknodat(d1, b1, (mode_t)a[2], (dev_t)a[3]);
		break;
	default:
		return -EPERM; /* never: names_kind said it makes names */
	}
	return x < 0 ? -errno : 0;
}

/* fchmod, fchown, fsetxattr, ...: the name decided on must still be the
 * descriptor's file. */
static int perform_by_fd(struct call *k, const struct outcome *o)
{
	struct stat fs, ps;
	char view[TG_PATH_MAX + 32];
	chase_view(&k->c, o->object, view, sizeof(view));
	if (fstat(k->fsfd, &fs) < 0)
		return -EACCES;
	/* a file with no name left (unlinked, still open) is no file any
	 * rule can be about */
	if (fs.st_nlink == 0)
		return sv_fsdo_fd(k);
	if (stat(view, &ps) < 0 || fs.st_dev != ps.st_dev ||
	    fs.st_ino != ps.st_ino) {
		daemon_log("pid %d: %s of a descriptor refused: its file is no "
			   "longer %s",
			   (int)k->c.pid, o->kind, o->object);
		return -EACCES;
	}
	return sv_fsdo_fd(k);
}

/* What policyd does for a call by path: make or remove names (one or two:
 * rename, link), or change the file decided on (metadata, truncate;
 * timestamps where a held file's can be set); the rest is the kernel's. */
enum names_kind { NAMES_NONE, NAMES_ONE, NAMES_TWO, NAMES_META, NAMES_MAX };

static enum names_kind names_kind(const struct tg_syscall *sc)
{
	if (sc->p1 < 0)
		return NAMES_NONE;
	if (sc->p2 >= 0)
		return NAMES_TWO; /* rename, link */
	if (sc->acc != TG_SC_W)
		return NAMES_ONE; /* a name made or removed */
	if (sv_is_times(sc->nr) && !sv_times_by_descriptor())
		return NAMES_NONE;
	return NAMES_META;
}

int sv_fsdo_perform(struct call *k, const struct outcome *o, int lflags)
{
	if (k->fsfd >= 0 && (lflags & AT_EMPTY_PATH))
		return sv_fsdo_empty_path(k, o, lflags);
	if (k->fsfd >= 0)
		return perform_by_fd(k, o);
	int nr = (int)k->n->data.nr;
	enum names_kind kind = names_kind(k->sc);
	bool two = kind == NAMES_TWO;
	/* AT_EMPTY_PATH with a name: the kernel goes by the name, and so
	 * does this (an empty name was the held descriptor's, above) */
	if (kind == NAMES_NONE || !o->object[0] || (two && !o->object2[0]) ||
	    !strncmp(o->object, "/proc/", 6) ||
	    (two && !strncmp(o->object2, "/proc/", 6)))
		return -ENOSYS;
	/* what a symlink will say: data, read once, used as read */
	char target[TGP_MAX_PATH + 1];
	size_t tl;
	if ((nr == SYS_symlink || nr == SYS_symlinkat) &&
	    sv_mem_str(k->n->data.args[0], target, sizeof(target), &tl) < 0)
		return -EFAULT;
	/* the caller's credentials (root policyd) and umask (mkdir, mknod) */
	bool mkmode = nr == SYS_mkdir || nr == SYS_mkdirat || nr == SYS_mknod ||
		      nr == SYS_mknodat;
	if (caller_creds(&k->c, mkmode) < 0)
		return -ESRCH;
	char b1[TG_PATH_MAX], b2[TG_PATH_MAX];
	__attribute__((cleanup(at_names_close))) struct at_names nm = {
	    .d1 = -1, .d2 = -1, .b1 = b1, .b2 = b2};
	int r = at_names_open(k, o, two, &nm);
	bool switched = false;
	if (r == 0 && !sv_call_valid(k))
		r = -ESRCH; /* the caller died: it did not make the call */
	if (r == 0 && caller_creds_enter(&k->c, &switched) < 0)
		r = -EACCES;
	if (r == 0 && kind == NAMES_META) {
		r = meta_perform(k, nm.d1, nm.b1, lflags);
	} else if (r == 0) {
		/* the umask only where a mode is made (a symlink's is
		 * always 0777; a link, rename or unlink makes none) */
		bool mk = mkmode && caller_umask_enter(
					k->c.have_cr ? k->c.cr.umask : 022);
		r = names_do(k, &nm, target);
		if (mk)
			caller_umask_leave();
	}
	if (switched)
		caller_creds_leave();
	return r;
}
