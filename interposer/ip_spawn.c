/* SPDX-License-Identifier: MIT */
/*
 * ip_spawn: posix_spawn and posix_spawnp, and the file actions that change
 * what the child execs and opens.
 *
 * libc runs the file actions and the exec in the child with its own
 * internal calls, which no hook sees: the interposer decides in the parent.
 * A child's open (addopen) is decided there like the program's own open;
 * an exec of a relative path is decided where the child will be after its
 * chdir and fchdir actions. The actions are private to libc, so the hooks
 * of the functions that add them keep their own record of the ones that
 * matter (open, chdir, fchdir), per file-actions object, until it is
 * destroyed or initialised again. An fchdir is taken to name the parent's
 * descriptor of that number (an earlier action of the same spawn that
 * re-points it is not followed). Under the kernel path, execs and
 * write-opens are decided in the child by the kernel; reads are not, so
 * read actions are decided here in both cases.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>

#include "ip_env.h"
#include "ip_exec.h"
#include "ip_fastpath.h"
#include "ip_files.h"
#include "ip_spawn.h"
#include "ip_state.h"

REAL(int, posix_spawn, pid_t *, const char *,
     const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
     char *const[], char *const[])
REAL(int, posix_spawnp, pid_t *, const char *,
     const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
     char *const[], char *const[])
REAL(int, posix_spawn_file_actions_init, posix_spawn_file_actions_t *)
REAL(int, posix_spawn_file_actions_destroy, posix_spawn_file_actions_t *)
REAL(int, posix_spawn_file_actions_addopen, posix_spawn_file_actions_t *, int,
     const char *, int, mode_t)
REAL(int, posix_spawn_file_actions_addchdir_np, posix_spawn_file_actions_t *,
     const char *)
REAL(int, posix_spawn_file_actions_addfchdir_np, posix_spawn_file_actions_t *,
     int)

/* The actions kept: what the child opens, and where it goes */
enum step_kind { STEP_OPEN, STEP_CHDIR, STEP_FCHDIR, STEP_KIND_MAX };
struct step {
	enum step_kind kind;
	int fd, oflag;
	char *path; /* STEP_OPEN, STEP_CHDIR */
};
/* At most FA_RECS objects with such actions at once (the oldest record is
 * given up first), at most FA_STEPS actions each: one with more is
 * refused when spawned (never decided on part of them). */
#define FA_RECS 64
#define FA_STEPS 256
struct fa_rec {
	const posix_spawn_file_actions_t *fa;
	struct step *step;
	size_t n, cap;
	bool overflow;
};
static pthread_mutex_t fa_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fa_rec recs[FA_RECS];
static unsigned recs_next;

/* with fa_lock held */
static struct fa_rec *rec_find(const posix_spawn_file_actions_t *fa)
{
	for (unsigned i = 0; i < FA_RECS; i++)
		if (recs[i].fa == fa)
			return &recs[i];
	return NULL;
}

static void rec_clear(struct fa_rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->step[i].path);
	free(r->step);
	*r = (struct fa_rec){0};
}

static void rec_forget(const posix_spawn_file_actions_t *fa)
{
	pthread_mutex_lock(&fa_lock);
	struct fa_rec *r = rec_find(fa);
	if (r)
		rec_clear(r);
	pthread_mutex_unlock(&fa_lock);
}

/* Records an action added to fa (path copied). Out of memory or of room:
 * the record says so, and the spawn is refused. */
static void rec_add(const posix_spawn_file_actions_t *fa, enum step_kind kind,
		    int fd, int oflag, const char *path)
{
	int saved = errno;
	pthread_mutex_lock(&fa_lock);
	struct fa_rec *r = rec_find(fa);
	if (!r) {
		r = rec_find(NULL);
		if (!r) { /* full: the oldest goes */
			r = &recs[recs_next++ % FA_RECS];
			rec_clear(r);
		}
		r->fa = fa;
	}
	char *copy = path ? strdup(path) : NULL;
	if (r->n == r->cap && r->cap < FA_STEPS) {
		size_t nc = r->cap ? r->cap * 2 : 8;
		struct step *ns = realloc(r->step, nc * sizeof(*ns));
		if (ns) {
			r->step = ns;
			r->cap = nc;
		}
	}
	if (r->n < r->cap && (copy || !path))
		r->step[r->n++] = (struct step){kind, fd, oflag, copy};
	else {
		free(copy);
		r->overflow = true;
	}
	pthread_mutex_unlock(&fa_lock);
	errno = saved;
}

IP_EXPORT int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	if (ip_active)
		rec_forget(fa); /* a new object where an old one was */
	return get_posix_spawn_file_actions_init()(fa);
}

IP_EXPORT int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	if (ip_active)
		rec_forget(fa);
	return get_posix_spawn_file_actions_destroy()(fa);
}

IP_EXPORT int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa,
					       int fd, const char *path,
					       int oflag, mode_t mode)
{
	int r =
	    get_posix_spawn_file_actions_addopen()(fa, fd, path, oflag, mode);
	if (r == 0 && ip_active)
		rec_add(fa, STEP_OPEN, fd, oflag, path);
	return r;
}

IP_EXPORT int
posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa,
				     const char *path)
{
	if (!get_posix_spawn_file_actions_addchdir_np())
		return ENOSYS; /* a libc before 2.29 */
	int r = get_posix_spawn_file_actions_addchdir_np()(fa, path);
	if (r == 0 && ip_active)
		rec_add(fa, STEP_CHDIR, -1, 0, path);
	return r;
}

IP_EXPORT int
posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd)
{
	if (!get_posix_spawn_file_actions_addfchdir_np())
		return ENOSYS;
	int r = get_posix_spawn_file_actions_addfchdir_np()(fa, fd);
	if (r == 0 && ip_active)
		rec_add(fa, STEP_FCHDIR, fd, 0, NULL);
	return r;
}

/* Where the child is after its chdir and fchdir actions: relative to dir
 * (the parent's cwd or a descriptor), the path in cwd ("" for dir itself) */
struct where {
	int dir;
	char cwd[4096];
};

/* path as the child will find it from w, into out; false if too long */
static bool where_join(const struct where *w, const char *path, char *out,
		       size_t cap)
{
	if (path[0] == '/' || !w->cwd[0]) {
		if (ip_slen(path) >= cap)
			return false;
		ip_scopy(out, cap, path, NULL);
		return true;
	}
	size_t a = ip_slen(w->cwd), b = ip_slen(path);
	if (a + 1 + b >= cap)
		return false;
	memcpy(out, w->cwd, a);
	out[a] = '/';
	memcpy(out + a + 1, path, b + 1);
	return true;
}

/* One action, in order: 0, or the errno the spawn fails with (EACCES for
 * a refused open, said on stderr). */
static int step_decide(const struct step *s, struct where *w)
{
	char p[4096];
	switch (s->kind) {
	case STEP_CHDIR:
		if (s->path[0] == '/')
			w->dir = AT_FDCWD;
		if (!where_join(w, s->path, p, sizeof(p)))
			return ENAMETOOLONG;
		ip_scopy(w->cwd, sizeof(w->cwd), p, NULL);
		return 0;
	case STEP_FCHDIR:
		w->dir = s->fd;
		w->cwd[0] = '\0';
		return 0;
	case STEP_OPEN:
		if (!where_join(w, s->path, p, sizeof(p)))
			return ENAMETOOLONG;
		return ip_files_open_gate(w->dir, p, s->oflag) ? 0 : errno;
	default:
		return EINVAL;
	}
}

/* The recorded actions of fa, decided in order; w says where the child
 * ends up. 0 or the errno the spawn fails with. */
static int actions_decide(const posix_spawn_file_actions_t *fa, struct where *w)
{
	w->dir = AT_FDCWD;
	w->cwd[0] = '\0';
	if (!fa)
		return 0;
	int e = 0;
	pthread_mutex_lock(&fa_lock);
	struct fa_rec *r = rec_find(fa);
	if (r && r->overflow) {
		ip_say("refused", "exec", "posix_spawn", NULL,
		       "too many file actions for tiergate to follow (256)");
		e = EACCES;
	}
	for (size_t i = 0; r && !e && i < r->n; i++)
		e = step_decide(&r->step[i], w);
	pthread_mutex_unlock(&fa_lock);
	return e;
}

static int spawn_common(pid_t *pid, const char *file,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *at, char *const argv[],
			char *const envp[], bool search)
{
	char resolved[4096];
	const char *target = ip_maybe_null(file);
	/* in the parent: fetch once for later spawns */
	(void)ip_fastpath_get();
	struct where w;
	int e = actions_decide(fa, &w);
	if (e)
		return e; /* posix_spawn returns the error number */
	if (search && target && !strchr(target, '/')) {
		if (ip_exec_path_search(target, resolved, sizeof(resolved)))
			target = resolved;
	} else if (target && target[0] != '/') {
		/* where the child execs it from */
		if (!where_join(&w, target, resolved, sizeof(resolved)))
			return ENAMETOOLONG;
		target = resolved;
	}
	/* decided with the child's environment (envp), not the parent's
	 * environ: git's variables there (GIT_CONFIG_*, GIT_DIR, HOME...)
	 * change what a git command does (env -i GIT_CONFIG_COUNT=1 ...) */
	if (ip_exec_gate_env(w.dir, target, argv, envp, 0) < 0)
		return errno; /* EACCES refused, ENOENT not there */
	struct ip_envbuf eb;
	char *const *env = ip_env_for_exec(envp, &eb);
	int r = search ? get_posix_spawnp()(pid, file, fa, at, argv, env)
		       : get_posix_spawn()(pid, file, fa, at, argv, env);
	ip_env_release(&eb);
	return r;
}

IP_EXPORT int posix_spawn(pid_t *pid, const char *path,
			  const posix_spawn_file_actions_t *fa,
			  const posix_spawnattr_t *at, char *const argv[],
			  char *const envp[])
{
	if (!ip_active || ip_in_hook)
		return get_posix_spawn()(pid, path, fa, at, argv, envp);
	return spawn_common(pid, path, fa, at, argv, envp, false);
}

IP_EXPORT int posix_spawnp(pid_t *pid, const char *file,
			   const posix_spawn_file_actions_t *fa,
			   const posix_spawnattr_t *at, char *const argv[],
			   char *const envp[])
{
	if (!ip_active || ip_in_hook)
		return get_posix_spawnp()(pid, file, fa, at, argv, envp);
	return spawn_common(pid, file, fa, at, argv, envp, true);
}

void ip_spawn_lock(void)
{
	pthread_mutex_lock(&fa_lock);
}

void ip_spawn_unlock(void)
{
	pthread_mutex_unlock(&fa_lock);
}
