/* SPDX-License-Identifier: MIT */
#include "decide_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chase.h"
#include "exec_env.h"
#include "gitparse.h"
#include "gitwatch.h"
#include "gitwit.h"
#include "sha256.h"
#include "procfs.h"
#include "progid.h"
#include "rtcount.h"
#include "session.h"
#include "sv_mem.h"
#include "sys.h"
#include "util.h"

#define EXEC_CHAIN_MAX 5 /* the kernel follows 4 interpreters */

/* One program of an exec chain, as policyd found it. */
struct program {
	char *real;	/* resolved (TG_PATH_MAX bytes) */
	struct stat st; /* zeroed when it is not there (a directory, a
			   dangling name): not a regular file */
	bool script;	/* a "#!" line: interp [iarg] */
	char *interp;	/* TG_PATH_MAX bytes each */
	char *iarg;
	int absent; /* -ENOENT/-ENOTDIR: there is no such program */
	/* the dynamic loader by content (sys_is_loader_file): 1, 0, or -1
	 * not looked at yet */
	signed char loader;
};

/* "#!interp [arg]" at the start of the file the caller would run (the
 * kernel reads 256 bytes): view is its path as policyd sees it, st its
 * stat. Returns 1 with interp/arg (TG_PATH_MAX bytes each), 0 if not a
 * script. */
static int read_shebang(const char *view, const struct stat *st,
			char interp[TG_PATH_MAX], char arg[TG_PATH_MAX])
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
	if (!il || il >= TG_PATH_MAX)
		return 0;
	memcpy(interp, q, il);
	interp[il] = '\0';
	q += il;
	q += strspn(q, " \t");
	size_t al = strlen(q);
	while (al && (q[al - 1] == ' ' || q[al - 1] == '\t'))
		al--;
	if (al >= TG_PATH_MAX)
		al = TG_PATH_MAX - 1;
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
	char *lex, *real, *interp, *iarg; /* one allocation, lex's */
	uint64_t hash, used;
	dev_t dev;
	ino_t ino;
	off_t size;
	mode_t mode;
	struct timespec ctime;
	bool script;
	signed char loader; /* as struct program's, once looked at */
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

static void prog_ent_clear(struct prog_ent *e)
{
	free(e->lex);
	*e = (struct prog_ent){0};
}

static void prog_store(const char *lex, uint64_t h, const struct program *p)
{
	const struct stat *st = &p->st;
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
	prog_ent_clear(e);
	const char *in = p->script ? p->interp : "",
		   *ia = p->script ? p->iarg : "";
	size_t ll = strlen(lex) + 1, rl = strlen(p->real) + 1,
	       il = strlen(in) + 1, al = strlen(ia) + 1;
	char *buf = malloc(ll + rl + il + al);
	if (!buf)
		return;
	*e = (struct prog_ent){.lex = memcpy(buf, lex, ll),
			       .real = memcpy(buf + ll, p->real, rl),
			       .interp = memcpy(buf + ll + rl, in, il),
			       .iarg = memcpy(buf + ll + rl + il, ia, al),
			       .hash = h,
			       .used = ++prog_tick,
			       .dev = st->st_dev,
			       .ino = st->st_ino,
			       .size = st->st_size,
			       .mode = st->st_mode,
			       .ctime = st->st_ctim,
			       .script = p->script,
			       .loader = p->loader};
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The loader check's answer for lex's entry, kept while the entry holds:
 * the same file with the same size, mode and ctime, settled (a content
 * check, like the shebang's: a program cannot be exec'd while something
 * has it open or mapped for writing, ETXTBSY, so its content changes only
 * by writes that move its ctime) */
static void prog_note_loader(const char *lex, const struct program *p)
{
	struct prog_ent *e = prog_find(lex, str_hash(lex), &p->st);
	if (e)
		e->loader = p->loader;
}

/* What the cache knows of a spelled path: whether it may be kept (in
 * policyd's root, not under /proc, there), its hash and its stat. */
struct prog_key {
	bool cacheable;
	uint64_t hash;
	struct stat first;
};

/* p from the cache when lex still names the file cached for it: 1; 0 not
 * cached (key filled in for prog_store). */
static int program_cached(struct caller *c, const char *lex, struct program *p,
			  struct prog_key *key)
{
	key->cacheable = caller_same_root(c) && strncmp(lex, "/proc/", 6) != 0;
	if (!key->cacheable)
		return 0;
	if (stat(lex, &key->first) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			p->absent = -errno;
		key->cacheable = false;
		return 0;
	}
	key->hash = str_hash(lex);
	struct prog_ent *e = prog_find(lex, key->hash, &key->first);
	if (!e)
		return 0;
	e->used = ++prog_tick;
	strcpy(p->real, e->real);
	p->st = key->first;
	p->loader = e->loader;
	if ((p->script = e->script)) {
		strcpy(p->interp, e->interp);
		strcpy(p->iarg, e->iarg);
	}
	return 1;
}

/* One program of an exec chain: lex (absolute, lexical) resolved into
 * p->real, its stat and its shebang. 0; -errno when the path cannot be
 * resolved, with p->absent set when the program does not exist. */
static int program_info(struct caller *c, const char *lex, struct program *p)
{
	p->absent = 0;
	p->script = false;
	p->loader = -1;
	struct prog_key key;
	if (program_cached(c, lex, p, &key) == 1)
		return 0;
	int r = chase(c, AT_FDCWD, lex, CHASE_FOLLOW | CHASE_ABSOLUTE, p->real);
	if (r < 0)
		return r;
	/* the program as policyd sees it, one stat for every question
	 * (git? a script? the loader?) */
	char view[TG_PATH_MAX + 32];
	chase_view(c, p->real, view, sizeof(view));
	if (stat(view, &p->st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			p->absent = -errno;
		memset(&p->st, 0, sizeof(p->st)); /* not a regular file */
		return 0;
	}
	p->absent = 0;
	p->script = read_shebang(view, &p->st, p->interp, p->iarg) == 1;
	if (key.cacheable && key.first.st_dev == p->st.st_dev &&
	    key.first.st_ino == p->st.st_ino)
		prog_store(lex, key.hash, p);
	return 0;
}

/* An exec chain being decided: the link at hand and what came before. */
struct chain {
	struct caller *c;
	const struct req *q;
	struct outcome *o;
	struct chase_cwd wd;
	char lex[TG_PATH_MAX];	/* this link, lexical */
	char real[TG_PATH_MAX]; /* ... resolved */
	struct program p;	/* ... found */
	const char **argv;	/* the argv the kernel gives this link */
	size_t argc;
	/* the scripts in argv as the kernel spells them (kfrom[i] ->
	 * kto[i]): the caller's path for the first, the shebang's spelling
	 * for the next */
	const char *kfrom[EXEC_CHAIN_MAX], *kto[EXEC_CHAIN_MAX];
	size_t nk;
	bool have;     /* o->d holds a link's decision */
	bool argv_dep; /* a notified caller could change the outcome by
			  rewriting argv */
	bool exe_seen; /* the file the kernel maps was reached */
};

/* Each level of the chain keeps its own strings: argv of a deeper level
 * still points at the shallower ones. policyd decides on one thread:
 * static buffers. */
static struct {
	char interp[TG_PATH_MAX], iarg[TG_PATH_MAX], script[TG_PATH_MAX],
	    kscript[TGP_MAX_PATH + 48];
} lv[EXEC_CHAIN_MAX];

/* as argv (the kernel's own limit is shared by both) */
#define ENV_BYTES_MAX (1u << 20)
#define ENV_MAX 16384

/* The environment a notified caller's exec passes (envp, in its memory,
 * read as sv_exec reads argv: sv_mem_strv; static buffers, one thread). Only for git, which reads GIT_DIR,
 * GIT_CONFIG_*, HOME, XDG_CONFIG_HOME and any variable --config-env
 * names. 0, -EFAULT or -E2BIG. */
static int exec_env(uint64_t envp_at, const char *const **ret, size_t *ret_n)
{
	static char arena[ENV_BYTES_MAX];
	static const char *env[ENV_MAX];
	size_t n = 0;
	int r = sv_mem_strv(envp_at, arena, ENV_BYTES_MAX, env, ENV_MAX, NULL,
			    &n);
	if (r < 0)
		return r;
	*ret = env;
	*ret_n = n;
	return 0;
}

/* The git op of an exec of git, read as git reads it: in the caller's
 * root, with its file-system credentials (a file it cannot read, git
 * skips too), in its working directory, with the environment the exec
 * passes. 0, or -errno: nothing could be read (then the exec is refused:
 * never decided as if it were not git). */
static int program_git_op(struct chain *ch, const char *cwd, const char *argv0,
			  struct git_witness *wit, struct git_op *ret)
{
	struct caller *c = ch->c;
	char root[TG_PATH_MAX];
	procfs_path(c->pid, "root", root, sizeof(root));
	struct git_ctx gx = {.root = caller_same_root(c) ? "" : root,
			     .cwd = cwd,
			     .home = c->s->home,
			     .wit = wit};
	/* the kernel path reads the exec's envp; a request from the
	 * interposer carries the variables git reads (TGPT_ENV) */
	int r = 0;
	if (c->notified &&
	    (r = exec_env(ch->q->envp_at, &gx.env, &gx.nenv)) < 0)
		return r;
	if (c->notified) {
		/* another thread may change envp before the kernel copies
		 * it: what was read is compared at the exec stop */
		exec_env_digest(gx.env, gx.nenv, ch->argv, ch->argc,
				ch->o->env_sha);
		ch->o->env_dep = true;
	}
	if (!c->notified) {
		gx.env = ch->q->env;
		gx.nenv = ch->q->nenv;
	}
	r = caller_creds(c, false);
	if (r < 0)
		return r;
	/* a program of git's exec path run by hand is `git NAME` whatever
	 * its argv[0] says (it does not look) */
	const char *saved = ch->argv[0];
	if (argv0)
		ch->argv[0] = argv0;
	/* when the policy's rules for this command read only argv, no file
	 * (git_op_argv_only): no credentials to take on either */
	r = git_op_argv_only(c->s->policy, ch->argv, ch->argc, ret);
	bool switched = false;
	if (r == 0 && (r = caller_creds_enter(c, &switched)) == 0) {
		r = git_parse_op(ch->argv, ch->argc, &gx, ret);
		if (switched)
			caller_creds_leave();
	}
	ch->argv[0] = saved;
	return r < 0 ? r : 0;
}

static void facts_str(struct tg_sha256 *h, const char *s)
{
	tg_sha256_update(h, s ? s : "\x01", s ? strlen(s) + 1 : 1);
}

static void facts_strv(struct tg_sha256 *h, char *const *v, size_t n)
{
	tg_sha256_update(h, &n, sizeof(n));
	for (size_t i = 0; i < n; i++)
		facts_str(h, v[i]);
}

/* o->git_facts from op (see struct outcome). why: a session grant is the
 * operator's yes to a call as it was shown, keyed by its command line;
 * the same `git push origin HEAD:main` after a `git remote set-url` (no
 * prompt: a URL redirects, it runs nothing) pushed to the new URL under
 * the old grant, without asking (tests/bypass/gitgrant.sh). */
static void git_facts(struct outcome *o, const struct git_op *op)
{
	struct tg_sha256 h;
	tg_sha256_init(&h);
	facts_str(&h, op->command);
	uint8_t flags = (uint8_t)(op->helper | op->unsure << 1);
	tg_sha256_update(&h, &flags, 1);
	for (size_t i = 0; i < op->nev; i++) {
		const struct git_event *e = &op->ev[i];
		facts_str(&h, e->command);
		facts_str(&h, e->remote);
		facts_str(&h, e->remote_url);
		if (e->remote_url && !o->git_url[0])
			tg_strlcpy(o->git_url, sizeof(o->git_url),
				   e->remote_url);
		facts_strv(&h, e->branches, e->nbranches);
		facts_strv(&h, e->args, e->nargs);
		facts_strv(&h, e->config_keys, e->nconfig_keys);
		facts_strv(&h, e->config_sections, e->nconfig_sections);
		uint8_t b = (uint8_t)(e->force | e->delete_refs << 1 |
				      e->all_branches << 2 |
				      e->shell_alias << 3 | e->config_any << 4);
		tg_sha256_update(&h, &b, 1);
	}
	tg_sha256_final(&h, o->git_facts);
	o->has_git_facts = true;
}

static bool op_pushes(const struct git_op *op)
{
	for (size_t i = 0; i < op->nev; i++)
		if (op->ev[i].command && !strcmp(op->ev[i].command, "push"))
			return true;
	return false;
}

/* The git op read without a witness, and a push read again with one (the
 * decision takes that reading, whose files the witness holds): its
 * transport is checked against it (gitwatch.h). Only pushes pay for the
 * witness; *ret_wit is NULL for the rest. */
static int git_op_read(struct chain *ch, const char *cwd, const char *argv0,
		       struct git_op *ret, struct git_witness **ret_wit)
{
	*ret_wit = NULL;
	int r = program_git_op(ch, cwd, argv0, NULL, ret);
	if (r < 0 || !op_pushes(ret))
		return r;
	git_op_free(ret);
	struct git_witness *w = git_witness_new();
	if (!w)
		return -ENOMEM;
	if ((r = program_git_op(ch, cwd, argv0, w, ret)) < 0) {
		git_witness_free(w);
		return r;
	}
	*ret_wit = w;
	return 0;
}

/* A push (read so once: wit) by the git program itself (not a script of
 * git's exec path: its own git execs are decided, and watched, on their
 * own), not refused, is watched until its transport starts: wit taken. */
static void watch_push(struct chain *ch, struct git_witness *wit)
{
	if (!wit || ch->p.script || ch->o->d.action == POLICY_DENY ||
	    !git_witness_count(wit)) {
		git_witness_free(wit);
		return;
	}
	if (gitwatch_add(ch->c, &ch->p.st, wit) == -EBUSY)
		outcome_deny(ch->o, "git_race",
			     "too many git pushes under way at once; run this "
			     "one when one of them is done");
}

/* The link at hand decided on its literal and its resolved path (and, for
 * git, by the exec and the git rules together: git_exec_decide, as
 * policyctl explain and test decide it); combined into o->d. view: the
 * program as policyd reads it, for the content of exec rules (progid). */
static void decide_program(struct chain *ch, bool is_git, const char *argv0,
			   const char *view)
{
	struct caller *c = ch->c;
	struct session *s = c->s;
	struct git_op op;
	bool has_git = false;
	const char *cwd = is_git || policy_exec_uses_cwd(s->policy)
			      ? chase_cwd(&ch->wd)
			      : NULL;
	struct git_witness *wit = NULL;
	if (is_git) {
		if (git_op_read(ch, cwd ? cwd : "/", argv0, &op, &wit) < 0) {
			outcome_deny(ch->o, "git",
				     "policyd could not read what this git "
				     "command will do");
			ch->have = true;
			return;
		}
		has_git = true;
	}
	const char *names[] = {ch->lex, ch->real};
	struct progid_file prog = {.path = view, .st = ch->p.st};
	struct policy_event ev = {.kind = POLICY_EV_EXEC,
				  .path = ch->real,
				  .argv = ch->argv,
				  .argc = ch->argc,
				  .names = names,
				  .nnames = 2,
				  .cwd = cwd,
				  .prog =
				      S_ISREG(ch->p.st.st_mode) ? &prog : NULL};
	struct policy_decision d, dl;
	git_exec_decide(s->policy, &ev, has_git ? &op : NULL, &d, NULL);
	/* what git does depends on argv (and its environment) */
	if (c->notified)
		ch->argv_dep |=
		    has_git || policy_exec_argv_dependent(s->policy, &ev, &d);
	if (strcmp(ch->lex, ch->real)) {
		ev.path = ch->lex;
		git_exec_decide(s->policy, &ev, has_git ? &op : NULL, &dl,
				NULL);
		if (c->notified)
			ch->argv_dep |=
			    policy_exec_argv_dependent(s->policy, &ev, &dl);
		outcome_spelled(&d, &dl);
	}
	outcome_combine(&ch->o->d, &ch->have, &d);
	if (has_git && ch->o->d.matched == POLICY_EV_GIT)
		ch->o->kind = "git";
	if (has_git) {
		git_facts(ch->o, &op);
		watch_push(ch, wit);
		git_op_free(&op);
	}
}

/* What a caller that could race must be running once the kernel has done
 * the exec (see struct outcome): the link at hand is the file the kernel
 * maps, its argv the chain's argv there; the scripts in it spelled as the
 * kernel spells them. Left unknown (the exec cannot be checked) when it
 * does not fit. */
static void exec_expect(struct chain *ch)
{
	struct outcome *o = ch->o;
	const struct req *q = ch->q;
	const struct stat *st = &ch->p.st;
	o->exe_known = false;
	if (st->st_ino == 0 || q->argc == 0 || ch->argc < q->argc)
		return;
	size_t npre = ch->argc - (q->argc - 1), len = 0;
	for (size_t i = 0; i < npre; i++) {
		const char *e = ch->argv[i];
		for (size_t j = 0; j < ch->nk; j++)
			if (e == ch->kfrom[j])
				e = ch->kto[j];
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

/* The program the link at hand makes the kernel run next (a script's
 * interpreter, the program ld.so is asked to load), with argv as the
 * kernel passes it; NULL: the chain ends here. */
static const char *chain_next(struct chain *ch, int depth,
			      const char *view_real)
{
	if (ch->p.script) {
		/* the kernel runs: interp [arg] script args... (at most two
		 * more entries per level, room reserved). It passes the script
		 * on by the name it was run by: the caller's path for the
		 * first, the shebang's spelling for the next (exec_expect) */
		snprintf(lv[depth].script, sizeof(lv[depth].script), "%s",
			 ch->lex);
		snprintf(lv[depth].kscript, sizeof(lv[depth].kscript), "%s",
			 depth ? lv[depth - 1].interp
			       : (ch->q->kname ? ch->q->kname : ch->q->path));
		ch->kfrom[ch->nk] = lv[depth].script;
		ch->kto[ch->nk++] = lv[depth].kscript;
		size_t extra = lv[depth].iarg[0] ? 2 : 1;
		memmove(ch->argv + extra + 1, ch->argv + 1,
			(ch->argc - 1) * sizeof(*ch->argv));
		ch->argv[0] = lv[depth].interp;
		if (lv[depth].iarg[0])
			ch->argv[1] = lv[depth].iarg;
		ch->argv[extra] = lv[depth].script;
		ch->argc += extra;
		return lv[depth].interp;
	}
	if (ch->p.loader < 0) {
		ch->p.loader = sys_is_loader_file(view_real, &ch->p.st);
		prog_note_loader(ch->lex, &ch->p);
	}
	if (!ch->p.loader)
		return NULL;
	int pi = loader_prog_index(ch->argv, ch->argc);
	if (pi < 0)
		return NULL;
	const char *next = ch->argv[pi];
	memmove(ch->argv, ch->argv + pi,
		(ch->argc - (size_t)pi) * sizeof(*ch->argv));
	ch->argc -= (size_t)pi;
	return next;
}

/* Every link of the chain the kernel would follow decided, from the first
 * (found already): what the exec would really run is never unknown. */
static int chain_decide(struct chain *ch)
{
	struct outcome *o = ch->o;
	for (int depth = 0;; depth++) {
		if (depth == EXEC_CHAIN_MAX) {
			/* deeper than policyd follows: never run undecided */
			outcome_deny(o, "exec-chain",
				     "too many interpreters in a row");
			break;
		}
		ch->p.interp = lv[depth].interp;
		ch->p.iarg = lv[depth].iarg;
		int r;
		if (depth > 0 &&
		    (r = program_info(ch->c, ch->lex, &ch->p)) < 0) {
			snprintf(o->target, sizeof(o->target), "%.4000s",
				 ch->lex);
			return r;
		}
		size_t dl = strlen(o->detail);
		if (depth > 0 && dl)
			snprintf(o->detail + dl, sizeof(o->detail) - dl,
				 ", %.400s", ch->real);
		else if (depth > 0)
			snprintf(o->detail, sizeof(o->detail), "runs %.480s",
				 ch->real);
		char view_real[TG_PATH_MAX + 32];
		chase_view(ch->c, ch->real, view_real, sizeof(view_real));
		/* git by content, or anything run under the name git (a
		 * wrapper, a modified copy): the git rules decide it too */
		bool git = sys_is_git_file(view_real, &ch->p.st) ||
			   !strcmp(tg_basename(ch->lex), "git") ||
			   !strcmp(tg_basename(ch->real), "git");
		/* git-filter-branch, git-submodule, ... in git's exec path:
		 * what `git NAME` runs (a copy elsewhere is a program of its
		 * own: docs/threat-model.md) */
		bool core =
		    !git && ch->argc && sys_is_git_core_program(ch->real);
		if (git || core)
			rtcount_retag(RT_EXEC, RT_GIT);
		decide_program(ch, git || core,
			       core ? tg_basename(ch->real) : NULL, view_real);
		if (ch->c->notified && !ch->p.script && !ch->exe_seen) {
			ch->exe_seen = true;
			exec_expect(ch);
		}
		const char *next = chain_next(ch, depth, view_real);
		if (!next)
			break;
		char nlex[TG_PATH_MAX];
		if ((r = chase(ch->c, AT_FDCWD, next, 0, nlex)) < 0) {
			snprintf(o->target, sizeof(o->target), "%.4000s", next);
			return r;
		}
		tg_strlcpy(ch->lex, sizeof(ch->lex), nlex);
	}
	o->argv_dep = ch->argv_dep;
	return 0;
}

int decide_exec(struct caller *c, const struct req *q, struct outcome *o)
{
	struct chain ch;
	o->kind = "exec";
	if (!q->has_path || q->argc == 0)
		return -EBADMSG;
	int r = chase(c, q->dirfd, q->path, 0, ch.lex);
	if (r < 0) {
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		return r;
	}
	ch.p = (struct program){
	    .real = ch.real, .interp = lv[0].interp, .iarg = lv[0].iarg};
	if ((r = program_info(c, ch.lex, &ch.p)) < 0) {
		tg_strlcpy(o->target, sizeof(o->target), ch.lex);
		return r;
	}
	tg_strlcpy(o->target, sizeof(o->target), ch.real);
	tg_strlcpy(o->object, sizeof(o->object), ch.real);
	/* a child of a push: the push's transport (or its hook) */
	char why[256];
	if (gitwatch_check(c, why, sizeof(why)) == 1) {
		outcome_deny(o, "git_race",
			     "git read files other than those its push was "
			     "decided on (another process changed them in "
			     "between); run the push again");
		snprintf(o->detail, sizeof(o->detail), "changed: %.400s", why);
		return 0;
	}

	/* a memfd or a deleted file has no path a rule could name */
	size_t rl = strlen(ch.real);
	bool unnamed = !strncmp(ch.real, "/memfd:", 7) ||
		       (rl > 10 && !strcmp(ch.real + rl - 10, " (deleted)"));
	if (unnamed && !policy_settings(c->s->policy)->exec_unnamed) {
		outcome_deny(o, "exec_unnamed",
			     "programs without a file name (memfd, deleted "
			     "files) may not be run (settings.exec_unnamed)");
		return 0;
	}
	if (ch.p.absent && !unnamed) {
		/* nothing to run: the kernel's own answer, with no refusal
		 * line (execvp and posix_spawnp try every PATH directory) */
		o->absent = ch.p.absent;
		return ch.p.absent;
	}
	/* the chain the kernel would follow: scripts to their interpreter,
	 * ld.so to the program it loads; every link is decided */
	static const char *argv[TGP_MAX_ARGS + 2 * EXEC_CHAIN_MAX + 1];
	if (q->argc > TGP_MAX_ARGS)
		return -E2BIG;
	memcpy(argv, q->argv, q->argc * sizeof(*argv));
	ch.c = c;
	ch.q = q;
	ch.o = o;
	ch.wd.c = c;
	ch.wd.have = false;
	ch.argv = argv;
	ch.argc = q->argc;
	ch.nk = 0;
	ch.have = ch.argv_dep = ch.exe_seen = false;
	return chain_decide(&ch);
}
