/* SPDX-License-Identifier: MIT */
/*
 * policy_grants: standing answers to prompts and their overlay file (see
 * policy_grants.h). The overlay is YAML written by policyd itself:
 *
 *   version: 1
 *   grants:
 *     - { id: always-1, rule: R, kind: exec, target: "/usr/bin/git",
 *         argv: ["git", "push"], access: "", by: alice, uid: 1000,
 *         made: "2026-12-06T02:30:00Z" }
 *
 * Read with the same YAML reader and caps as policies; everything the
 * file says is checked (a grant is an approval: a corrupt one is none).
 */
#include "policy_grants.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "glob.h"
#include "policy.h"
#include "util.h"

int policy_grants_path(const char *policy_path, char *buf, size_t sz)
{
	size_t l = strlen(policy_path);
	if (l > 5 && !strcmp(policy_path + l - 5, ".yaml"))
		l -= 5;
	else if (l > 4 && !strcmp(policy_path + l - 4, ".yml"))
		l -= 4;
	if ((size_t)snprintf(buf, sz, "%.*s.grants.yaml", (int)l,
			     policy_path) >= sz)
		return -ENAMETOOLONG;
	return 0;
}

/* ------------------------------------------------------ one grant */

/* Calls decided with their argv: an exec, and git (an exec of git
 * decided by the git rules) */
static bool is_exec(const char *kind)
{
	return kind && (!strcmp(kind, "exec") || !strcmp(kind, "git"));
}

static void like_free(struct policy_grant *g)
{
	for (size_t i = 0; i < g->ntok; i++)
		glob_free(g->tok[i]);
	free(g->tok);
	glob_free(g->glob);
	g->tok = NULL;
	g->ntok = 0;
	g->glob = NULL;
}

/* What g holds (not g itself). */
static void grant_clear(struct policy_grant *g)
{
	like_free(g);
	free(g->id);
	free(g->rule);
	free(g->kind);
	free(g->target);
	tg_strv_free(g->argv);
	free(g->like);
	free(g->by);
	free(g->made);
	memset(g, 0, sizeof(*g));
}

void policy_grant_free(struct policy_grant *g)
{
	if (!g)
		return;
	grant_clear(g);
	free(g);
}

/* g->like compiled into g->tok / g->glob. 0 or -EINVAL (*ret_err). */
static int like_compile(struct policy_grant *g, const char **ret_err)
{
	const char *err = NULL;
	size_t pos;
	if (!is_exec(g->kind)) {
		enum glob_mode m = g->target && g->target[0] == '/'
				       ? GLOB_PATH
				       : GLOB_NAME;
		if (glob_compile(g->like, m, &g->glob, &err, &pos) < 0) {
			*ret_err = err ? err : "bad glob";
			return -EINVAL;
		}
		return 0;
	}
	char **w = NULL;
	size_t nw = 0;
	if (tg_split_words(g->like, true, &w, &nw) < 0 || !nw) {
		tg_strv_free(w);
		*ret_err = "an argv pattern: the program's name then its "
			   "arguments (quotes work as in a shell)";
		return -EINVAL;
	}
	g->tok = calloc(nw, sizeof(*g->tok));
	if (!g->tok) {
		tg_strv_free(w);
		return -ENOMEM;
	}
	g->ntok = nw;
	int r = 0;
	for (size_t i = 0; i < nw && r == 0; i++)
		if (strcmp(w[i], "**") &&
		    glob_compile(w[i], GLOB_TOKEN, &g->tok[i], &err, &pos) < 0) {
			*ret_err = err ? err : "bad glob";
			r = -EINVAL;
		}
	tg_strv_free(w);
	if (r < 0)
		like_free(g); /* a token left NULL must not act as "**" */
	return r;
}

/* argv[j] against token t: the first argument as its basename unless t
 * has a '/' (the program's path is compared exactly besides) */
static bool like_tok(const struct glob *t, size_t j, void *ctx)
{
	const char *a = ((const char *const *)ctx)[j];
	if (j == 0 && !strchr(glob_source(t), '/'))
		a = tg_basename(a);
	return glob_match(t, a);
}

/* The argv pattern's tokens against argv (glob_tokens_match). */
static bool argv_like(const struct policy_grant *g, const char *const *argv,
		      size_t argc)
{
	return glob_tokens_match(g->tok, g->ntok, argc, like_tok,
				 (void *)argv);
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

bool policy_grant_matches(const struct policy_grant *g,
			  const struct policy_grant_call *c)
{
	if (!str_eq(g->rule, c->rule) || !str_eq(g->kind, c->kind) ||
	    g->access != c->access || g->access2 != c->access2)
		return false;
	if (g->like && !is_exec(g->kind))
		return g->glob && c->target && glob_match(g->glob, c->target);
	if (!str_eq(g->target, c->target))
		return false;
	if (!is_exec(g->kind))
		return true;
	if (g->like)
		return g->tok && c->argc && argv_like(g, c->argv, c->argc);
	if (g->argc != c->argc)
		return false;
	for (size_t i = 0; i < g->argc; i++)
		if (!str_eq(g->argv[i], c->argv[i]))
			return false;
	return true;
}

int policy_grant_new(const struct policy_grant_call *c, const char *like,
		     struct policy_grant **ret, const char **ret_err)
{
	struct policy_grant *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->rule = strdup(c->rule ? c->rule : "");
	g->kind = strdup(c->kind ? c->kind : "");
	g->target = strdup(c->target ? c->target : "");
	g->access = c->access;
	g->access2 = c->access2;
	g->argv = is_exec(c->kind) ? tg_strv_dup(c->argv, c->argc) : NULL;
	g->argc = g->argv ? c->argc : 0;
	g->like = like ? strdup(like) : NULL;
	if (!g->rule || !g->kind || !g->target || (like && !g->like) ||
	    (is_exec(c->kind) && !g->argv)) {
		policy_grant_free(g);
		return -ENOMEM;
	}
	int r = like ? like_compile(g, ret_err) : 0;
	if (r == 0 && like && !policy_grant_matches(g, c)) {
		*ret_err = "the pattern does not cover the call asked about";
		r = -EINVAL;
	}
	if (r < 0) {
		policy_grant_free(g);
		return r;
	}
	*ret = g;
	return 0;
}

void policy_grant_describe(const struct policy_grant *g, char *buf, size_t sz)
{
	char acc[64] = "", acc2[64] = "";
	policy_access_format(g->access, acc, sizeof(acc));
	policy_access_format(g->access2, acc2, sizeof(acc2));
	char a[160] = "";
	if (acc[0] || acc2[0])
		snprintf(a, sizeof(a), " (%s%s%s)", acc, acc2[0] ? "; " : "",
			 acc2);
	if (g->like && is_exec(g->kind))
		snprintf(buf, sz, "%s like '%s' (program %s), rule %s",
			 g->kind, g->like, g->target, g->rule);
	else if (g->like)
		snprintf(buf, sz, "%s like '%s'%s, rule %s", g->kind, g->like,
			 a, g->rule);
	else if (is_exec(g->kind)) {
		char cl[1024];
		tg_argv_quote(cl, sizeof(cl), (const char *const *)g->argv,
			      g->argc);
		snprintf(buf, sz, "%s %s (program %s), rule %s", g->kind, cl,
			 g->target, g->rule);
	} else
		snprintf(buf, sz, "%s %s%s, rule %s", g->kind, g->target, a,
			 g->rule);
}

/* ------------------------------------------------------ the overlay */

void policy_grants_free(struct policy_grants *gs)
{
	if (!gs)
		return;
	for (size_t i = 0; i < gs->n; i++)
		grant_clear(&gs->v[i]);
	free(gs->v);
	gs->v = NULL;
	gs->n = 0;
}

int policy_grants_add(struct policy_grants *gs, struct policy_grant *g)
{
	if (gs->n >= POLICY_GRANTS_MAX)
		return -ENOSPC;
	struct policy_grant *v = realloc(gs->v, (gs->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	gs->v = v;
	gs->v[gs->n++] = *g;
	memset(g, 0, sizeof(*g));
	return 0;
}

const struct policy_grant *
policy_grants_find(const struct policy_grants *gs,
		   const struct policy_grant_call *c)
{
	for (size_t i = 0; gs && i < gs->n; i++)
		if (policy_grant_matches(&gs->v[i], c))
			return &gs->v[i];
	return NULL;
}

static int bad(struct yerror *err, const struct ynode *n, const char *fmt,
	       const char *what)
{
	err->line = n ? n->line : 1;
	err->col = n ? n->col : 1;
	snprintf(err->msg, sizeof(err->msg), fmt, what);
	return -EINVAL;
}

/* A scalar field (NULL when absent and optional). */
static int field_str(const struct ynode *m, const char *key, bool need,
		     char **ret, struct yerror *err)
{
	const struct ynode *v = ytree_get(m, key);
	if (!v) {
		if (need)
			return bad(err, m, "grant without '%s'", key);
		return 0;
	}
	if (v->type != YN_SCALAR || memchr(v->str, 0, v->len))
		return bad(err, v, "'%s' must be a string", key);
	if (!(*ret = strdup(v->str)))
		return -ENOMEM;
	return 0;
}

static int parse_access(const struct ynode *m, const char *key,
			unsigned *ret, struct yerror *err)
{
	_cleanup_free_ char *s = NULL;
	int r = field_str(m, key, false, &s, err);
	if (r < 0 || !s)
		return r;
	unsigned acc = 0;
	for (char *save = NULL, *t = strtok_r(s, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0;
		for (unsigned i = 0; i < 5 && !bit; i++) {
			char name[32];
			policy_access_format(1u << i, name, sizeof(name));
			if (!strcmp(name, t))
				bit = 1u << i;
		}
		if (!bit)
			return bad(err, ytree_get(m, key),
				   "unknown access in '%s'", key);
		acc |= bit;
	}
	*ret = acc;
	return 0;
}

static int parse_argv(const struct ynode *m, struct policy_grant *g,
		      struct yerror *err)
{
	const struct ynode *v = ytree_get(m, "argv");
	if (!v)
		return g->like ? 0 : bad(err, m, "exec grant without '%s'",
					 "argv");
	if (v->type != YN_SEQ || !v->n || v->n > 4096)
		return bad(err, v, "'%s' must be a list of strings", "argv");
	g->argv = calloc(v->n + 1, sizeof(*g->argv));
	if (!g->argv)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *a = v->items[i];
		if (a->type != YN_SCALAR || memchr(a->str, 0, a->len))
			return bad(err, a, "'%s' must be a list of strings",
				   "argv");
		if (!(g->argv[i] = strdup(a->str)))
			return -ENOMEM;
		g->argc++;
	}
	return 0;
}

static int parse_one(const struct ynode *m, struct policy_grant *g,
		     struct yerror *err)
{
	if (m->type != YN_MAP)
		return bad(err, m, "a grant is a mapping%s", "");
	static const char *const known[] = {
	    "id", "rule", "kind", "target", "argv", "like",
	    "access", "access2", "by", "uid", "made"};
	for (size_t i = 0; i < m->n; i += 2) {
		size_t k = 0;
		while (k < TG_ARRAY_SIZE(known) &&
		       strcmp(m->items[i]->str ? m->items[i]->str : "",
			      known[k]))
			k++;
		if (k == TG_ARRAY_SIZE(known))
			return bad(err, m->items[i], "unknown field '%.100s'",
				   m->items[i]->str ? m->items[i]->str : "");
	}
	g->line = m->line;
	_cleanup_free_ char *uid = NULL;
	int r;
	if ((r = field_str(m, "id", true, &g->id, err)) < 0 ||
	    (r = field_str(m, "rule", true, &g->rule, err)) < 0 ||
	    (r = field_str(m, "kind", true, &g->kind, err)) < 0 ||
	    (r = field_str(m, "target", true, &g->target, err)) < 0 ||
	    (r = field_str(m, "like", false, &g->like, err)) < 0 ||
	    (r = field_str(m, "by", false, &g->by, err)) < 0 ||
	    (r = field_str(m, "made", false, &g->made, err)) < 0 ||
	    (r = field_str(m, "uid", false, &uid, err)) < 0 ||
	    (r = parse_access(m, "access", &g->access, err)) < 0 ||
	    (r = parse_access(m, "access2", &g->access2, err)) < 0)
		return r;
	if (is_exec(g->kind) && (r = parse_argv(m, g, err)) < 0)
		return r;
	uint64_t u = 0;
	if (uid && tg_parse_u64(uid, UINT32_MAX - 1, &u) < 0)
		return bad(err, ytree_get(m, "uid"), "bad '%s'", "uid");
	g->uid = (uid_t)u;
	const char *why = NULL;
	if (g->like && (r = like_compile(g, &why)) < 0) {
		if (r == -ENOMEM)
			return r;
		return bad(err, ytree_get(m, "like"), "bad pattern: %s", why);
	}
	return 0;
}

int policy_grants_load(const char *path, struct policy_grants *ret,
		       struct yerror *err)
{
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	struct ytree *t = NULL;
	int r = ytree_load_file(path, &t, err);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	struct policy_grants gs = {0};
	const struct ynode *root = t->root, *v = NULL, *list = NULL;
	if (!root || root->type != YN_MAP) {
		r = bad(err, root, "an overlay is a mapping with "
				   "'version: 1' and 'grants:'%s", "");
		goto out;
	}
	v = ytree_get(root, "version");
	list = ytree_get(root, "grants");
	if (!v || v->type != YN_SCALAR || strcmp(v->str, "1")) {
		r = bad(err, v ? v : root, "'version: 1' expected%s", "");
		goto out;
	}
	if (list && ynode_is_null(list))
		list = NULL;
	if (list && (list->type != YN_SEQ || list->n > POLICY_GRANTS_MAX)) {
		r = bad(err, list, "'grants' must be a list (at most 4096)%s",
			"");
		goto out;
	}
	for (size_t i = 0; list && i < list->n; i++) {
		struct policy_grant g = {0};
		r = parse_one(list->items[i], &g, err);
		if (r == 0)
			r = policy_grants_add(&gs, &g);
		if (r < 0) {
			grant_clear(&g);
			goto out;
		}
	}
	*ret = gs;
	gs = (struct policy_grants){0};
	r = 0;
out:
	ytree_free(t);
	policy_grants_free(&gs);
	return r;
}

/* s as a YAML double-quoted scalar: '"' and '\' escaped, control bytes
 * as \xHH; other bytes as they are (the reader refuses invalid UTF-8, and
 * the file is read back before it replaces the old one). */
static void yaml_str(struct strbuf *b, const char *s)
{
	strbuf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(b, "\\x%02x", *p);
		else
			strbuf_putc(b, (char)*p);
	}
	strbuf_putc(b, '"');
}

static void write_one(struct strbuf *b, const struct policy_grant *g)
{
	char acc[64] = "", acc2[64] = "";
	policy_access_format(g->access, acc, sizeof(acc));
	policy_access_format(g->access2, acc2, sizeof(acc2));
	strbuf_puts(b, "  - id: ");
	yaml_str(b, g->id ? g->id : "");
	const struct {
		const char *k, *v;
	} f[] = {{"rule", g->rule},     {"kind", g->kind},
		 {"target", g->target}, {"like", g->like},
		 {"access", acc},	{"access2", acc2},
		 {"by", g->by},		{"made", g->made}};
	for (size_t i = 0; i < TG_ARRAY_SIZE(f); i++) {
		if (!f[i].v || (!f[i].v[0] && i >= 4))
			continue;
		strbuf_printf(b, "\n    %s: ", f[i].k);
		yaml_str(b, f[i].v);
	}
	strbuf_printf(b, "\n    uid: %u", (unsigned)g->uid);
	if (g->argv) {
		strbuf_puts(b, "\n    argv: [");
		for (size_t i = 0; i < g->argc; i++) {
			if (i)
				strbuf_puts(b, ", ");
			yaml_str(b, g->argv[i]);
		}
		strbuf_putc(b, ']');
	}
	strbuf_putc(b, '\n');
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int policy_grants_write(const char *path, const struct policy_grants *gs)
{
	struct strbuf b = {0};
	strbuf_puts(&b, "# tiergate grants: written by policyd for "
			"'policyctl approve --always'.\n# Each answers "
			"prompts of its rule only; policyctl revoke "
			"always-N takes one out.\nversion: 1\ngrants:\n");
	for (size_t i = 0; i < gs->n; i++)
		write_one(&b, &gs->v[i]);
	if (b.oom) {
		strbuf_free(&b);
		return -ENOMEM;
	}
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >=
	    sizeof(tmp)) {
		strbuf_free(&b);
		return -ENAMETOOLONG;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	int r = fd < 0 ? -errno : 0;
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(fd, b.s, b.len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	strbuf_free(&b);
	/* read back: what replaces the overlay must load, whole */
	struct policy_grants back = {0};
	struct yerror e;
	if (r == 0 && (policy_grants_load(tmp, &back, &e) < 0 ||
		       back.n != gs->n))
		r = -EILSEQ;
	policy_grants_free(&back);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		if (fd >= 0)
			unlink(tmp);
		return r;
	}
	char dir[4096];
	tg_strlcpy(dir, sizeof(dir), path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	r = fsync(dfd) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

int policy_grants_remove(struct policy_grants *gs, const char *id)
{
	for (size_t i = 0; i < gs->n; i++)
		if (gs->v[i].id && !strcmp(gs->v[i].id, id)) {
			grant_clear(&gs->v[i]);
			memmove(&gs->v[i], &gs->v[i + 1],
				(gs->n - i - 1) * sizeof(*gs->v));
			gs->n--;
			return 0;
		}
	return -ENOENT;
}
