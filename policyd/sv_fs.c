/* SPDX-License-Identifier: MIT */
#include "sv_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chase.h"
#include "decide.h"
#include "missing.h"
#include "procfs.h"
#include "self.h"
#include "sv_attr.h"
#include "sv_fsdo.h"
#include "sv_mem.h"
#include "sys.h"
#include "util.h"

/* A file call's arguments, as the table says where they are. */
struct fs_args {
	int d1, d2;	 /* dirfds (AT_FDCWD when the call has none) */
	int lflags;	 /* AT_EMPTY_PATH, AT_SYMLINK_(NO)FOLLOW */
	uint64_t p1, p2; /* the paths' addresses, 0: none */
	unsigned acc, acc2;
	size_t len; /* of the first path read */
	/* (fd, "", AT_EMPTY_PATH): the file is the caller's descriptor,
	 * held by policyd (held_empty), or where it cannot copy it, left to
	 * the kernel by name (by_name) */
	bool held_empty, by_name;
	bool proc_link; /* ... spelled /proc/self/fd/N (fs_proc_fd_link) */
};

/* What a descriptor's /proc link names: 1, with its path in to, for a
 * file in a file system; 0 for an object in none (a pipe, a socket, a
 * memfd, an anonymous inode: no policy is about them); when the link
 * cannot be read, the errno the call is refused with (-EBADF: no such
 * descriptor; -EACCES: not looked at, not let through). */
static int descriptor_name(const char *link, char *to, size_t cap)
{
	ssize_t l = readlink(link, to, cap - 1);
	if (l < 0) {
		to[0] = '\0';
		return errno == ENOENT ? -EBADF : -EACCES;
	}
	to[l] = '\0';
	return to[0] == '/' && strncmp(to, "/memfd:", 7) != 0;
}

/* By descriptor (fchmod, fchown, the f*xattr calls, futimens): the file
 * it is open on; a pipe, a socket, a memfd or an anonymous inode is in no
 * file system. Every such call is done by policyd on its own copy of the
 * descriptor (pidfd_getfd): another thread re-pointing the number (dup2)
 * after the decision changes nothing. A descriptor that cannot be looked
 * at is not let through. true: answered. */
static bool fs_by_descriptor(struct call *k, struct fs_args *fa)
{
	int fd = (int)k->n->data.args[k->sc->fd];
	char what[64], to[TG_PATH_MAX];
	if ((k->fsfd = caller_fd(k->c.pid, fd)) < 0) {
		sv_call_answer(k, k->fsfd == -EBADF ? -EBADF : -EACCES);
		return true;
	}
	snprintf(what, sizeof(what), "/proc/self/fd/%d", k->fsfd);
	int dn = descriptor_name(what, to, sizeof(to));
	if (dn < 0) {
		sv_call_answer(k, dn);
		return true;
	}
	if (dn == 0) {
		/* in no file system: no policy to apply */
		sv_call_performed(k, sv_fsdo_fd(k));
		return true;
	}
	/* decided on the file's name, done on the descriptor (sv_fsdo
	 * checks they are one file) */
	fa->len = tg_strlcpy(k->q.path, sizeof(k->q.path), to);
	return false;
}

/* setxattrat/removexattrat(AT_FDCWD, "", AT_EMPTY_PATH): the caller's
 * cwd: setxattrat sets it, removexattrat says EBADF (as the kernel does).
 * policyd holds the cwd as it is now; a chdir by another thread changes
 * nothing. true: answered. */
static bool fs_hold_cwd(struct call *k)
{
	bool remove = k->n->data.nr == SYS_removexattrat;
	char cwd[TG_PATH_MAX];
	procfs_path(k->c.pid, "cwd", cwd, sizeof(cwd));
	k->fsfd = remove ? -EBADF : open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (k->fsfd < 0) {
		sv_call_answer(k, remove ? -EBADF : -EACCES);
		k->fsfd = -1;
		return true;
	}
	k->fsfd_cwd = true;
	return false;
}

/* (fd, "", AT_EMPTY_PATH): policyd takes its own copy of the descriptor.
 * Where it may not take the caller's descriptors (Yama's ptrace_scope, a
 * user-mode policyd that is not the caller's ancestor), a single-threaded
 * caller's descriptor cannot be re-pointed by anyone else (the filter
 * refuses CLONE_FILES outside threads), so the kernel may look it up
 * again; anyone else's call is decided (an allow becomes a refusal, rule
 * descriptor_race, with its line and audit). true: answered. */
static bool fs_hold_descriptor(struct call *k, struct fs_args *fa)
{
	k->fsfd = sv_test_no_getfd() ? -EPERM : caller_fd(k->c.pid, fa->d1);
	if (k->fsfd >= 0)
		return false;
	int e = k->fsfd;
	struct proc_status ps;
	k->fsfd = -1;
	if (e == -EBADF) {
		/* no such descriptor: no such /proc/self/fd entry either */
		sv_call_answer(k, fa->proc_link ? -ENOENT : -EBADF);
		return true;
	}
	k->q.unheld_fd =
	    procfs_status(k->c.pid, &ps) < 0 || ps.threads != 1;
	fa->held_empty = false;
	fa->by_name = true;
	return false;
}

/* The caller's descriptor d1 named for the decision (an O_TMPFILE's or a
 * deleted file's name is "DIR/#N (deleted)": decided as a name in DIR).
 * policyd acts on its own copy (sv_fsdo_empty_path), or the kernel does
 * (by_name). true: answered. */
static bool fs_name_descriptor(struct call *k, struct fs_args *fa)
{
	char what[TG_PATH_MAX], to[TG_PATH_MAX];
	if (fa->held_empty)
		snprintf(what, sizeof(what), "/proc/self/fd/%d", k->fsfd);
	else
		snprintf(what, sizeof(what), "/proc/%d/fd/%d", (int)k->c.pid,
			 fa->d1);
	int dn = descriptor_name(what, to, sizeof(to));
	if (dn < 0) {
		sv_call_answer(k, dn);
		return true;
	}
	if (dn == 0 && fa->by_name && !k->q.unheld_fd) {
		/* in no file system, and nobody else can re-point the
		 * number: no policy to apply */
		sv_call_continue(k);
		return true;
	}
	if (dn == 0 && !fa->by_name) {
		/* in no file system: no policy to apply, and no name to link
		 * from (the kernel says EXDEV) */
		int e = !sv_call_valid(k) ? -ESRCH
			: k->n->data.nr == SYS_linkat
			    ? -EXDEV
			    : sv_fsdo_empty_path(k, NULL, fa->lflags);
		if (e != -ESRCH)
			sv_call_performed(k, e);
		return true;
	}
	tg_strlcpy(k->q.path, sizeof(k->q.path), to);
	fa->d1 = AT_FDCWD;
	return false;
}

/* linkat("/proc/self/fd/N", AT_SYMLINK_FOLLOW): open(2)'s way to name an
 * O_TMPFILE file (its /proc link reads "DIR/#N (deleted)", a name policyd
 * cannot resolve). The caller's descriptor N: taken as linkat(N, "",
 * AT_EMPTY_PATH), which policyd holds, decides on and links through its
 * own copy as that path would. /proc/thread-self and /proc/PID (the
 * caller's) alike; true when path is one of them, N in *ret_fd. */
static bool fs_proc_fd_link(struct call *k, const char *path, int *ret_fd)
{
	char self[32];
	const char *rest = NULL;
	snprintf(self, sizeof(self), "/proc/%d/fd/", (int)k->c.pid);
	if (!strncmp(path, "/proc/self/fd/", 14))
		rest = path + 14;
	else if (!strncmp(path, "/proc/thread-self/fd/", 21))
		rest = path + 21;
	else if (!strncmp(path, self, strlen(self)))
		rest = path + strlen(self);
	uint64_t fd;
	if (!rest || tg_parse_u64(rest, INT_MAX, &fd) < 0 ||
	    (rest[0] == '0' && rest[1]))
		return false;
	*ret_fd = (int)fd;
	return true;
}

/* The names of the call read (from its descriptors or the caller's
 * memory) into k->q. true: answered. */
static bool fs_names(struct call *k, struct fs_args *fa)
{
	int nr = (int)k->n->data.nr, r = 0;
	if (k->sc->fd >= 0) {
		if (fs_by_descriptor(k, fa))
			return true;
	} else if (!fa->p1 && (fa->lflags & AT_EMPTY_PATH) &&
		   sv_is_xattrat(nr)) {
		k->q.path[0] = '\0'; /* no name at all: the descriptor's */
	} else {
		r = sv_mem_str(fa->p1, k->q.path, sizeof(k->q.path), &fa->len);
	}
	/* lflags is set only for the calls whose flags may say AT_EMPTY_PATH
	 * (linkat, fchownat, fchmodat2, utimensat, setxattrat,
	 * removexattrat) */
	int pfd;
	if (r == 0 && nr == SYS_linkat && (fa->lflags & AT_SYMLINK_FOLLOW) &&
	    fs_proc_fd_link(k, k->q.path, &pfd)) {
		fa->d1 = pfd;
		fa->len = 0;
		fa->lflags |= AT_EMPTY_PATH;
		fa->proc_link = true;
		k->q.path[0] = '\0';
	}
	fa->held_empty = r == 0 && fa->len == 0 && (fa->lflags & AT_EMPTY_PATH);
	if (fa->held_empty && fa->d1 == AT_FDCWD && sv_is_xattrat(nr)) {
		if (fs_hold_cwd(k))
			return true;
	} else if (fa->held_empty && fs_hold_descriptor(k, fa)) {
		return true;
	}
	if (fa->held_empty || fa->by_name) {
		if (fs_name_descriptor(k, fa))
			return true;
	} else if (r == 0 && fa->len == 0) {
		r = -ENOENT;
	}
	size_t len2;
	if (r == 0 && fa->p2) {
		r = sv_mem_str(fa->p2, k->q.path2, sizeof(k->q.path2), &len2);
		if (r == 0 && len2 == 0)
			r = -ENOENT;
	}
	if (r < 0) {
		sv_call_answer(k, r == -ENAMETOOLONG || r == -ENOENT ? r
								     : -EFAULT);
		return true;
	}
	return false;
}

/* What path (of the caller, from dirfd) names, as it sees it: 0 and
 * *ret_mode, -ENOENT/-ENOTDIR nothing, 1 cannot tell. */
static int fs_mode(struct call *k, int dirfd, const char *path, bool follow,
		   mode_t *ret_mode)
{
	return chase_stat(&k->c, dirfd, path, follow, ret_mode);
}

/* A name with slashes after it must be a directory (the kernel follows a
 * final symlink for that): -ENOTDIR when it is not, -ENOENT/-ENOTDIR when
 * it is not there, 0 otherwise. */
static int fs_must_be_dir(struct call *k, int dirfd, const char *path)
{
	mode_t m = 0;
	int r = fs_mode(k, dirfd, path, true, &m);
	if (r != 0)
		return r < 0 ? r : 0;
	return S_ISDIR(m) ? 0 : -ENOTDIR;
}

/* A name made by a call that makes no directory (mknod, symlink, link):
 * ".", ".." or "/" are there (EEXIST); with slashes after it, the kernel
 * makes nothing: EEXIST when something is there, else ENOENT. */
static int fs_make_nondir(struct call *k, int dirfd, const char *path)
{
	bool slash;
	if (tg_path_spelling(path, &slash) != TG_SPELL_NAME)
		return -EEXIST;
	if (!slash)
		return 0;
	int r = fs_mode(k, dirfd, path, false, NULL);
	return r == 0 ? -EEXIST : r < 0 ? -ENOENT : 0;
}

/* The errno the kernel fails a call by path with because of how its names
 * are spelled ("name/" of something not a directory, ".", ".."), before
 * anything else is checked; 0 when the spelling is no obstacle. policyd
 * decides and performs calls on normalised names, where "file/" and
 * "dir/." would be "file" and "dir": these calls fail here as natively,
 * undecided (nothing happens, as for calls that can have no effect). */
static int fs_spelled_errno(struct call *k, const struct fs_args *fa)
{
	/* a descriptor's file (fd, "", AT_EMPTY_PATH) has no spelling; a
	 * link's new name has */
	bool named = fa->p1 && !fa->held_empty && !fa->by_name;
	const char *p1 = named ? k->q.path : "", *p2 = fa->p2 ? k->q.path2 : "";
	bool s1, s2;
	enum tg_spell t1 = tg_path_spelling(p1, &s1), t2 = tg_path_spelling(p2, &s2);
	if (t1 == TG_SPELL_NAME && !s1 && t2 == TG_SPELL_NAME && !s2)
		return 0; /* every ordinary name: nothing looked at */
	const __u64 *a = k->n->data.args;
	long nr = k->n->data.nr;
	mode_t m = 0;
	int r;
	/* "missing/." fails its lookup first (ENOENT, ENOTDIR) */
	if ((t1 == TG_SPELL_DOT || t1 == TG_SPELL_DOTDOT) &&
	    (r = fs_mode(k, fa->d1, p1, true, &m)) < 0)
		return r;
	switch (nr) {
	case SYS_unlinkat:
		if (!(a[2] & AT_REMOVEDIR))
			goto unlink;
		/* fall through */
	case SYS_rmdir:
		return t1 == TG_SPELL_DOT	  ? -EINVAL
		       : t1 == TG_SPELL_DOTDOT ? -ENOTEMPTY
		       : t1 == TG_SPELL_ROOT	  ? -EBUSY
					  : 0;
	case SYS_unlink:
	unlink:
		if (t1 != TG_SPELL_NAME)
			return -EISDIR;
		r = fs_mode(k, fa->d1, p1, false, &m);
		if (r != 0)
			return r < 0 ? r : 0;
		return S_ISDIR(m) ? -EISDIR : -ENOTDIR;
	case SYS_mkdir:
	case SYS_mkdirat:
		return t1 == TG_SPELL_NAME ? 0 : -EEXIST;
	case SYS_mknod:
	case SYS_mknodat:
	case SYS_symlink:
	case SYS_symlinkat:
		return fs_make_nondir(k, fa->d1, p1);
	case SYS_link:
	case SYS_linkat:
		if (s1 && (r = fs_must_be_dir(k, fa->d1, p1)) != 0)
			return r;
		if (s1)
			return -EPERM; /* a directory is never hard linked */
		return fs_make_nondir(k, fa->d2, p2);
	case SYS_rename:
	case SYS_renameat:
	case SYS_renameat2: {
		unsigned rf = nr == SYS_renameat2 ? (unsigned)a[4] : 0;
		if (t1 != TG_SPELL_NAME)
			return -EBUSY;
		if (t2 != TG_SPELL_NAME)
			return rf & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
		/* slashes after either name: the file renamed must be a
		 * directory (a final symlink is not followed), and with
		 * RENAME_EXCHANGE so must the other be if it has them */
		r = fs_mode(k, fa->d1, p1, false, &m);
		if (r != 0)
			return r < 0 ? r : 0;
		if (!S_ISDIR(m))
			return -ENOTDIR;
		if (!(rf & RENAME_EXCHANGE) || !s2)
			return 0;
		r = fs_mode(k, fa->d2, p2, false, &m);
		if (r != 0)
			return r < 0 ? r : 0;
		return S_ISDIR(m) ? 0 : -ENOTDIR;
	}
	default:
		/* the calls that look a name up (truncate, modes, owners,
		 * attributes, times) */
		return s1 ? fs_must_be_dir(k, fa->d1, p1) : 0;
	}
}

/* k->q and k->noop for the decision. */
static void fs_request(struct call *k, const struct fs_args *fa)
{
	const struct tg_syscall *sc = k->sc;
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = fa->d1;
	k->q.access = fa->acc;
	k->q.has_path2 = fa->p2 != 0;
	k->q.dirfd2 = fa->d2;
	k->q.access2 = fa->acc2;
	k->q.label = sc->kind;
	/* a held descriptor's file is itself, never what it may point to
	 * (an O_PATH descriptor can be a symlink's); a path through the
	 * caller's /proc/self/fd is followed */
	k->q.nofollow = fa->held_empty || fa->by_name ||
			sc->link == TG_SC_ITSELF ||
			(sc->link == TG_SC_ITSELF_IF &&
			 (fa->lflags & AT_SYMLINK_NOFOLLOW)) ||
			(sc->link == TG_SC_ITSELF_UNLESS &&
			 !(fa->lflags & AT_SYMLINK_FOLLOW));
	/* a name only made (mkdir, symlink, mknod; link's new name): what is
	 * there now is never reached, the call fails with EEXIST */
	k->q.made = fa->acc == POLICY_ACC_CREATE && !fa->p2;
	k->q.made2 = k->n->data.nr == SYS_link || k->n->data.nr == SYS_linkat;
	k->q.symlink =
	    k->n->data.nr == SYS_symlink || k->n->data.nr == SYS_symlinkat;
	/* a link of a descriptor: what it is, on policyd's copy (its /proc
	 * name may read "(deleted)" while another name keeps the file); one
	 * left to the kernel by name may be a symlink */
	struct stat st;
	k->q.src_fd =
	    k->n->data.nr == SYS_linkat && (fa->held_empty || fa->by_name);
	k->q.src_symlink =
	    k->q.src_fd && (!fa->held_empty || k->fsfd < 0 ||
			    fstat(k->fsfd, &st) < 0 || S_ISLNK(st.st_mode));
	/* calls that can only fail: making a name that exists, or removing,
	 * renaming, linking or changing one that does not (a descriptor's
	 * file is there, whatever its name says) */
	k->noop = (struct call_noop){
	    .exists = fa->acc == POLICY_ACC_CREATE ? -EEXIST : 0,
	    .missing =
		fa->acc != POLICY_ACC_CREATE && k->fsfd < 0 && !fa->by_name,
	    .follow = false,
	    .dirfd = fa->d1};
}

/* A refused link a copy can replace (decide_link_copyable): only link
 * and linkat are links. */
static bool fs_link_copyable(struct call *k, struct outcome *o)
{
	return (k->n->data.nr == SYS_link || k->n->data.nr == SYS_linkat) &&
	       decide_link_copyable(&k->c, &k->q, o);
}

/*
 * A rename with one name in a session's scratch directory and the other
 * outside it fails with EXDEV, as across file systems (mv and shutil.move
 * copy instead, each file decided). A directory moved out could take names
 * made through the scratch directory's unnotified route after the rename's
 * walk looked at it (decide_rename.h); a file could be exchanged for such
 * a directory by that route between the decision and the rename. Any
 * session's, ended ones' included (self_scratch): the route of one is
 * another's way in.
 */
static bool scratch_crossing(struct call *k, const struct outcome *o)
{
	int nr = (int)k->n->data.nr;
	return (nr == SYS_rename || nr == SYS_renameat ||
		nr == SYS_renameat2) &&
	       o->object2[0] && self_scratch_crossing(o->object, o->object2);
}

/* A call left to the kernel by name reads its names from the caller's
 * memory again after the answer: where another thread (or a process
 * sharing that memory) could rewrite them after the decision, the kernel
 * would act on names nobody decided (a /proc name allowed, swapped for the
 * audit log's). As open_by_kernel (sv_open.c). */
static bool fs_continue_racy(struct call *k, const struct fs_args *fa)
{
	uint64_t at[2];
	size_t n = 0;
	if (fa->p1)
		at[n++] = fa->p1;
	if (fa->p2)
		at[n++] = fa->p2;
	return !fa->by_name && n && sv_caller_racy(&k->c, at, n);
}

/* Decides k->q (sv_call_decide_or_refuse, but a refused link a copy can
 * replace gets no line: fs_link_copyable). Allowed: true, *ret_o the
 * outcome to free; else answered, false. */
static bool fs_decide(struct call *k, struct outcome **ret_o)
{
	struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -ENOMEM);
		return false;
	}
	decide_call(&k->c, &k->q, o); /* a file call never waits */
	if (scratch_crossing(k, o)) {
		/* as across file systems (the kernel says EXDEV before it
		 * looks at permissions): nothing done, nothing to audit */
		free(o);
		sv_call_answer(k, -EXDEV);
		return false;
	}
	bool quiet = fs_link_copyable(k, o);
	sv_call_finish(k, o);
	if (o->decision == DECISION_ALLOWED) {
		*ret_o = o;
		return true;
	}
	if (o->decision == DECISION_ABSENT) {
		sv_call_answer(k, o->absent);
	} else {
		if (!quiet)
			sv_call_tell(k, k->sc->verb, o->target, o);
		sv_call_answer(k, -EACCES);
	}
	free(o);
	return false;
}

int sv_fs(struct call *k)
{
	const __u64 *a = k->n->data.args;
	const struct tg_syscall *sc = k->sc;
	struct fs_args fa = {
	    .d1 = sc->d1 >= 0 ? (int)a[sc->d1] : AT_FDCWD,
	    .d2 = sc->d2 >= 0 ? (int)a[sc->d2] : AT_FDCWD,
	    .lflags = sc->fl >= 0 ? (int)a[sc->fl] : 0,
	    .p1 = sc->p1 >= 0 ? a[sc->p1] : 0,
	    .p2 = sc->p2 >= 0 ? a[sc->p2] : 0,
	    .acc = sc->acc,
	};
	if (k->n->data.nr == SYS_renameat2 &&
	    ((unsigned)a[4] & RENAME_EXCHANGE))
		/* both names lose their file and get the other */
		fa.acc = fa.acc2 = POLICY_ACC_DELETE | POLICY_ACC_CREATE;
	sv_mem_reset(k->c.pid);
	if (fs_names(k, &fa) || !sv_call_valid(k))
		return 0;
	int se = fs_spelled_errno(k, &fa);
	if (se) {
		sv_call_answer(k, se);
		return 0;
	}
	fs_request(k, &fa);
	struct outcome *o = NULL;
	if (!fs_decide(k, &o))
		return 0;
	/* the names policyd decided on, made or removed by policyd itself;
	 * the rest (metadata, truncate, /proc) by the kernel */
	int e = fa.by_name ? -ENOSYS : sv_fsdo_perform(k, o, fa.lflags);
	free(o);
	if (e == -ENOSYS && fs_continue_racy(k, &fa))
		sv_call_refuse(k, k->sc->verb, "path_race", k->q.path,
			       "only the kernel can do this call for the caller "
			       "(a /proc name), and another thread could rewrite "
			       "its name after the check; make it from a "
			       "process with one thread",
			       -EACCES);
	else if (e == -ENOSYS)
		sv_call_continue(k);
	else if (e != -ESRCH)
		sv_call_performed(k, e);
	return 0;
}
