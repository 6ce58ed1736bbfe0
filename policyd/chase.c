/* SPDX-License-Identifier: MIT */
#include "chase.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"

static int realpath_existing(pid_t pid, bool own_root, const char *path,
			     char *out, size_t outsz, struct caller *lit,
			     bool keep);

/* ------------------------------------------------------------- lexical */

/* On a normalised path: /proc/self and /proc/thread-self (as whole
 * components) are the caller's /proc/PID. Returns 1 if it mapped. */
static int map_self(pid_t pid, char *path, size_t sz)
{
	static const char *const pre[] = {"/proc/self", "/proc/thread-self"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(pre); i++) {
		size_t l = strlen(pre[i]);
		if (strncmp(path, pre[i], l) || (path[l] && path[l] != '/'))
			continue;
		char tmp[TG_PATH_MAX];
		int n = snprintf(tmp, sizeof(tmp), "/proc/%d%s", (int)pid,
				 path + l);
		if (n < 0 || (size_t)n >= sz)
			return -ENAMETOOLONG;
		memcpy(path, tmp, (size_t)n + 1);
		return 1;
	}
	return 0;
}

static bool is_self_ref(const char *path)
{
	return (!strncmp(path, "/proc/self", 10) &&
		(path[10] == '/' || !path[10])) ||
	       (!strncmp(path, "/proc/thread-self", 17) &&
		(path[17] == '/' || !path[17]));
}

const char *chase_last_dotdot(const char *path)
{
	const char *end = NULL;
	for (const char *c = path; *c; c++)
		if ((c == path || c[-1] == '/') && c[0] == '.' && c[1] == '.' &&
		    (c[2] == '/' || !c[2]))
			end = c + 2;
	return end;
}

/* a + sep + b into out: 0, or -ENAMETOOLONG (nothing cut) */
static int join3(char *out, size_t outsz, const char *a, const char *sep,
		 const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	if (la + ls + lb >= outsz)
		return -ENAMETOOLONG;
	memmove(out, a, la);
	memcpy(out + la, sep, ls);
	memmove(out + la + ls, b, lb + 1);
	return 0;
}

/*
 * base + path as the kernel walks it. ".." after a symlink leads to the
 * parent of the link's target, not of the link, so a lexical fold would
 * name another file ("out/link/../key" is not "out/key" when link points
 * elsewhere): the part up to the last ".." is resolved by the kernel, in
 * the caller's root, and only the rest is folded.
 */
static int join_walked(pid_t pid, const char *base, const char *path, char *out,
		       size_t outsz)
{
	char joined[TG_PATH_MAX];
	if ((path[0] == '/'
		 ? join3(joined, sizeof(joined), "", "", path)
		 : join3(joined, sizeof(joined), base, "/", path)) < 0)
		return -ENAMETOOLONG;
	const char *dd = chase_last_dotdot(joined);
	int r;
	if (!dd) {
		r = tg_path_normalize("/", joined, out, outsz);
		return r < 0 ? r : map_self(pid, out, outsz);
	}
	char head[TG_PATH_MAX], real[TG_PATH_MAX];
	memcpy(head, joined, (size_t)(dd - joined));
	head[dd - joined] = '\0';
	r = realpath_existing(pid, false, head, real, sizeof(real), NULL,
			      false);
	if (r < 0)
		return r;
	const char *rest = dd;
	while (*rest == '/')
		rest++;
	r = *rest ? tg_path_normalize(real, rest, out, outsz)
		  : tg_path_normalize("/", real, out, outsz);
	return r < 0 ? r : map_self(pid, out, outsz);
}

/* The path a process passed to a call, the way the kernel would start it:
 * absolute as given, relative to its cwd (dirfd == AT_FDCWD) or to the
 * directory open on dirfd; "/proc/self/" is the caller's /proc/PID/. Then
 * normalised (. .. //). 0, 1 (/proc/self was mapped) or -errno. */
static int resolve_at(struct caller *c, int dirfd, const char *path,
		      char *out, size_t outsz)
{
	char base[TG_PATH_MAX];
	pid_t pid = c->pid;
	if (!path || !*path)
		return -ENOENT;
	if (path[0] == '/')
		return join_walked(pid, "/", path, out, outsz);
	int r;
	if (dirfd == AT_FDCWD) {
		r = caller_cwd(c, base, sizeof(base));
	} else {
		char what[32];
		if (dirfd < 0)
			return -EBADF;
		snprintf(what, sizeof(what), "fd/%d", dirfd);
		r = procfs_link(pid, what, base, sizeof(base));
	}
	if (r < 0)
		return r;
	if (base[0] != '/')
		return -ENOTDIR; /* a socket, pipe, deleted dir ... */
	return join_walked(pid, base, path, out, outsz);
}

/* ------------------------------------------------------------- follow */

struct mapped_ctx {
	pid_t pid;
};

/* readlink as the process sees it: its /proc/self is its /proc/PID */
static long mapped_readlink(void *ctx, const char *path, char *buf, size_t sz)
{
	const struct mapped_ctx *m = ctx;
	if (!strcmp(path, "/proc/self") || !strcmp(path, "/proc/thread-self")) {
		int n = snprintf(buf, sz, "/proc/%d", (int)m->pid);
		return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : n;
	}
	ssize_t n = readlink(path, buf, sz - 1);
	return n < 0 ? -errno : n;
}

/* The slow walk, one readlink per component, with the process's /proc
 * self; for paths through magic links (/proc/PID/fd/N, cwd, root) or
 * anything that would otherwise resolve in policyd's own /proc. */
static int resolve_as_process(pid_t pid, const char *path, char *out,
			      size_t outsz)
{
	struct mapped_ctx m = {.pid = pid};
	char res[TG_PATH_MAX];
	int r =
	    tg_resolve_links(path, mapped_readlink, &m, true, res, sizeof(res));
	if (r < 0)
		return r;
	return tg_path_normalize("/", res, out, outsz);
}

/* Does a canonical path lie in policyd's own /proc entry? */
static bool in_own_proc(const char *p)
{
	if (strncmp(p, "/proc/", 6) || p[6] < '1' || p[6] > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long n = strtoul(p + 6, &end, 10);
	return end != p + 6 && errno == 0 && (*end == '/' || !*end) &&
	       n == (unsigned long)procfs_self_pid();
}

/* If the component of work starting at child is a symlink in directory
 * dirfd, its target into target (terminated) and the length of work up to
 * the end of that component; else 0. One component, nothing followed: the
 * same in the caller's root as in ours. */
static size_t symlink_below(int dirfd, const char *work, const char *child,
			    char *target, size_t cap)
{
	const char *ce = strchr(child, '/');
	size_t nl = ce ? (size_t)(ce - child) : strlen(child);
	char name[NAME_MAX + 1];
	struct stat st;
	if (!nl || nl > NAME_MAX)
		return 0;
	memcpy(name, child, nl);
	name[nl] = '\0';
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(st.st_mode))
		return 0;
	ssize_t tl = readlinkat(dirfd, name, target, cap - 1);
	if (tl <= 0)
		return 0;
	target[tl] = '\0';
	return (size_t)(child + nl - work);
}

/* work[0..end) names a dangling symlink to target: creating through it
 * creates the target, so the walk goes on from the target, with the rest
 * of work after the link (cur starts again at the whole). */
static int follow_dangling(char *work, char *cur, size_t end,
			   const char *target, int *hops)
{
	if (++*hops > 40)
		return -ELOOP;
	char dir[TG_PATH_MAX], next[TG_PATH_MAX * 2], norm[TG_PATH_MAX];
	memcpy(dir, work, end);
	dir[end] = '\0';
	char *sl = strrchr(dir, '/');
	if (sl == dir)
		dir[1] = '\0';
	else if (sl)
		*sl = '\0';
	snprintf(next, sizeof(next), "%s%s", target, work + end);
	if (tg_path_normalize(dir, next, norm, sizeof(norm)) < 0)
		return -ENAMETOOLONG;
	memcpy(work, norm, strlen(norm) + 1);
	memcpy(cur, work, strlen(work) + 1);
	return 0;
}

/* If the component of work starting at child is a symlink in dirfd, the
 * walk goes on from its target: 1, or -errno; 0 when it is not one. */
static int follow_if_dangling(int dirfd, char *work, char *cur,
			      const char *child, int *hops)
{
	char target[TG_PATH_MAX];
	size_t e = symlink_below(dirfd, work, child, target, sizeof(target));
	if (!e)
		return 0;
	int r = follow_dangling(work, cur, e, target, hops);
	return r < 0 ? r : 1;
}

/*
 * The state of one walk (realpath_existing). Let the kernel walk the path
 * once: open the longest existing prefix with O_PATH (symlinks followed,
 * nothing is read or executed) and ask what it is. For another process the
 * walk happens in its root (openat2 RESOLVE_IN_ROOT on /proc/PID/root).
 */
struct walk {
	pid_t pid;
	bool own_root;
	int rootfd;		/* the caller's root, or -1: policyd's */
	char root[TG_PATH_MAX]; /* its name as policyd sees it; "" for "/" */
	char work[TG_PATH_MAX]; /* the path (dangling links followed) */
	char cur[TG_PATH_MAX];	/* the prefix tried next */
	int hops;
	/* the name just below cur was not found (ENOENT): once a prefix
	 * opens, that name is looked at without following it, in the
	 * prefix's directory (one component: no second walk from the root) */
	bool below_missing;
	/* Walked without following any symlink first: a prefix that opens so
	 * is its own canonical name (work is normalised: no ".", ".."), and
	 * asking the kernel for the descriptor's name was a fifth of a
	 * decision. The first symlink (ELOOP) switches to walks that follow
	 * them, and the name comes from the descriptor. */
	bool literal;
	/* this call's literal open of a name (chase_literal), or NULL */
	const struct caller *lit;
	/* the caller whose call may keep the directory found (keep_dir) */
	struct caller *keep;
};

/* walk_open's answer for a name this call opened already (chase_literal):
 * there, nothing to close */
#define WALK_SEEN INT_MAX

/* cur opened as fd (closed here): the result is its canonical name and
 * the rest of work. */
static int walk_found(struct walk *w, int fd, char *out, size_t outsz)
{
	char real[TG_PATH_MAX];
	const char *res = real;
	int r = w->literal ? 0 : procfs_self_fd_name(fd, real, sizeof(real));
	struct caller *kc = w->keep;
	/* the whole name found, with no link on the way, in policyd's root:
	 * the directory policyd will make or remove a name in (why kept: it
	 * was opened just as sv_fsdo's open of it would, a few system calls
	 * later; the name is bound to the directory here instead of there) */
	if (kc && fd != WALK_SEEN && w->literal && w->own_root &&
	    !kc->have_dir && !strcmp(w->cur, w->work) &&
	    strlen(w->cur) < sizeof(kc->dir_path)) {
		kc->have_dir = true;
		kc->dir_fd = fd;
		memcpy(kc->dir_path, w->cur, strlen(w->cur) + 1);
	} else if (fd != WALK_SEEN) {
		close(fd);
	}
	if (r < 0)
		return r;
	size_t rl = strlen(w->root);
	if (w->literal)
		res = w->cur; /* no symlink followed: as walked */
	else if (rl && !strncmp(real, w->root, rl) &&
		 (real[rl] == '/' || !real[rl]))
		res = real + rl; /* back to the caller's view */
	if (join3(out, outsz, *res ? res : "/", "", w->work + strlen(w->cur)) <
	    0)
		return -ENAMETOOLONG;
	char norm[TG_PATH_MAX];
	if (tg_path_normalize("/", out, norm, sizeof(norm)) < 0)
		return -ENAMETOOLONG;
	memcpy(out, norm, strlen(norm) + 1);
	/* through a plain symlink to /proc/self: policyd's */
	if (w->own_root && in_own_proc(out))
		return resolve_as_process(w->pid, w->work, out, outsz);
	return 0;
}

/* Nothing below the root exists: the first name may still be a dangling
 * symlink, looked at in the root. 1: the walk goes on from its target; 0:
 * work is the result (in out); -errno. */
static int walk_at_root(struct walk *w, char *out, size_t outsz)
{
	int r = 0;
	if (w->below_missing) {
		int rfd = w->rootfd >= 0
			      ? w->rootfd
			      : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rfd >= 0)
			r = follow_if_dangling(rfd, w->work, w->cur,
					       w->work + 1, &w->hops);
		if (rfd >= 0 && rfd != w->rootfd)
			close(rfd);
	}
	if (r < 0)
		return r;
	if (r) {
		w->below_missing = false;
		return 1;
	}
	if (strlen(w->work) >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, w->work, strlen(w->work) + 1);
	return 0;
}

/* One openat2 of w->cur as the walk stands: the descriptor, or -errno. */
static int walk_open(const struct walk *w)
{
	/* the same open made by this call a few system calls ago
	 * (chase_literal): its answer. Not below a missing name, where the
	 * descriptor itself is needed (follow_if_dangling) */
	if (w->lit && w->literal && !w->below_missing &&
	    !strcmp(w->cur, w->lit->lit))
		return w->lit->lit_r == 0 ? WALK_SEEN : w->lit->lit_r;
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_MAGICLINKS};
	if (w->rootfd >= 0)
		how.resolve |= RESOLVE_IN_ROOT;
	if (w->literal)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	int fd =
	    (int)syscall(SYS_openat2, w->rootfd >= 0 ? w->rootfd : AT_FDCWD,
			 w->cur, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* The walk itself (see struct walk). */
static int walk_run(struct walk *w, char *out, size_t outsz)
{
	for (;;) {
		/* a walk that would reach /proc/self goes the slow way, with
		 * the process's self (chroot is refused in sessions, so only
		 * the shared-root case can take it) */
		if (is_self_ref(w->cur))
			return w->own_root ? resolve_as_process(w->pid, w->work,
								out, outsz)
					   : -ELOOP;
		int fd = walk_open(w);
		if (fd == -ELOOP && w->literal) {
			/* a symlink on the way: again, following it */
			w->literal = false;
			continue;
		}
		if (fd == -ELOOP)
			/* a magic link (or a symlink loop) on the way */
			return w->own_root ? resolve_as_process(w->pid, w->work,
								out, outsz)
					   : -ELOOP;
		if (fd >= 0 && w->below_missing) {
			/* the name below cur is missing: a dangling link? */
			int r = follow_if_dangling(fd, w->work, w->cur,
						   w->work + strlen(w->cur) + 1,
						   &w->hops);
			if (r) {
				close(fd);
				if (r < 0)
					return r;
				w->below_missing = false;
				continue;
			}
		}
		if (fd >= 0)
			return walk_found(w, fd, out, outsz);
		if (fd != -ENOENT && fd != -ENOTDIR && fd != -EACCES)
			return fd;
		w->below_missing = fd == -ENOENT;
		char *slash = strrchr(w->cur, '/');
		if (!slash || slash == w->cur) {
			int r = walk_at_root(w, out, outsz);
			if (r <= 0)
				return r;
			continue;
		}
		*slash = '\0';
	}
}

/*
 * Canonicalises the longest existing prefix of an absolute path as the
 * process sees it (symlinks followed, dangling ones too), keeping the rest
 * as is. /proc/self and /proc/thread-self anywhere on the way mean the
 * process's, not policyd's. own_root: the process shares policyd's root
 * (fast: one O_PATH open); otherwise the walk happens in /proc/PID/root.
 */
static int realpath_existing(pid_t pid, bool own_root, const char *path,
			     char *out, size_t outsz, struct caller *lit,
			     bool keep)
{
	_cleanup_close_ int rootfd = -1;
	struct walk w;
	if (strlen(path) >= sizeof(w.work) || path[0] != '/')
		return -EINVAL;
	w.pid = pid;
	w.own_root = own_root;
	w.root[0] = '\0';
	if (!own_root) {
		char rp[TG_PATH_MAX];
		procfs_path(pid, "root", rp, sizeof(rp));
		rootfd = open(rp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
		if (procfs_self_fd_name(rootfd, w.root, sizeof(w.root)) < 0)
			return -EINVAL;
		if (!strcmp(w.root, "/"))
			w.root[0] = '\0';
	}
	w.rootfd = rootfd;
	memcpy(w.work, path, strlen(path) + 1);
	memcpy(w.cur, w.work, strlen(w.work) + 1);
	w.hops = 0;
	w.below_missing = false;
	w.literal = true;
	w.lit = lit && lit->have_lit && own_root ? lit : NULL;
	w.keep = keep && lit && lit->notified && lit->keep_dir ? lit : NULL;
	return walk_run(&w, out, outsz);
}

/* ---------------------------------------------------------- the caller */

/* The directory of lex followed, its last component as spelled; a name
 * right below "/" (or "/" itself) is followed whole. */
static int follow_parent(struct caller *c, const char *lex,
			 char ret[TG_PATH_MAX])
{
	const char *slash = strrchr(lex, '/');
	if (!slash || slash == lex || !slash[1])
		return realpath_existing(c->pid, caller_same_root(c), lex, ret,
					 TG_PATH_MAX, c, false);
	char dir[TG_PATH_MAX], rdir[TG_PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - lex), lex);
	struct chase_memo *m = c->memo;
	if (m && m->dir[0] && !strcmp(m->dir, dir)) {
		memcpy(rdir, m->real, strlen(m->real) + 1);
	} else {
		int r = realpath_existing(c->pid, caller_same_root(c), dir,
					  rdir, sizeof(rdir), c, true);
		if (r < 0)
			return r;
		if (m) {
			memcpy(m->dir, dir, strlen(dir) + 1);
			memcpy(m->real, rdir, strlen(rdir) + 1);
		}
	}
	if (snprintf(ret, TG_PATH_MAX, "%s%s", strcmp(rdir, "/") ? rdir : "",
		     slash) >= TG_PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int chase(struct caller *c, int dirfd, const char *path, unsigned flags,
	  char ret[TG_PATH_MAX])
{
	char lex[TG_PATH_MAX];
	const char *abs = path;
	if (!(flags & CHASE_ABSOLUTE)) {
		bool follow = flags & CHASE_FOLLOW;
		int r = resolve_at(c, dirfd, path, follow ? lex : ret,
				   TG_PATH_MAX);
		if (r < 0 || !follow)
			return r < 0 ? r : 0; /* (1: /proc/self was mapped) */
		abs = lex;
	} else if (!(flags & CHASE_FOLLOW)) {
		return tg_strlcpy(ret, TG_PATH_MAX, path) < TG_PATH_MAX
			   ? 0
			   : -ENAMETOOLONG;
	}
	if (flags & CHASE_PARENT)
		return follow_parent(c, abs, ret);
	return realpath_existing(c->pid, caller_same_root(c), abs, ret,
				 TG_PATH_MAX, c, false);
}

int chase_literal(struct caller *c, const char *abs)
{
	/* why: the open is walk_open's literal one, with the same flags, so
	 * its answer is the one the walk would get; taken only in this call
	 * (the decision follows it within microseconds: no wider window than
	 * between the walk and policyd's own open, which refuses any symlink
	 * that appeared meanwhile). /proc has names that are another
	 * process's view (in_own_proc): not taken there */
	if (!c->notified || abs[0] != '/' || !strncmp(abs, "/proc/", 6) ||
	    !strcmp(abs, "/proc") || strlen(abs) >= sizeof(c->lit) ||
	    !caller_same_root(c))
		return -EINVAL;
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve =
				   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, abs, &how, sizeof(how));
	int r = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	memcpy(c->lit, abs, strlen(abs) + 1);
	c->lit_r = r;
	c->have_lit = true;
	return r;
}

int chase_kept_dir(struct caller *c, const char *dir)
{
	if (!c->have_dir || strcmp(c->dir_path, dir))
		return -1;
	c->have_dir = false;
	return c->dir_fd;
}

void chase_kept_close(struct caller *c)
{
	if (c->have_dir)
		close(c->dir_fd);
	c->have_dir = false;
}

void chase_view(struct caller *c, const char *path, char *out, size_t outsz)
{
	if (caller_same_root(c)) {
		tg_strlcpy(out, outsz, path);
		return;
	}
	char root[TG_PATH_MAX];
	procfs_path(c->pid, "root", root, sizeof(root));
	snprintf(out, outsz, "%s%s", root, path);
}

const char *chase_cwd(struct chase_cwd *w)
{
	if (!w->have) {
		if (caller_cwd(w->c, w->buf, sizeof(w->buf)) < 0)
			snprintf(w->buf, sizeof(w->buf), "/");
		w->have = true;
	}
	return w->buf;
}

int chase_root(struct caller *c, uint64_t *ret_resolve)
{
	*ret_resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (caller_same_root(c))
		return AT_FDCWD;
	char rp[TG_PATH_MAX];
	procfs_path(c->pid, "root", rp, sizeof(rp));
	int rootfd = open(rp, O_PATH | O_CLOEXEC | O_DIRECTORY);
	if (rootfd < 0)
		return -errno;
	*ret_resolve |= RESOLVE_IN_ROOT;
	return rootfd;
}

/* Only in policyd's own root: an absolute symlink on the way would be
 * resolved in policyd's root, not the caller's. */
int chase_stat(struct caller *c, int dirfd, const char *path, bool follow,
	       mode_t *ret_mode)
{
	char lex[TG_PATH_MAX];
	if (!caller_same_root(c) || !path[0] ||
	    chase(c, dirfd, path, 0, lex) < 0 || !strncmp(lex, "/proc/", 6))
		return 1; /* the caller's own /proc: decided as it is */
	/* as root for another user, look with that user's credentials:
	 * never tell it about names it could not see */
	if (caller_creds(c, false) < 0)
		return 1;
	bool switched;
	if (caller_creds_enter(c, &switched) < 0)
		return 1;
	struct stat st;
	int r = fstatat(AT_FDCWD, lex, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW);
	int e = errno;
	if (switched)
		caller_creds_leave();
	if (r == 0) {
		if (ret_mode)
			*ret_mode = st.st_mode;
		return 0;
	}
	return e == ENOENT || e == ENOTDIR ? -e : 1;
}

int chase_exists(struct caller *c, int dirfd, const char *path, bool follow)
{
	return chase_stat(c, dirfd, path, follow, NULL);
}
