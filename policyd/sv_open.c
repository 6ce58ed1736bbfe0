/* SPDX-License-Identifier: MIT */
#include "sv_open.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chase.h"
#include "session.h"
#include "sv_mem.h"
#include "util.h"

/* Opens real (the resolved path policyd decided on) as the caller would:
 * its credentials, umask and root; no symlink may have appeared since the
 * decision (RESOLVE_NO_SYMLINKS), no magic link followed. */
static int open_as_caller(struct call *k, const char *real, uint64_t flags,
			  mode_t mode)
{
	uint64_t resolve;
	_cleanup_close_ int rootfd = chase_root(&k->c, &resolve);
	if (rootfd < 0 && rootfd != AT_FDCWD)
		return rootfd;
	/* policyd never waits in an open (a FIFO with no writer): O_NONBLOCK,
	 * taken off after, unless the open can only make a new regular file
	 * or fail (O_CREAT|O_EXCL: git's objects and locks, a fcntl fewer) */
	bool fresh = (flags & O_CREAT) && (flags & O_EXCL);
	struct open_how how = {
	    .flags = (flags & ~(uint64_t)O_CLOEXEC) | (fresh ? 0 : O_NONBLOCK) |
		     O_NOCTTY | O_CLOEXEC,
	    .mode = (flags & (O_CREAT | __O_TMPFILE)) ? (mode & 07777) : 0,
	    .resolve = resolve};
	bool switched;
	if (caller_creds_enter(&k->c, &switched) < 0)
		return -EACCES;
	/* the caller's umask where a file may be made (each call is a
	 * system call: policyd's cost per notification is in their number) */
	bool mk = (flags & (O_CREAT | __O_TMPFILE)) != 0 &&
		  caller_umask_enter(k->c.cr.umask);
	int fd = (int)syscall(SYS_openat2, rootfd, real, &how, sizeof(how));
	int e = errno;
	if (mk)
		caller_umask_leave();
	if (switched)
		caller_creds_leave();
	if (fd < 0)
		return -e;
	/* the open's own flags less policyd's O_NONBLOCK: what F_GETFL would
	 * say (F_SETFL takes only its mask of them; O_ASYNC, which open
	 * ignores, must not be turned on here) */
	if (!(flags & O_NONBLOCK) && !fresh)
		fcntl(fd, F_SETFL,
		      (int)(how.flags & ~(uint64_t)(O_NONBLOCK | O_ASYNC)));
	return fd;
}

/* Puts fd (policyd's open of the file decided on) in the caller and
 * answers with its number there. Not ADDFD_FLAG_SEND: with it the kernel
 * marks the call answered before the caller has taken the descriptor, and
 * a policyd killed (or interrupted by any signal) in that window makes the
 * caller's open return 0 with no descriptor put in (seen here: a shell's
 * `>> file` then wrote to its stdin). The descriptor goes in first, is
 * noted in the in-flight slot, and the answer follows. */
static void put_in_caller(struct call *k, int fd, uint64_t flags)
{
	struct seccomp_notif_addfd af = {
	    .id = k->n->id,
	    .flags = 0,
	    .srcfd = (uint32_t)fd,
	    .newfd = 0,
	    .newfd_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0};
	struct stat st;
	int got = fstat(fd, &st) == 0
		      ? ioctl(k->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &af)
		      : -1;
	if (got >= 0) {
		sv_call_mark(k, TGP_IFL_FD, got, &st);
		sv_test_die_point(k->rehandled);
		if (sv_respond(k->lfd, k->n->id, 0, got, false) == 0)
			k->c.s->n_injected++;
	} else if (errno != ENOENT) {
		sv_call_answer(k, errno == EMFILE ? -EMFILE : -EACCES);
	}
}

/*
 * May the kernel open the caller's path itself (CONTINUE), as it must for
 * what only the caller can open: a procfs file (checked against its
 * opener), its terminal (/dev/tty)? The kernel reads the
 * path again and walks it again after the answer, so only when that finds
 * what policyd decided on: a path as written that names the object (no
 * "..", no symlink on the way but /proc/self: a symlink a session process
 * re-points, or a directory it swaps, after the answer would send the
 * kernel elsewhere), in memory nothing else can rewrite (sv_caller_racy:
 * a second thread, a shared writable mapping). NULL, or why not.
 */
static const char *continue_unsafe(struct call *k, const char *object,
				   uint64_t path_at)
{
	const char *p = k->q.path;
	if (chase_last_dotdot(p))
		return "its path has a \"..\" component";
	char lex[TG_PATH_MAX];
	if (chase(&k->c, k->q.dirfd, p, 0, lex) < 0 || strcmp(lex, object))
		return "its path reaches it through a symbolic link";
	if (sv_caller_racy(&k->c, &path_at, 1))
		return "another thread could rewrite the path after the check";
	return NULL;
}

/* What only the caller can open, opened by the kernel on the caller's
 * path (continue_unsafe), or refused (rule path_race). */
static void open_by_kernel(struct call *k, const struct outcome *o,
			   uint64_t path_at)
{
	const char *why = continue_unsafe(k, o->object, path_at);
	if (!why) {
		sv_call_continue(k);
		return;
	}
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "only the kernel can open this file for the caller (a /proc "
		 "file, a terminal), and %s; open it "
		 "by its own name, with no symlink or \"..\" on the way, from "
		 "a process with one thread",
		 why);
	sv_call_refuse(k, "write", "path_race", o->target, msg, -EACCES);
}

/* Set when a write-open of a FIFO waits for its reader (parked). */
static bool fifo_parked;

bool sv_open_fifo_waits(bool clear)
{
	bool r = fifo_parked;
	if (clear)
		fifo_parked = false;
	return r;
}

/*
 * Natively a writer blocked in its open of a FIFO already counts as one of
 * its writers: when the reader comes, the reader sees end of file only
 * after every one of them has written and closed. policyd opens parked
 * writers one by one (O_NONBLOCK), so a first writer that wrote and
 * closed before the next one was opened gave the reader an early end of
 * file, and the writers still parked then waited for a reader that had
 * gone (8 writers of a FIFO, `cat` read 1 line: CI, stop 31; with 32
 * writers 1 run in 4 hung). So the write ends policyd opens in a pass over
 * the parked calls are held by policyd (a writer, as natively) until no
 * call waits for that FIFO any more: the reader sees end of file only when
 * every writer that waited has had its turn.
 */
#define FIFO_HOLD_MAX 256    /* every session's */
#define FIFO_HOLD_SESSION 32 /* one session's: its parked calls' number */
struct fifo_id {
	dev_t dev;
	ino_t ino;
};
struct fifo_end {
	int fd;
	struct fifo_id id;
	const struct session *s; /* whose writer it was opened for */
};
static struct fifo_end ends[FIFO_HOLD_MAX];
static size_t nheld;
/* FIFOs with a writer parked: rebuilt by every pass, added to as calls
 * park between passes */
static struct fifo_id waiting[FIFO_HOLD_MAX];
static size_t nwaiting;
static bool holding; /* in a pass over the parked calls */

/* Does a writer of the FIFO dev:ino wait parked? */
static bool fifo_waited(dev_t dev, ino_t ino)
{
	for (size_t j = 0; j < nwaiting; j++)
		if (waiting[j].dev == dev && waiting[j].ino == ino)
			return true;
	return false;
}

void sv_open_fifo_pass(bool begin)
{
	if (begin) {
		holding = true;
		nwaiting = 0;
		return;
	}
	holding = false;
	size_t kept = 0;
	for (size_t i = 0; i < nheld; i++) {
		if (fifo_waited(ends[i].id.dev, ends[i].id.ino))
			ends[kept++] = ends[i];
		else
			close(ends[i].fd);
	}
	nheld = kept;
}

/* fd (a descriptor policyd opened and has put in k's caller) is kept
 * open (*fd = -1) when it is a FIFO's write end opened in a pass. A
 * session holds at most FIFO_HOLD_SESSION of them: one cannot take the
 * others' room (past it, a writer's end is closed at once, as before). */

static void fifo_hold(const struct call *k, int *fd)
{
	struct stat st;
	if ((!holding && !nwaiting) || nheld >= FIFO_HOLD_MAX)
		return;
	size_t mine = 0;
	for (size_t i = 0; i < nheld; i++)
		mine += ends[i].s == k->c.s;
	/* outside a pass: a new writer's call of a FIFO whose other writers
	 * wait parked (a reader came meanwhile): held as theirs are */
	if (mine >= FIFO_HOLD_SESSION || fstat(*fd, &st) < 0 ||
	    !S_ISFIFO(st.st_mode) ||
	    (!holding && !fifo_waited(st.st_dev, st.st_ino)))
		return;
	ends[nheld++] = (struct fifo_end){
	    .fd = *fd, .id = {st.st_dev, st.st_ino}, .s = k->c.s};
	*fd = -1;
}

/* A FIFO without a reader yet: natively a blocking open for writing waits
 * for one. The kernel must not do that open on the caller's path after
 * the answer (a directory on the way swapped meanwhile would send it
 * elsewhere): the call waits parked instead, and is decided and tried
 * again (policyd's own open, O_NONBLOCK) until a reader has come. 1:
 * parked; 0: answered. */
static int open_fifo(struct call *k, uint64_t flags, const struct stat *st)
{
	if (flags & O_NONBLOCK) {
		sv_call_answer(k, -ENXIO); /* as natively, at once */
		return 0;
	}
	fifo_parked = true;
	if (nwaiting < FIFO_HOLD_MAX && !fifo_waited(st->st_dev, st->st_ino))
		waiting[nwaiting++] = (struct fifo_id){st->st_dev, st->st_ino};
	return 1;
}

/* The allowed open of real, done by policyd as the caller. 1: parked
 * (open_fifo); 0: answered. */
static int open_allowed(struct call *k, struct outcome *o, uint64_t flags,
			mode_t mode, uint64_t path_at)
{
	const char *real = o->object;
	if (real[0] != '/' || !strncmp(real, "/proc/", 6)) {
		/* a procfs file (or what no path names): the kernel opens
		 * it as the caller */
		open_by_kernel(k, o, path_at);
		return 0;
	}
	_cleanup_close_ int fd = open_as_caller(k, real, flags, mode);
	char view[TG_PATH_MAX + 32];
	struct stat st;
	if (fd == -ENXIO) {
		chase_view(&k->c, real, view, sizeof(view));
		bool known = stat(view, &st) == 0;
		if (known && S_ISFIFO(st.st_mode))
			return open_fifo(k, flags, &st);
		if (known && S_ISSOCK(st.st_mode)) {
			/* a socket's name: no open of it works (as natively) */
			sv_call_answer(k, -ENXIO);
			return 0;
		}
		/* /dev/tty (the caller's terminal, not policyd's): only
		 * the caller can open it */
		open_by_kernel(k, o, path_at);
	} else if (fd == -ELOOP && (flags & O_NOFOLLOW) &&
		   (chase_view(&k->c, real, view, sizeof(view)),
		    lstat(view, &st) == 0 && S_ISLNK(st.st_mode))) {
		/* O_NOFOLLOW on a symlink that policyd could not look at
		 * before (another root): the kernel's answer */
		sv_call_answer(k, -ELOOP);
	} else if (fd == -ELOOP || fd == -EXDEV) {
		/* a symlink appeared where policyd saw none */
		snprintf(o->msg, sizeof(o->msg),
			 "the path changed while it was being checked");
		o->d.rule_id = "raced";
		sv_call_tell(k, "write", o->target, o);
		sv_call_answer(k, -EACCES);
	} else if (fd < 0) {
		sv_call_answer(k, fd);
	} else {
		put_in_caller(k, fd, flags);
		fifo_hold(k, &fd);
	}
	return 0;
}

/* Opens policyd's copy fd of a caller's descriptor again (the one magic
 * link followed by policyd: its own) as the caller, with the caller's
 * flags, and puts the result in the caller. Never waits: O_NONBLOCK, taken
 * off after (a FIFO with no reader would hold policyd, and every session
 * with it, in its open); a FIFO that would wait parks the call as
 * open_fifo does. 1: parked; 0: answered. */
static int reopen_held(struct call *k, int fd, uint64_t flags)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	int oflags = (int)(flags & ~(uint64_t)(O_CREAT | O_EXCL | __O_TMPFILE));
	bool switched;
	int pfd = -EACCES;
	if (caller_creds_enter(&k->c, &switched) == 0) {
		pfd = open(link, oflags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		pfd = pfd < 0 ? -errno : pfd;
		if (switched)
			caller_creds_leave();
	}
	struct stat st;
	if (pfd == -ENXIO && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		return open_fifo(k, flags, &st);
	if (pfd < 0) {
		sv_call_answer(k, pfd);
		return 0;
	}
	/* what F_GETFL would say natively (open_as_caller) */
	if (!(flags & O_NONBLOCK))
		fcntl(pfd, F_SETFL,
		      (oflags | O_CLOEXEC) & ~(O_NONBLOCK | O_ASYNC));
	put_in_caller(k, pfd, flags);
	fifo_hold(k, &pfd);
	if (pfd >= 0)
		close(pfd);
	return 0;
}

/* Is to (resolved) /proc/PID/fd/N or /proc/PID/task/TID/fd/N? */
static bool fd_link_name(const char *to, pid_t *ret_pid, int *ret_fd)
{
	int pid, tid, fd, end = 0;
	if ((sscanf(to, "/proc/%d/fd/%d%n", &pid, &fd, &end) != 2 || to[end]) &&
	    (end = 0, sscanf(to, "/proc/%d/task/%d/fd/%d%n", &pid, &tid, &fd,
			     &end) != 3 ||
			  to[end]))
		return false;
	if (pid <= 0 || fd < 0)
		return false;
	*ret_pid = pid;
	*ret_fd = fd;
	return true;
}

/* A relative name without "..", from the working directory, is the
 * absolute name cwd/name (the kernel's cwd link has no symlink on it, and
 * without ".." the two differ only by "." and "/"): outside /dev and
 * /proc, and not a symlink itself, it is no descriptor link, found without
 * resolving its directory (one readlink instead of a walk: the working
 * directory is read once per call, and the decision needs it anyway). A
 * directory on the way that leads into /proc is the decision's to find
 * (continue_unsafe). */
static bool rel_outside_dev_proc(struct call *k, int dirfd, const char *p,
				 bool plain)
{
	if (p[0] == '/' || dirfd != AT_FDCWD || !caller_same_root(&k->c) ||
	    chase_last_dotdot(p))
		return false;
	char cwd[TG_PATH_MAX], abs[TG_PATH_MAX], norm[TG_PATH_MAX];
	if (caller_cwd(&k->c, cwd, sizeof(cwd)) < 0 || cwd[0] != '/' ||
	    snprintf(abs, sizeof(abs), "%s/%s", cwd, p) >= (int)sizeof(abs) ||
	    tg_path_normalize("/", abs, norm, sizeof(norm)) < 0)
		return false;
	if (!strncmp(norm, "/dev/", 5) || !strncmp(norm, "/proc/", 6))
		return false;
	/* a final symlink (to /proc/self/fd/N, say) is looked at whole;
	 * plain: this call saw the name as no symlink already (same cwd
	 * reading, same name). Else the name opened literally: no link on
	 * the way (-ELOOP: one, perhaps the last: looked at whole), and the
	 * decision's walk of the same name takes this open's answer
	 * (chase_literal: one open for both, where a readlink here and the
	 * walk's open were two calls) */
	return plain || chase_literal(&k->c, norm) != -ELOOP;
}

/* An absolute name under /dev (/dev/null: 306 write-opens a git
 * workflow) that opens with no symlink or magic link on the way is no
 * descriptor link: those are magic links, or symlinks to them
 * (/dev/stdout, /dev/fd/N). One literal open, which the decision's walk
 * takes (chase_literal), instead of a walk of its directory and a
 * readlink. */
static bool dev_literal(struct call *k, const char *p)
{
	char norm[TG_PATH_MAX];
	if (strncmp(p, "/dev/", 5) || chase_last_dotdot(p) ||
	    tg_path_normalize("/", p, norm, sizeof(norm)) < 0 ||
	    strncmp(norm, "/dev/", 5))
		return false;
	return chase_literal(&k->c, norm) == 0;
}

/* Where a path names a descriptor through /proc (/proc/self/fd/N,
 * /proc/thread-self/fd/N, /proc/PID/fd/N, /proc/PID/task/TID/fd/N, and
 * the links to them: /dev/fd/N, /dev/stdout): *ret_pid and *ret_fd. The
 * file the kernel opens there is that descriptor's object when it looks,
 * which another thread can re-point (dup2) after any decision. */
static bool fd_link(struct call *k, int dirfd, bool plain, pid_t *ret_pid,
		    int *ret_fd)
{
	const char *p = k->q.path;
	/* (a relative name may start in /proc: its directory is looked up) */
	if (p[0] == '/' && strncmp(p, "/dev/", 5) && strncmp(p, "/proc/", 6))
		return false;
	char to[TG_PATH_MAX];
	if (rel_outside_dev_proc(k, dirfd, p, plain) || dev_literal(k, p))
		return false;
	if (chase(&k->c, dirfd, p, CHASE_FOLLOW | CHASE_PARENT, to) < 0)
		return false;
	if (fd_link_name(to, ret_pid, ret_fd))
		return true;
	/* a final symlink to one (/dev/stdout -> /proc/self/fd/1): the
	 * link read in the caller's view, its directory resolved */
	char view[TG_PATH_MAX + 32], lnk[TG_PATH_MAX];
	chase_view(&k->c, to, view, sizeof(view));
	ssize_t l = readlink(view, lnk, sizeof(lnk) - 1);
	if (l <= 0 || lnk[0] != '/')
		return false;
	lnk[l] = '\0';
	return strncmp(lnk, "/proc/", 6) == 0 &&
	       chase(&k->c, AT_FDCWD, lnk, CHASE_FOLLOW | CHASE_PARENT, to) ==
		   0 &&
	       fd_link_name(to, ret_pid, ret_fd);
}

/*
 * An open for writing of a descriptor through /proc (fd_link): decided
 * on the object, never on the /proc name, and carried out on it. policyd
 * takes its own copy of the descriptor (pidfd_getfd) before it decides,
 * decides on that object's path, and opens the copy itself (no thread of
 * the caller can re-point it), putting the result in the caller; it never
 * lets the kernel look the number up again. A descriptor of a process
 * outside the caller's session, or one policyd cannot copy, is refused.
 * 1: parked (a prompt, or a FIFO that waits for its reader); 0: answered.
 */
static int open_fd_link(struct call *k, pid_t pid, int n, uint64_t flags,
			unsigned access)
{
	char target[96];
	snprintf(target, sizeof(target), "descriptor %d of process %d", n,
		 (int)pid);
	if (session_of_pid(pid) != k->c.s) {
		sv_call_refuse(k, "write", "descriptor_race", target,
			       "a descriptor of a process outside the session "
			       "is not reopened for writing",
			       -EACCES);
		return 0;
	}
	_cleanup_close_ int held = caller_fd(pid, n);
	if (held == -EBADF) {
		sv_call_answer(k, -ENOENT); /* as natively: no such entry */
		return 0;
	}
	char link[64], obj[TG_PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", held);
	ssize_t l = held < 0 ? -1 : readlink(link, obj, sizeof(obj) - 1);
	if (l <= 0) {
		sv_call_refuse(k, "write", "descriptor_race", target,
			       "policyd could not hold this descriptor's file "
			       "to decide on it; reopen the file by its name",
			       -EACCES);
		return 0;
	}
	obj[l] = '\0';
	if (obj[0] != '/') {
		/* a pipe, a socket, an anonymous inode: no file, no policy
		 * is about it; the held object is reopened as natively */
		return reopen_held(k, held, flags);
	}
	/* decided on the object's path; opened as the held object */
	tg_strlcpy(k->q.path, sizeof(k->q.path), obj);
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = AT_FDCWD;
	k->q.access = access & POLICY_ACC_ALL;
	k->noop = (struct call_noop){.dirfd = AT_FDCWD};
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -ENOMEM);
		return 0;
	}
	if (sv_call_decide(k, o) == -EAGAIN)
		return 1; /* parked: k->waiting (decided again when answered) */
	if (o->decision != DECISION_ALLOWED) {
		sv_call_tell(k, "write", o->target, o);
		sv_call_answer(k, -EACCES);
		return 0;
	}
	return reopen_held(k, held, flags);
}

int sv_open(struct call *k)
{
	const __u64 *a = k->n->data.args;
	const struct tg_syscall *sc = k->sc;
	int dirfd = sc->d1 >= 0 ? (int)a[sc->d1] : AT_FDCWD;
	uint64_t path_at = a[sc->p1], flags;
	mode_t mode;
	/* open flags are an int: the register's upper half is not the
	 * caller's (the kernel ignores it too); creat has none */
	if (sc->fl >= 0) {
		flags = (unsigned int)a[sc->fl];
		mode = (mode_t)a[sc->fl + 1];
	} else {
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		mode = (mode_t)a[sc->p1 + 1];
	}
	unsigned access = tgp_open_access(flags);
	if (!(access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE))) {
		sv_call_continue(k);
		return 0;
	}
	size_t len;
	sv_mem_reset(k->c.pid);
	int r = sv_mem_str(path_at, k->q.path, sizeof(k->q.path), &len);
	if (r < 0 || len == 0) {
		sv_call_answer(k, r == -ENAMETOOLONG ? r
				  : r < 0	     ? -EFAULT
						     : -ENOENT);
		return 0;
	}
	if (!sv_call_valid(k))
		return 0;
	/* opens that can only fail: O_CREAT|O_EXCL of a name that exists,
	 * or no O_CREAT and nothing there (on refusal only) */
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	/* O_NOFOLLOW and O_CREAT|O_EXCL never follow a final symlink: the
	 * kernel fails the open (ELOOP, EEXIST) where policyd, which decides
	 * and opens what a symlink leads to, would open or create its target.
	 * As natively, undecided ("name/" follows it all the same) */
	mode_t m = 0;
	int seen = 1; /* the name, not followed: 0 (m), -ENOENT..., 1 unknown */
	bool itself =
	    (excl || (flags & O_NOFOLLOW)) && k->q.path[len - 1] != '/';
	if (itself)
		seen = chase_stat(&k->c, dirfd, k->q.path, false, &m);
	if (seen == 0 && S_ISLNK(m)) {
		sv_call_answer(k, excl ? -EEXIST : -ELOOP);
		return 0;
	}
	bool plain = seen == -ENOENT || seen == 0;
	k->noop = (struct call_noop){.exists = excl ? -EEXIST : 0,
				     .missing = !(flags & O_CREAT),
				     .follow = !excl,
				     .dirfd = dirfd};
	/* a pipe of the caller's named through /proc (/dev/stdout,
	 * /dev/stderr, /dev/fd/1: scripts write errors to /dev/stderr) is
	 * one of these: open_fd_link reopens the held pipe as natively. Not
	 * searched for by inode among the caller's descriptors (until
	 * 2026-12-07): one readlink per descriptor, and a caller with
	 * 20,000 of them held policyd 0.1 s per open (its hard limit's worth:
	 * seconds where it is 524,288), every session waiting
	 * (tests/bypass/procfd.sh, static_pipe_scan) */
	pid_t lpid;
	int lfd;
	if (fd_link(k, dirfd, plain, &lpid, &lfd))
		return open_fd_link(k, lpid, lfd, flags, access);
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = dirfd;
	k->q.access = access & POLICY_ACC_ALL;
	/* such an open is of the name itself, as the kernel's (a symlink
	 * there was answered above; one made since fails policyd's open):
	 * only its directory is resolved, one walk instead of two */
	k->q.nofollow = itself;
	k->q.made = itself && excl;
	/* initialised by the decision: no zeroing of its 26 KiB here */
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -ENOMEM);
		return 0;
	}
	if (sv_call_decide(k, o) == -EAGAIN)
		return 1; /* a prompt waits for an operator: parked */
	if (o->decision == DECISION_ABSENT) {
		sv_call_answer(k, o->absent);
	} else if (o->decision != DECISION_ALLOWED || !o->object[0]) {
		sv_call_tell(k, access & POLICY_ACC_WRITE ? "write" : "create",
			     o->target, o);
		sv_call_answer(k, -EACCES);
	} else {
		return open_allowed(k, o, flags, mode, path_at);
	}
	return 0;
}
