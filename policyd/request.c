/* SPDX-License-Identifier: MIT */
/*
 * request: one message from the agent socket -> decision -> reply + audit.
 * Every path is re-resolved from the kernel's view of the sender (its cwd
 * and fds in /proc), both lexically and with symlinks followed, and decided
 * on both; host names are verified by policyd's own lookups.
 */
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "req_decode.h"
#include "gitparse.h"
#include "procfs.h"
#include "supervisor.h"
#include "sys.h"
#include "tg_proto.h"
#include "util.h"

#define REPLY_MAX 65536

void daemon_log(const char *fmt, ...)
{
	char ts[32];
	uint64_t now = tg_now_us();
	time_t secs = (time_t)(now / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "policyd %s: ", ts);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void conn_send(struct conn *c, const uint8_t *buf, size_t len)
{
	if (c->closing)
		return;
	if (c->wlen == c->woff) {
		c->wlen = c->woff = 0;
		ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == (ssize_t)len)
			return;
		if (w < 0 && errno != EAGAIN) {
			c->closing = true;
			return;
		}
		if (w < 0)
			w = 0;
		buf += w;
		len -= (size_t)w;
	}
	if (c->wlen + len > 4 * REPLY_MAX) {
		c->closing = true; /* a client that never reads */
		return;
	}
	uint8_t *nb = realloc(c->wbuf, c->wlen + len);
	if (!nb) {
		c->closing = true;
		return;
	}
	c->wbuf = nb;
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
	epoll_ctl(D.epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void send_error(struct conn *c, uint32_t id, const char *msg)
{
	uint8_t buf[8192];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_ERROR, id);
	tgp_put(&e, TGPT_MESSAGE, msg, strnlen(msg, 4095));
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

/* Combine two decisions with "union of candidates": a rule that matched
 * either beats the default; among matching rules the strictest wins (ties:
 * file order). */
/* The decision for a call that touches several objects (an exec chain's
 * programs, a rename's two names): the strictest, a default counting with
 * its action (an object no rule covers is not allowed because another
 * one is); on a tie a rule before the default, the earlier rule first. */
static void combine(struct policy_decision *acc, bool *have,
		    const struct policy_decision *d)
{
	if (!*have) {
		*acc = *d;
		*have = true;
		return;
	}
	if (d->action > acc->action ||
	    (d->action == acc->action && d->rule >= 0 &&
	     (acc->rule < 0 || d->rule < acc->rule)))
		*acc = *d;
}

/* One object under two names: the resolved name decides, and the name as
 * spelled can only make that stricter, by a rule of its own. A symlink
 * the agent made must not lend its own name's allow to its target. */
static void spelled(struct policy_decision *real_d,
		    const struct policy_decision *lex_d)
{
	if (lex_d->rule >= 0 && lex_d->action > real_d->action)
		*real_d = *lex_d;
}

/* A refusal by tiergate itself, not by a rule of the policy. */
static void deny_builtin(struct outcome *o, const char *id, const char *msg)
{
	o->d.action = POLICY_DENY;
	o->d.rule = -1;
	o->d.rule_id = id;
	o->d.message = msg;
}

/* Symlinks resolved as the caller sees them. When the caller's root is
 * ours (checked once per connection), resolve directly instead of through
 * the /proc/PID/root magic link, which costs a walk per component. */
bool conn_same_root(struct conn *c)
{
	if (c->same_root < 0) {
		char root[TG_PATH_MAX];
		c->same_root =
		    procfs_link(c->pid, "root", root, sizeof(root)) == 0 &&
		    !strcmp(root, "/");
	}
	return c->same_root == 1;
}

void conn_view(struct conn *c, const char *path, char *out, size_t outsz)
{
	if (conn_same_root(c))
		tg_strlcpy(out, outsz, path);
	else
		snprintf(out, outsz, "/proc/%d/root%s", (int)c->pid, path);
}

static int realpath_for(struct conn *c, const char *lex, char *out,
			size_t outsz)
{
	return procfs_realpath_existing(c->pid, conn_same_root(c), lex, out,
					outsz);
}

/* "#!interp [arg]" at the start of the file the caller would run (the
 * kernel reads 256 bytes): view is its path as policyd sees it, st its
 * stat. Returns 1 with interp/arg, 0 if not a script. */
static int read_shebang(const char *view, const struct stat *st, char *interp,
			size_t isz, char *arg, size_t asz)
{
	/* only regular files are run; opening anything else (a device) as
	 * policyd could have effects of its own */
	if (!S_ISREG(st->st_mode))
		return 0;
	int fd = open(view, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
				O_NOCTTY);
	if (fd < 0)
		return 0;
	struct stat now;
	char b[257];
	ssize_t n = -1;
	if (fstat(fd, &now) == 0 && S_ISREG(now.st_mode) &&
	    now.st_dev == st->st_dev && now.st_ino == st->st_ino)
		n = pread(fd, b, 256, 0);
	close(fd);
	if (n < 3 || b[0] != '#' || b[1] != '!')
		return 0;
	b[n] = '\0';
	char *q = b + 2;
	char *nl = strchr(q, '\n');
	if (nl)
		*nl = '\0';
	q += strspn(q, " \t");
	size_t il = strcspn(q, " \t");
	if (!il || il >= isz)
		return 0;
	memcpy(interp, q, il);
	interp[il] = '\0';
	q += il;
	q += strspn(q, " \t");
	size_t al = strlen(q);
	while (al && (q[al - 1] == ' ' || q[al - 1] == '\t'))
		al--;
	if (al >= asz)
		al = asz - 1;
	memcpy(arg, q, al);
	arg[al] = '\0';
	return 1;
}

/* ld.so's own options, and whether each takes a value. */
static int loader_prog_index(const char *const *argv, size_t argc)
{
	static const char *const with_value[] = {"--library-path",
						 "--preload",
						 "--argv0",
						 "--audit",
						 "--inhibit-rpath",
						 "--glibc-hwcaps-prepend",
						 "--glibc-hwcaps-mask"};
	for (size_t i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2))
			return (int)i;
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? (int)i + 1 : -1;
		for (size_t k = 0; k < TG_ARRAY_SIZE(with_value); k++)
			if (!strcmp(argv[i], with_value[k])) {
				i++;
				break;
			}
	}
	return -1;
}

#define EXEC_CHAIN_MAX 5 /* the kernel follows 4 interpreters */

/*
 * What policyd learnt about a program it was asked to run: the path as
 * spelled (lexically absolute) resolved through symlinks, and its shebang
 * line. An entry answers while the spelled path still names a file of the
 * same identity (device, inode, size, mode, ctime), which one stat tells;
 * only files whose ctime has settled are kept (sys_ctime_settled), so a
 * rewrite can never keep the old shebang. The resolved path is a name of
 * that same file: if a symlink on the way changed, the name may be an old
 * one of the same inode, which runs the same bytes (docs/threat-model.md).
 * Only for callers in policyd's root, never under /proc. One thread.
 */
#define PROG_CACHE 64
struct prog_ent {
	char *lex, *real, *interp, *iarg;
	uint64_t hash, used;
	dev_t dev;
	ino_t ino;
	off_t size;
	mode_t mode;
	struct timespec ctime;
	bool script;
};
static struct prog_ent progs[PROG_CACHE];
static uint64_t prog_tick;

static bool same_file(const struct stat *a, const struct prog_ent *e)
{
	return a->st_dev == e->dev && a->st_ino == e->ino &&
	       a->st_size == e->size && a->st_mode == e->mode &&
	       a->st_ctim.tv_sec == e->ctime.tv_sec &&
	       a->st_ctim.tv_nsec == e->ctime.tv_nsec;
}

static struct prog_ent *prog_find(const char *lex, uint64_t h,
				  const struct stat *st)
{
	for (size_t i = 0; i < PROG_CACHE; i++) {
		struct prog_ent *e = &progs[i];
		if (e->lex && e->hash == h && !strcmp(e->lex, lex))
			return same_file(st, e) ? e : NULL;
	}
	return NULL;
}

static void prog_store(const char *lex, uint64_t h, const char *real,
		       const struct stat *st, bool script, const char *interp,
		       const char *iarg)
{
	if (!S_ISREG(st->st_mode) || !sys_ctime_settled(st))
		return;
	struct prog_ent *e = &progs[0];
	for (size_t i = 0; i < PROG_CACHE; i++) {
		if (progs[i].lex && progs[i].hash == h &&
		    !strcmp(progs[i].lex, lex)) {
			e = &progs[i];
			break;
		}
		if (progs[i].used < e->used)
			e = &progs[i];
	}
	char *l = strdup(lex), *r = strdup(real);
	char *in = strdup(script ? interp : ""),
	     *ia = strdup(script ? iarg : "");
	free(e->lex);
	free(e->real);
	free(e->interp);
	free(e->iarg);
	*e = (struct prog_ent){0};
	if (!l || !r || !in || !ia) {
		free(l);
		free(r);
		free(in);
		free(ia);
		return;
	}
	*e = (struct prog_ent){.lex = l,
			       .real = r,
			       .interp = in,
			       .iarg = ia,
			       .hash = h,
			       .used = ++prog_tick,
			       .dev = st->st_dev,
			       .ino = st->st_ino,
			       .size = st->st_size,
			       .mode = st->st_mode,
			       .ctime = st->st_ctim,
			       .script = script};
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* One program of an exec chain: lex (absolute, lexical) resolved into
 * real, its stat (zeroed when it is not there: a directory, a dangling
 * name), and its shebang. 0; -errno when the path cannot be resolved,
 * with *absent set when the program does not exist (ENOENT, ENOTDIR). */
static int program_info(struct conn *c, const char *lex, char *real, size_t rsz,
			struct stat *st, bool *script, char *interp, size_t isz,
			char *iarg, size_t asz, int *absent)
{
	*absent = 0;
	*script = false;
	bool cacheable = conn_same_root(c) && strncmp(lex, "/proc/", 6) != 0;
	struct stat first;
	uint64_t h = 0;
	if (cacheable) {
		if (stat(lex, &first) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				*absent = errno;
			cacheable = false;
		} else {
			h = str_hash(lex);
			struct prog_ent *e = prog_find(lex, h, &first);
			if (e && strlen(e->real) < rsz &&
			    strlen(e->interp) < isz && strlen(e->iarg) < asz) {
				e->used = ++prog_tick;
				strcpy(real, e->real);
				*st = first;
				if ((*script = e->script)) {
					strcpy(interp, e->interp);
					strcpy(iarg, e->iarg);
				}
				return 0;
			}
		}
	}
	int r = realpath_for(c, lex, real, rsz);
	if (r < 0)
		return r;
	/* the program as policyd sees it, one stat for every question
	 * (git? a script? the loader?) */
	char view[TG_PATH_MAX + 32];
	conn_view(c, real, view, sizeof(view));
	if (stat(view, st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			*absent = errno;
		memset(st, 0, sizeof(*st)); /* not a regular file */
		return 0;
	}
	*absent = 0;
	*script = read_shebang(view, st, interp, isz, iarg, asz) == 1;
	if (cacheable && first.st_dev == st->st_dev &&
	    first.st_ino == st->st_ino)
		prog_store(lex, h, real, st, *script, interp, iarg);
	return 0;
}

/* The caller's cwd, read when a rule or git needs it. */
struct lazy_cwd {
	struct conn *c;
	bool have;
	char buf[TG_PATH_MAX];
};

static const char *cwd_get(struct lazy_cwd *w)
{
	if (!w->have) {
		if (procfs_link(w->c->pid, "cwd", w->buf, sizeof(w->buf)) < 0)
			snprintf(w->buf, sizeof(w->buf), "/");
		w->have = true;
	}
	return w->buf;
}

/* One program of an exec chain decided on its literal and its resolved
 * path; combined into o->d. *argv_dep is set when a caller that can race
 * could change the outcome by rewriting argv. */
static void decide_program(struct conn *c, const char *lex, const char *real,
			   bool is_git, const char *const *argv, size_t argc,
			   struct lazy_cwd *wd, struct outcome *o, bool *have,
			   bool *argv_dep)
{
	struct session *s = c->s;
	struct git_event git;
	bool has_git = false;
	const char *cwd =
	    is_git || policy_exec_uses_cwd(s->policy) ? cwd_get(wd) : NULL;
	if (is_git) {
		char root[64];
		snprintf(root, sizeof(root), "/proc/%d/root", (int)c->pid);
		struct gitrepo_ctx gx = {.root = root, .home = s->home};
		struct git_lookup lk;
		gitrepo_lookup(&gx, &lk);
		if (git_parse(argv, argc, cwd, &lk, &git) == 0)
			has_git = true;
	}
	const char *names[] = {lex, real};
	struct policy_event ev = {.kind = POLICY_EV_EXEC,
				  .path = real,
				  .argv = argv,
				  .argc = argc,
				  .names = names,
				  .nnames = 2,
				  .cwd = cwd,
				  .git = has_git ? &git : NULL};
	struct policy_decision d, dl;
	policy_decide(s->policy, &ev, &d);
	if (c->could_race)
		*argv_dep |= policy_exec_argv_dependent(s->policy, &ev, &d);
	if (strcmp(lex, real)) {
		ev.path = lex;
		policy_decide(s->policy, &ev, &dl);
		if (c->could_race)
			*argv_dep |=
			    policy_exec_argv_dependent(s->policy, &ev, &dl);
		spelled(&d, &dl);
	}
	combine(&o->d, have, &d);
	if (has_git && o->d.matched == POLICY_EV_GIT)
		o->kind = "git";
	if (has_git)
		git_event_free(&git);
}

/* What a caller that could race must be running once the kernel has done
 * the exec (see struct outcome): st is the file the kernel maps, argv the
 * chain's argv at that link; the scripts in it are spelled as the kernel
 * spells them (kfrom[i] -> kto[i]). Left unknown (the exec cannot be
 * checked) when it does not fit. */
static void exec_expect(struct outcome *o, const struct req *q,
			const struct stat *st, const char *const *argv,
			size_t argc, const char *const *kfrom,
			const char *const *kto, size_t nk)
{
	o->exe_known = false;
	if (st->st_ino == 0 || q->argc == 0 || argc < q->argc)
		return;
	size_t npre = argc - (q->argc - 1), len = 0;
	for (size_t i = 0; i < npre; i++) {
		const char *e = argv[i];
		for (size_t j = 0; j < nk; j++)
			if (e == kfrom[j])
				e = kto[j];
		size_t l = strlen(e) + 1;
		if (l > sizeof(o->kprefix) - len)
			return;
		memcpy(o->kprefix + len, e, l);
		len += l;
	}
	o->kprefix_len = len;
	o->exe_dev = st->st_dev;
	o->exe_ino = st->st_ino;
	o->exe_known = true;
}

static int decide_exec(struct conn *c, struct req *q, struct outcome *o)
{
	struct session *s = c->s;
	char lex[TG_PATH_MAX], real[TG_PATH_MAX];
	o->kind = "exec";
	if (!q->has_path || q->argc == 0)
		return -EBADMSG;
	int r = procfs_resolve_at(c->pid, q->dirfd, q->path, lex, sizeof(lex));
	if (r < 0) {
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		return r;
	}
	/* what the exec would really run is unknown: refuse, never decide
	 * on the literal path alone. Each level of the chain keeps its own
	 * strings: argv of a deeper level still points at the shallower
	 * ones. policyd decides on one thread: static buffers. */
	static struct {
		char interp[TG_PATH_MAX], iarg[TG_PATH_MAX],
		    script[TG_PATH_MAX], kscript[TGP_MAX_PATH + 48];
	} lv[EXEC_CHAIN_MAX];
	struct stat st;
	bool script;
	int absent;
	if ((r = program_info(c, lex, real, sizeof(real), &st, &script,
			      lv[0].interp, sizeof(lv[0].interp), lv[0].iarg,
			      sizeof(lv[0].iarg), &absent)) < 0) {
		tg_strlcpy(o->target, sizeof(o->target), lex);
		return r;
	}
	tg_strlcpy(o->target, sizeof(o->target), real);
	tg_strlcpy(o->object, sizeof(o->object), real);
	struct lazy_cwd wd = {.c = c};

	/* a memfd or a deleted file has no path a rule could name */
	size_t rl = strlen(real);
	bool unnamed = !strncmp(real, "/memfd:", 7) ||
		       (rl > 10 && !strcmp(real + rl - 10, " (deleted)"));
	if (unnamed && !policy_settings(s->policy)->exec_unnamed) {
		deny_builtin(o, "exec_unnamed",
			     "programs without a file name (memfd, deleted "
			     "files) may not be run (settings.exec_unnamed)");
		return 0;
	}
	if (absent && !unnamed) {
		/* nothing to run: the kernel's own answer, with no refusal
		 * line (execvp and posix_spawnp try every PATH directory) */
		o->absent = absent;
		return -absent;
	}

	/* the chain the kernel would follow: scripts to their interpreter,
	 * ld.so to the program it loads; every link is decided */
	static const char *argv[TGP_MAX_ARGS + 2 * EXEC_CHAIN_MAX + 1];
	bool have = false, argv_dep = false, exe_seen = false;
	const char *kfrom[EXEC_CHAIN_MAX], *kto[EXEC_CHAIN_MAX];
	size_t nk = 0;
	if (q->argc > TGP_MAX_ARGS)
		return -E2BIG;
	memcpy(argv, q->argv, q->argc * sizeof(*argv));
	size_t argc = q->argc;
	for (int depth = 0;; depth++) {
		if (depth == EXEC_CHAIN_MAX) {
			/* deeper than policyd follows: never run undecided */
			deny_builtin(o, "exec-chain",
				     "too many interpreters in a row");
			break;
		}
		if (depth > 0 &&
		    (r = program_info(c, lex, real, sizeof(real), &st, &script,
				      lv[depth].interp,
				      sizeof(lv[depth].interp), lv[depth].iarg,
				      sizeof(lv[depth].iarg), &absent)) < 0) {
			snprintf(o->target, sizeof(o->target), "%.4000s", lex);
			return r;
		}
		size_t dl = strlen(o->detail);
		if (depth > 0 && dl)
			snprintf(o->detail + dl, sizeof(o->detail) - dl,
				 ", %.400s", real);
		else if (depth > 0)
			snprintf(o->detail, sizeof(o->detail), "runs %.480s",
				 real);
		char view_real[TG_PATH_MAX + 32];
		conn_view(c, real, view_real, sizeof(view_real));
		decide_program(c, lex, real, sys_is_git_file(view_real, &st),
			       argv, argc, &wd, o, &have, &argv_dep);
		if (c->could_race && !script && !exe_seen) {
			exe_seen = true;
			exec_expect(o, q, &st, argv, argc, kfrom, kto, nk);
		}
		const char *next = NULL;
		if (script) {
			/* the kernel runs: interp [arg] script args... (at
			 * most two more entries per level, room reserved) */
			/* the kernel passes the script on by the name it
			 * was run by: the caller's path for the first, the
			 * shebang's spelling for the next (exec_expect) */
			snprintf(lv[depth].script, sizeof(lv[depth].script),
				 "%s", lex);
			snprintf(lv[depth].kscript, sizeof(lv[depth].kscript),
				 "%s",
				 depth ? lv[depth - 1].interp
				       : (q->kname ? q->kname : q->path));
			kfrom[nk] = lv[depth].script;
			kto[nk++] = lv[depth].kscript;
			size_t extra = lv[depth].iarg[0] ? 2 : 1;
			memmove(argv + extra + 1, argv + 1,
				(argc - 1) * sizeof(*argv));
			argv[0] = lv[depth].interp;
			if (lv[depth].iarg[0])
				argv[1] = lv[depth].iarg;
			argv[extra] = lv[depth].script;
			argc += extra;
			next = lv[depth].interp;
		} else if (sys_is_loader_file(view_real, &st)) {
			int pi = loader_prog_index(argv, argc);
			if (pi < 0)
				break;
			next = argv[pi];
			memmove(argv, argv + pi,
				(argc - (size_t)pi) * sizeof(*argv));
			argc -= (size_t)pi;
		}
		if (!next)
			break;
		char nlex[TG_PATH_MAX];
		if ((r = procfs_resolve_at(c->pid, AT_FDCWD, next, nlex,
					   sizeof(nlex))) < 0) {
			snprintf(o->target, sizeof(o->target), "%.4000s", next);
			return r;
		}
		tg_strlcpy(lex, sizeof(lex), nlex);
	}
	/* a caller that can rewrite argv after policyd read it (another
	 * thread, or argv in shared memory) must not get an allow that only
	 * holds for the argv policyd saw */
	/* holds under "refuse", and under "verify" where policyd cannot hold
	 * the exec for checking (supervisor_verify_available) */
	o->argv_dep = argv_dep;
	enum policy_exec_race race = policy_settings(s->policy)->exec_race;
	if (c->could_race && argv_dep && o->d.action <= POLICY_LOG &&
	    (race == POLICY_RACE_REFUSE ||
	     (race == POLICY_RACE_VERIFY &&
	      !supervisor_verify_available(NULL, 0))) &&
	    c->could_race(c)) {
		deny_builtin(o, "exec_race",
			     "another thread (or process) could rewrite this "
			     "command line while it is checked; run it from "
			     "a single-threaded process (settings.exec_race)");
	}
	/* an allowed exec by a caller that could race is held for checking
	 * when the kernel has done it (exec_verify.c); one that cannot be
	 * held does not run */
	int hr;
	if (c->hold_exec && o->d.action <= POLICY_LOG &&
	    (hr = c->hold_exec(c, q, o)) < 0) {
		deny_builtin(o, "exec_race",
			     "another thread (or process) could rewrite this "
			     "exec while it is checked, and policyd cannot "
			     "hold it for checking; run it from a "
			     "single-threaded process (settings.exec_race)");
		snprintf(o->detail, sizeof(o->detail),
			 "cannot hold the exec: %s", strerror(-hr));
	}
	return 0;
}

static int decide_path(struct conn *c, int dirfd, const char *path,
		       unsigned access, bool nofollow, struct outcome *o,
		       bool *have, char *shown, size_t shownsz)
{
	char lex[TG_PATH_MAX], real[TG_PATH_MAX];
	int r = procfs_resolve_at(c->pid, dirfd, path, lex, sizeof(lex));
	if (r < 0)
		return r;
	/* reads and writes reach the file a final symlink points to; making
	 * or removing a name (mkdir, unlink, a rename's names), or a call that
	 * does not follow it (lchown, link), acts on the name itself: only its
	 * directory is resolved */
	const char *slash = strrchr(lex, '/');
	if ((nofollow || !(access & (POLICY_ACC_READ | POLICY_ACC_WRITE))) &&
	    slash && slash != lex && slash[1]) {
		char dir[TG_PATH_MAX], rdir[TG_PATH_MAX];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - lex), lex);
		if ((r = realpath_for(c, dir, rdir, sizeof(rdir))) < 0)
			return r;
		if (snprintf(real, sizeof(real), "%s%s",
			     strcmp(rdir, "/") ? rdir : "",
			     slash) >= (int)sizeof(real))
			return -ENAMETOOLONG;
	} else if ((r = realpath_for(c, lex, real, sizeof(real))) < 0) {
		return r; /* the caller refuses (rule "unresolvable") */
	}
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = real, .access = access};
	struct policy_decision d, dl;
	if (!*have) /* the first path: the object the caller gets */
		tg_strlcpy(o->object, sizeof(o->object), real);
	else
		tg_strlcpy(o->object2, sizeof(o->object2), real);
	policy_decide(c->s->policy, &ev, &d);
	if (strcmp(lex, real)) {
		ev.path = lex;
		policy_decide(c->s->policy, &ev, &dl);
		spelled(&d, &dl);
		snprintf(shown, shownsz, "%s (-> %s)", lex, real);
	} else {
		tg_strlcpy(shown, shownsz, lex);
	}
	combine(&o->d, have, &d);
	return 0;
}

static const char unheld_fd_msg[] =
    "policyd cannot take a copy of this descriptor (Yama's ptrace_scope), "
    "and another thread could re-point it: make the call from a "
    "single-threaded process, or run policyd as root";

static int decide_open(struct conn *c, struct req *q, struct outcome *o)
{
	o->kind = q->label ? q->label : "open";
	if (!q->has_path || (q->access & ~(unsigned)POLICY_ACC_ALL) ||
	    !q->access)
		return -EBADMSG;
	if (q->unheld_fd && q->path[0] != '/') {
		/* such a descriptor on a pipe, a socket, a memfd: no policy
		 * is about the object, and the number may name another by
		 * the time the kernel looks */
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		deny_builtin(o, "descriptor_race", unheld_fd_msg);
		return 0;
	}
	bool have = false;
	char a[TG_PATH_MAX * 2 + 16], b[TG_PATH_MAX * 2 + 16];
	int r = decide_path(c, q->dirfd, q->path, q->access, q->nofollow, o,
			    &have, a, sizeof(a));
	if (r < 0) {
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		return r;
	}
	if (q->has_path2) {
		unsigned a2 = q->access2 & POLICY_ACC_ALL;
		r = decide_path(c, q->dirfd2, q->path2,
				a2 ? a2 : POLICY_ACC_CREATE, false, o, &have, b,
				sizeof(b));
		if (r < 0)
			return r;
		snprintf(o->target, sizeof(o->target), "%.4000s -> %.4000s", a,
			 b);
	} else {
		tg_strlcpy(o->target, sizeof(o->target), a);
	}
	char acc[64];
	policy_access_format(q->access, acc, sizeof(acc));
	snprintf(o->detail, sizeof(o->detail), "access %s", acc);
	/* /proc/N/mem (and /proc/N/task/M/mem) opened for writing is ptrace
	 * by another name (the seccomp filter refuses ptrace and
	 * process_vm_writev): never, whatever the policy says */
	size_t ol = strlen(o->object);
	if ((q->access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE)) &&
	    !strncmp(o->object, "/proc/", 6) && ol > 4 &&
	    !strcmp(o->object + ol - 4, "/mem")) {
		deny_builtin(o, "proc-mem",
			     "writing a process's memory is never allowed in "
			     "a session");
	}
	/* what the policy allows on a descriptor policyd cannot hold, from
	 * a caller another thread of which could re-point it (dup2) before
	 * the kernel looks the number up again (supervisor.c) */
	if (q->unheld_fd && o->d.action <= POLICY_LOG)
		deny_builtin(o, "descriptor_race", unheld_fd_msg);
	return 0;
}

/* Returns -EAGAIN when a host lookup must finish first. */
static int decide_connect(struct conn *c, struct req *q, struct outcome *o)
{
	o->kind = "connect";
	if (!q->has_addr || q->port > 65535 || q->proto >= POLICY_PROTO_MAX)
		return -EBADMSG;
	struct tg_addr addr;
	memcpy(addr.b, q->addr, 16);
	char norm[256] = "";
	const char *host = NULL;
	struct tg_addr literal;
	bool named = q->host[0] && tg_addr_parse(q->host, &literal) < 0 &&
		     tg_host_normalize(q->host, norm, sizeof(norm)) == 0;
	if (named && !policy_host_named(c->s->policy, norm)) {
		/* no host rule can use it: not looked up (see
		 * policy_host_named), only shown */
		snprintf(o->detail, sizeof(o->detail),
			 "no host rule names '%s': not looked up by policyd, "
			 "decided on the address",
			 norm);
	} else if (named) {
		int v = resolver_check(norm, addr.b, c->s->id);
		if (v == -EAGAIN)
			return -EAGAIN;
		if (v == 1)
			host = norm;
		else if (v == -EBUSY)
			snprintf(o->detail, sizeof(o->detail),
				 "policyd has as many names of this session "
				 "to look up as it queues; '%s' not looked up, "
				 "decided on the address",
				 norm);
		else
			snprintf(o->detail, sizeof(o->detail),
				 "name '%s' does not resolve to this address "
				 "for policyd; decided on the address",
				 norm);
	}
	struct policy_event ev = {.kind = POLICY_EV_CONNECT,
				  .host = host,
				  .addr = &addr,
				  .port = (uint16_t)q->port,
				  .proto = (enum policy_proto)q->proto};
	policy_decide(c->s->policy, &ev, &o->d);
	char as[64], ab[70];
	tg_addr_format(&addr, as, sizeof(as));
	if (tg_addr_is_v4(&addr))
		tg_strlcpy(ab, sizeof(ab), as);
	else
		snprintf(ab, sizeof(ab), "[%s]", as);
	if (host)
		snprintf(o->target, sizeof(o->target), "%s:%u/%s (%s)", host,
			 q->port,
			 policy_proto_name((enum policy_proto)q->proto), ab);
	else if (named)
		/* the name as the process gave it, unchecked: shown, never
		 * decided on */
		snprintf(o->target, sizeof(o->target),
			 "%s:%u/%s (looked up as %s)", ab, q->port,
			 policy_proto_name((enum policy_proto)q->proto), norm);
	else
		snprintf(o->target, sizeof(o->target), "%s:%u/%s", ab, q->port,
			 policy_proto_name((enum policy_proto)q->proto));
	return 0;
}

void request_audit(struct conn *c, struct req *q, struct outcome *o,
		   const char *decision, uint64_t t0)
{
	if (!D.audit)
		return;
	const struct policy_settings *st =
	    c->s ? policy_settings(c->s->policy) : NULL;
	bool refused = strcmp(decision, "allowed") != 0;
	if (!refused && o->d.action == POLICY_ALLOW && st && !st->audit_allow)
		return;
	struct proc_stat ps = {0};
	procfs_stat(c->pid, &ps);
	char exe[TG_PATH_MAX] = "", cwd[TG_PATH_MAX] = "";
	procfs_link(c->pid, "exe", exe, sizeof(exe));
	procfs_link(c->pid, "cwd", cwd, sizeof(cwd));
	/* argv: the exec's for an exec; the caller's own otherwise */
	char cmd[16384];
	const char *argvbuf[256];
	const char *const *argv = q ? q->argv : NULL;
	size_t argc = q ? q->argc : 0;
	if (!argc) {
		size_t len = 0;
		if (procfs_cmdline(c->pid, cmd, sizeof(cmd), &len) == 0) {
			for (size_t i = 0; i < len && argc < 256;) {
				argvbuf[argc++] = cmd + i;
				i += strlen(cmd + i) + 1;
			}
			argv = argvbuf;
		}
	}
	uid_t uid = c->uid;
	struct proc_status cs;
	if (c->uid_lazy)
		uid = procfs_status_brief(c->pid, &cs) == 0 ? cs.fsuid
							    : (uid_t)-1;
	struct audit_rec r = {
	    .session = c->s ? c->s->id : NULL,
	    .pid = c->pid,
	    .ppid = ps.ppid,
	    .uid = uid,
	    .exe = exe,
	    .argv = argv,
	    .argc = argc,
	    .cwd = cwd,
	    .kind = o->kind,
	    .target = o->target,
	    .rule = o->d.rule_id,
	    .tier = policy_action_tier(o->d.action),
	    .action = policy_action_name(o->d.action),
	    .decision = decision,
	    .latency_us = (tg_mono_ns() - t0) / 1000,
	    .detail = o->detail[0] ? o->detail : NULL,
	};
	if (audit_write(D.audit, &r) < 0)
		daemon_log("audit write failed for %s", o->target);
}

static void reply_decision(struct conn *c, uint32_t id, enum policy_action a,
			   const char *rule, const char *msg,
			   const char *target)
{
	uint8_t buf[REPLY_MAX];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECISION, id);
	tgp_put_u32(&e, TGPT_ACTION, (uint32_t)a);
	tgp_put_str(&e, TGPT_RULE, rule);
	if (msg)
		tgp_put_str(&e, TGPT_MESSAGE, msg);
	tgp_put(&e, TGPT_TARGET, target, strnlen(target, 8191));
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

int request_decide(struct conn *c, struct req *q, struct outcome *o,
		   uint64_t t0)
{
	memset(o, 0, offsetof(struct outcome, target));
	o->target[0] = o->object[0] = o->object2[0] = '\0';
	o->detail[0] = o->msg[0] = o->kprefix[0] = '\0';
	o->kind = "?";
	if (!c->s) {
		snprintf(o->target, sizeof(o->target), "%s",
			 q->has_path ? q->path : "?");
		o->d.action = POLICY_DENY;
		o->d.rule = -1;
		o->d.rule_id = "no-session";
		o->decision = "refused";
		snprintf(o->msg, sizeof(o->msg),
			 "this process is not in a tiergate session (start it "
			 "with agent-shell)");
		return 0;
	}
	int r;
	switch (q->kind) {
	case TGPK_EXEC:
		r = decide_exec(c, q, o);
		break;
	case TGPK_OPEN:
		r = decide_open(c, q, o);
		break;
	case TGPK_CONNECT:
		r = decide_connect(c, q, o);
		break;
	default:
		r = -EBADMSG;
	}
	if (r == -EAGAIN)
		return r;
	if (r < 0) {
		/* could not see what the call would touch: refuse */
		o->d.action = POLICY_DENY;
		o->d.rule_id = "unresolvable";
		o->d.rule = -1;
		tg_strlcpy(o->detail, sizeof(o->detail), strerror(-r));
		snprintf(o->msg, sizeof(o->msg),
			 "policyd could not resolve the target (%s)",
			 strerror(-r));
		o->decision = "refused";
	} else {
		const char *msg = o->d.message;
		o->decision = "allowed";
		if (o->d.action == POLICY_PROMPT) {
			/* the approval workflow holds these; until an operator
			 * can answer, a prompt is a refusal that says so */
			snprintf(o->msg, sizeof(o->msg),
				 "approval required (rule %s)%s%s",
				 o->d.rule_id, msg ? ": " : "", msg ? msg : "");
			o->decision = "refused";
		} else if (o->d.action == POLICY_DENY) {
			o->decision = "refused";
			snprintf(o->msg, sizeof(o->msg), "%s",
				 msg ? msg
				 : o->d.rule < 0
				     ? "no rule allows this (policy default)"
				     : "refused by policy");
		} else if (msg) {
			tg_strlcpy(o->msg, sizeof(o->msg), msg);
		}
	}
	bool refused = strcmp(o->decision, "allowed") != 0;
	/* a refused kernel-path call that can have no effect (a program that
	 * is not there, making a name that exists, removing one that does
	 * not) fails as the kernel would fail it: nothing ran, nothing to
	 * refuse or audit. Looked at only for refusals: allowed calls pay
	 * nothing for it */
	if (refused && c->fd < 0) {
		int e = o->absent ? o->absent : c->noop ? c->noop(c) : 0;
		if (e) {
			o->absent = e;
			o->decision = "absent";
			return 0;
		}
	}
	o->absent = 0;
	c->s->n_decisions++;
	if (refused)
		c->s->n_refused++;
	else
		c->s->n_allowed++;
	request_audit(c, q->kind == TGPK_EXEC ? q : NULL, o, o->decision, t0);
	return 0;
}

/* Returns -EAGAIN when the request must wait for a host lookup; the caller
 * keeps the message and hands it in again. */
static int handle_decide(struct conn *c, uint32_t id, struct req *q,
			 uint64_t t0)
{
	struct outcome *o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	int r = request_decide(c, q, o, t0);
	if (r == 0)
		reply_decision(c, id, o->d.action, o->d.rule_id,
			       o->msg[0] ? o->msg : NULL, o->target);
	free(o);
	return r;
}

static void handle_hello(struct conn *c, uint32_t id)
{
	static uint8_t buf[TGP_MAX_MSG];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO_OK, id);
	if (!c->s) {
		tgp_put_u32(&e, TGPT_FAIL, 0);
		tgp_put_u32(&e, TGPT_FASTPATH, 0);
	} else {
		const struct policy_settings *st =
		    policy_settings(c->s->policy);
		tgp_put_str(&e, TGPT_SESSION, c->s->id);
		tgp_put_u32(&e, TGPT_FAIL, st->fail == POLICY_FAIL_OPEN);
		const char *const *al, *const *se;
		size_t nal, nse;
		bool ok;
		policy_read_fastpath(c->s->policy, &al, &nal, &se, &nse, &ok);
		if (nal > TGP_MAX_GLOBS || nse > TGP_MAX_GLOBS)
			ok = false;
		tgp_put_u32(&e, TGPT_FASTPATH, ok);
		for (size_t i = 0; ok && i < nal; i++)
			tgp_put_str(&e, TGPT_ALLOW_GLOB, al[i]);
		for (size_t i = 0; ok && i < nse; i++)
			tgp_put_str(&e, TGPT_SENS_GLOB, se[i]);
		const char *const *xa, *const *xs, *const *x0;
		size_t nxa, nxs, nx0;
		bool xok;
		policy_exec_fastpath(c->s->policy, &xa, &nxa, &xs, &nxs, &x0,
				     &nx0, &xok);
		if (nxa > TGP_MAX_GLOBS || nxs > TGP_MAX_GLOBS ||
		    nx0 > TGP_MAX_GLOBS)
			xok = false;
		tgp_put_u32(&e, TGPT_EXEC_FAST, xok);
		for (size_t i = 0; xok && i < nxa; i++)
			tgp_put_str(&e, TGPT_EXEC_ALLOW, xa[i]);
		for (size_t i = 0; xok && i < nxs; i++)
			tgp_put_str(&e, TGPT_EXEC_SENS, xs[i]);
		for (size_t i = 0; xok && i < nx0; i++)
			tgp_put_str(&e, TGPT_EXEC_SENS0, x0[i]);
		/* git's identities: an exec of git (or a copy: same size) is
		 * never decided locally */
		struct sys_git_id gits[8];
		size_t ngit = sys_git_ids(gits, 8);
		for (size_t i = 0; i < ngit; i++) {
			char gid[96];
			snprintf(gid, sizeof(gid), "%llu:%llu:%lld",
				 (unsigned long long)gits[i].dev,
				 (unsigned long long)gits[i].ino,
				 (long long)gits[i].size);
			tgp_put_str(&e, TGPT_GIT_ID, gid);
		}
		if (D.genfd >= 0)
			tgp_put_str(&e, TGPT_GENFILE, D.genfile);
		/* the kernel path carries execs, write-opens, the other file
		 * calls (rename, unlink, mkdir, ...) and connects for
		 * a process under the session's filter: the interposer must
		 * not decide them a second time */
		if (c->s->sv && procfs_seccomp_filtered(c->pid))
			tgp_put_u32(&e, TGPT_BACKSTOP,
				    TGPB_EXEC | TGPB_OPEN_WRITE | TGPB_CONNECT |
					TGPB_FS);
	}
	long n = tgp_enc_end(&e);
	if (n < 0) {
		/* too many globs for one message: no fast path */
		tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO_OK, id);
		if (c->s)
			tgp_put_str(&e, TGPT_SESSION, c->s->id);
		tgp_put_u32(&e, TGPT_FAIL, 0);
		tgp_put_u32(&e, TGPT_FASTPATH, 0);
		n = tgp_enc_end(&e);
	}
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

/* A message policyd will not act on: counted, and audited (kind
 * "protocol", refused) with target fmt. */
__attribute__((format(printf, 3, 4))) static void
audit_bad_message(struct conn *c, uint64_t t0, const char *fmt, ...)
{
	D.n_bad_messages++;
	if (!D.audit)
		return;
	struct outcome o = {.kind = "protocol"};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o.target, sizeof(o.target), fmt, ap);
	va_end(ap);
	o.d.rule_id = "protocol";
	o.d.action = POLICY_DENY;
	request_audit(c, NULL, &o, "refused", t0);
}

/* a reply with no fields */
static void send_empty(struct conn *c, enum tgp_type type, uint32_t id)
{
	uint8_t buf[sizeof(struct tgp_hdr)];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), type, id);
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

const char *session_name_for(struct session *s, const uint8_t addr[16],
			     pid_t pid)
{
	/* best: the entry so far; its host rule test is made only when
	 * another entry competes (most addresses have one name) */
	int best = -1, best_named = -1;
	for (size_t i = 0; i < TG_ARRAY_SIZE(s->names); i++) {
		if (!s->names[i].host[0] || memcmp(s->names[i].addr, addr, 16))
			continue;
		if (best < 0) {
			best = (int)i;
			continue;
		}
		bool mine = s->names[i].pid == pid,
		     best_mine = s->names[best].pid == pid;
		if (mine != best_mine) {
			if (mine) {
				best = (int)i;
				best_named = -1;
			}
			continue;
		}
		if (best_named < 0)
			best_named =
			    policy_host_named(s->policy, s->names[best].host);
		int named = policy_host_named(s->policy, s->names[i].host);
		if (named > best_named ||
		    (named == best_named &&
		     s->names[i].seq > s->names[best].seq)) {
			best = (int)i;
			best_named = named;
		}
	}
	return best < 0 ? NULL : s->names[best].host;
}

/* A process looked up a name. Remembered for the kernel path, and policyd
 * starts its own lookup now so the connect need not wait. The answer tells
 * the process that the names are recorded: it reads it before its next
 * connect, which therefore cannot reach the kernel path first (the
 * listener and this connection are two descriptors, and epoll gives no
 * order between them). */
static int handle_names(struct conn *c, uint32_t id, struct req *q)
{
	if (!q->host[0] || !q->naddrs) {
		D.n_bad_messages++;
		daemon_log("malformed names report from pid %d: connection "
			   "closed",
			   (int)c->pid);
		return -EBADMSG;
	}
	char norm[256];
	struct tg_addr lit;
	struct session *s = c->s;
	if (s && tg_addr_parse(q->host, &lit) < 0 &&
	    tg_host_normalize(q->host, norm, sizeof(norm)) == 0) {
		for (unsigned k = 0; k < q->naddrs; k++) {
			/* one entry per (address, name): another name for
			 * the same address (a CDN's) is kept beside it */
			size_t i, oldest = 0;
			for (i = 0; i < TG_ARRAY_SIZE(s->names); i++) {
				if (!memcmp(s->names[i].addr, q->addrs[k],
					    16) &&
				    !strcmp(s->names[i].host, norm))
					break;
				if (s->names[i].seq < s->names[oldest].seq)
					oldest = i; /* unused ones have 0 */
			}
			if (i == TG_ARRAY_SIZE(s->names)) {
				i = oldest;
				memcpy(s->names[i].addr, q->addrs[k], 16);
				tg_strlcpy(s->names[i].host,
					   sizeof(s->names[i].host), norm);
			}
			s->names[i].pid = c->pid;
			s->names[i].seq = ++s->names_next;
		}
		if (policy_host_named(s->policy, norm))
			(void)resolver_check(norm, q->addrs[0], s->id);
	}
	send_empty(c, TGP_NAMES_OK, id);
	return 0;
}

/* agent-shell hands over the session's seccomp listener (and in-flight
 * table). Only the connection that opened the session may. */
static void handle_listener(struct conn *c, uint32_t id)
{
	char err[256] = "";
	int r = -EPERM;
	if (!c->s || c->s->shell_fd != c->fd)
		snprintf(err, sizeof(err),
			 "only the session's agent-shell may send a listener");
	else if (c->npassed < 1)
		snprintf(err, sizeof(err), "no descriptor came with it");
	else {
		int lfd = c->passed_fd[0];
		int inf = c->npassed > 1 ? c->passed_fd[1] : -1;
		c->npassed = 0; /* ownership passes to the supervisor */
		r = supervisor_attach(c->s, lfd, inf, err, sizeof(err));
		if (r < 0)
			close(lfd);
	}
	if (r < 0) {
		daemon_log("listener from pid %d refused: %s", (int)c->pid,
			   err);
		send_error(c, id, err);
		return;
	}
	daemon_log("session %s: supervising its seccomp notifications%s",
		   c->s->id,
		   c->s->sv->sync_wakeup ? "" : " (no synchronous wake-up)");
	send_empty(c, TGP_LISTENER_OK, id);
}

static void handle_session_new(struct conn *c, uint32_t id, struct req *q)
{
	static uint8_t buf[TGP_MAX_MSG];
	struct tgp_enc e;
	char err[4096] = "";
	struct session *s = c->s;
	bool joined = s != NULL;
	if (!s) {
		int r = session_create(c, q->name, q->policy, q->tmpdir,
				       q->flags, &s, err, sizeof(err));
		if (r < 0) {
			send_error(c, id, err);
			daemon_log("session refused for pid %d: %s",
				   (int)c->pid, err);
			return;
		}
		c->s = s;
		daemon_log("session %s (%s) opened by pid %d uid %u, policy %s",
			   s->id, s->name, (int)c->pid, (unsigned)c->uid,
			   s->policy_path);
		if (D.audit) {
			struct audit_rec ar = {.session = s->id,
					       .pid = c->pid,
					       .uid = c->uid,
					       .cwd = s->pwd,
					       .kind = "session",
					       .target = s->name,
					       .tier = -1,
					       .decision = "started",
					       .detail = s->policy_path};
			audit_write(D.audit, &ar);
		}
	}
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_SESSION_OK, id);
	tgp_put_str(&e, TGPT_SESSION, s->id);
	tgp_put_str(&e, TGPT_NAME, s->name);
	tgp_put_str(&e, TGPT_POLICY, s->policy_path);
	tgp_put_u32(&e, TGPT_FAIL,
		    policy_settings(s->policy)->fail == POLICY_FAIL_OPEN);
	/* the Landlock plan, compiled from the session's policy (fixed for
	 * the session's life: a reload cannot widen what the kernel enforces)
	 */
	struct policy_landlock ll;
	uint32_t fl = joined ? 1u : 0u;
	if (policy_landlock_plan(s->policy, &ll) == 0) {
		/* restriction is stated, never implied: an agent-shell that
		 * talks to an older policyd applies no Landlock */
		fl |= (ll.write_all ? 0 : TGPF_LL_WRITE) |
		      (ll.exec_all ? 0 : TGPF_LL_EXEC);
		for (size_t i = 0; !ll.write_all && i < ll.nwrite; i++)
			tgp_put_str(&e, TGPT_LL_WRITE, ll.write[i]);
		for (size_t i = 0; !ll.exec_all && i < ll.nexec; i++)
			tgp_put_str(&e, TGPT_LL_EXEC, ll.exec[i]);
		if (!joined && s->landlock) {
			s->ll_write = !ll.write_all;
			s->ll_exec = !ll.exec_all;
		}
		policy_landlock_free(&ll);
	}
	tgp_put_u32(&e, TGPT_FLAGS, fl);
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

int request_handle(struct conn *c, const uint8_t *msg, size_t len)
{
	uint64_t t0 = tg_mono_ns();
	struct tgp_dec d;
	struct req *q = malloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->argv = NULL;
	q->argc = 0;
	if (!c->attributed) {
		c->s = session_of_child(c->pid, c->start, c->ppid);
		c->attributed = true;
	}
	D.n_requests++;
	if (len >= sizeof(struct tgp_hdr) && tgp_peek_len(msg) == -EPROTO) {
		/* another tiergate's interposer or agent-shell: it is told
		 * this policyd's version (a header in it) before the
		 * connection closes, so that it can say what is wrong */
		int peer = tgp_magic_version(msg);
		audit_bad_message(c, t0,
				  "a message in version %d of the tiergate "
				  "protocol (policyd speaks %d)",
				  peer, TGP_VERSION);
		daemon_log("pid %d speaks version %d of the protocol, this "
			   "policyd %d (two tiergate versions installed?): "
			   "connection closed",
			   (int)c->pid, peer, TGP_VERSION);
		struct tgp_hdr h;
		memcpy(&h, msg, sizeof(h));
		send_empty(c, TGP_BAD_VERSION, h.id);
		free(q);
		return -EPROTO;
	}
	int r = req_decode(msg, len, &d, q);
	if (r < 0) {
		audit_bad_message(c, t0, "malformed %zu-byte message", len);
		daemon_log("malformed message from pid %d: connection closed",
			   (int)c->pid);
		req_free(q);
		free(q);
		return -EBADMSG;
	}
	switch (d.h.type) {
	case TGP_HELLO:
		handle_hello(c, d.h.id);
		break;
	case TGP_SESSION_NEW:
		handle_session_new(c, d.h.id, q);
		break;
	case TGP_LISTENER:
		handle_listener(c, d.h.id);
		break;
	case TGP_NAMES:
		r = handle_names(c, d.h.id, q);
		break;
	case TGP_DECIDE:
		r = handle_decide(c, d.h.id, q, t0);
		break;
	default:
		r = -EBADMSG; /* replies have no place on this socket */
		D.n_bad_messages++;
	}
	req_free(q);
	free(q);
	return r;
}
