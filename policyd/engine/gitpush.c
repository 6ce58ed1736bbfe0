/* SPDX-License-Identifier: MIT */
/*
 * gitpush: what a push sends where, as builtin/push.c, transport.c,
 * remote.c and refspec.c decide it. One event per (destination, ref
 * update, name the update may land on):
 *
 *  - destinations: the remote (or remote group) named on the command line,
 *    by --repo, or chosen by default (branch.B.pushRemote,
 *    remote.pushDefault, branch.B.remote, origin), each of its push URLs;
 *    and every configured remote one of those URLs equals (the same
 *    repository under another name is the same remote);
 *  - ref updates: the refspecs given (the last ':' splits, '+' forces, an
 *    empty source deletes, "tag X", "@", globs, ':' matching), or
 *    remote.NAME.push, or push.default (matching, current, simple,
 *    upstream); --all, --mirror, --tags, --delete, --prune, --force,
 *    --force-with-lease; a source with no destination lands where the
 *    local ref it names resolves to (through symrefs), or where
 *    remote.NAME.push or push.default=upstream map it;
 *  - names: a destination git resolves against the remote's refs, which
 *    tiergate cannot see ("heads/main" is main, "main" may be refs/heads/
 *    main or refs/tags/main): every name it may be.
 */
#include <errno.h>
#include <string.h>

#include "gitpushint.h"

/* ------------------------------------------------------------- events */

/* The configured remotes' URLs in comparable form, computed once. */
struct known {
	char *name, *url, *norm;
};

struct knowns {
	struct known *v;
	size_t n, cap;
	bool done;
};

static void knowns_free(struct knowns *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].name);
		free(k->v[i].url);
		free(k->v[i].norm);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int knowns_add(struct knowns *k, const char *name, const char *url,
		      const char *norm)
{
	if (tg_grow((void **)&k->v, &k->cap, k->n + 1, sizeof(*k->v)) < 0)
		return -ENOMEM;
	struct known *e = &k->v[k->n];
	e->name = strdup(name);
	e->url = strdup(url);
	e->norm = strdup(norm);
	if (!e->name || !e->url || !e->norm) {
		free(e->name);
		free(e->url);
		free(e->norm);
		return -ENOMEM;
	}
	k->n++;
	return 0;
}

static int knowns_load(struct pctx *p, struct knowns *k)
{
	k->done = true;
	char **names = NULL;
	size_t nn = 0;
	if (gitremote_names(p->rd->cfg, &names, &nn) < 0)
		return -ENOMEM;
	int ret = 0;
	if (nn >= GIT_REMOTES_MAX)
		gitevs_unsure(p->out, "too many remotes to compare");
	for (size_t i = 0; i < nn && !ret; i++) {
		struct gitremote r;
		if (gitremote_get(&p->rx, names[i], false, &r) < 0) {
			ret = -ENOMEM;
			break;
		}
		for (int list = 0; list < 2 && !ret; list++) {
			char **v = list ? r.pushurl : r.url;
			size_t n = list ? r.npushurl : r.nurl;
			for (size_t j = 0; j < n && !ret; j++) {
				if (k->n >= GIT_KNOWN_URLS_MAX) {
					gitevs_unsure(p->out,
						      "too many remote "
						      "URLs to compare");
					break;
				}
				char norm[TG_PATH_MAX];
				gitremote_url_normal(p->rd->fs, v[j],
						     p->rd->cwd, norm,
						     sizeof(norm));
				ret = knowns_add(k, r.name, v[j], norm);
			}
		}
		gitremote_free(&r);
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return ret;
}

struct dest {
	const char *remote; /* NULL: a URL given */
	const char *url;
};

static void emit_one(struct pctx *p, const struct dest *d, const struct upd *x,
		     const char *name, bool all)
{
	struct git_event *ev = gitevs_add(p->out, "push");
	if (!ev)
		return;
	gitevs_set(p->out, &ev->remote, d->remote);
	gitevs_set(p->out, &ev->remote_url, d->url);
	if (name)
		gitevs_branch(p->out, ev, name);
	ev->all_branches = all || !name;
	ev->force = x->force;
	ev->delete_refs = x->del;
}

static size_t count_events(const struct upds *u)
{
	size_t n = 0;
	for (size_t i = 0; i < u->n; i++)
		n += u->v[i].n + (u->v[i].all || !u->v[i].n ? 1 : 0);
	return n;
}

/* Every update to d, one event per name (or, past the cap, one event
 * for all of them). */
static void emit_dest(struct pctx *p, const struct dest *d,
		      const struct upds *u, size_t budget)
{
	if (count_events(u) > budget) {
		struct upd all = {.all = true};
		for (size_t i = 0; i < u->n; i++) {
			all.force |= u->v[i].force;
			all.del |= u->v[i].del;
		}
		emit_one(p, d, &all, NULL, true);
		return;
	}
	for (size_t i = 0; i < u->n; i++) {
		const struct upd *x = &u->v[i];
		for (size_t k = 0; k < x->n; k++)
			emit_one(p, d, x, x->name[k], false);
		if (x->all || !x->n)
			emit_one(p, d, x, NULL, true);
	}
}

/* Destinations of one push URL: as given, and every configured remote
 * with that URL. */
static int emit_url(struct pctx *p, struct knowns *k, const char *remote,
		    const char *url, const struct upds *u)
{
	if (!url) { /* git stops (usage): the name alone, if any */
		struct dest d = {remote, NULL};
		emit_dest(p, &d, u, GIT_OP_EVENTS_MAX);
		return p->out->oom ? -ENOMEM : 0;
	}
	if (!k->done && knowns_load(p, k) < 0)
		return -ENOMEM;
	char norm[TG_PATH_MAX];
	gitremote_url_normal(p->rd->fs, url, p->rd->cwd, norm, sizeof(norm));
	struct dest ds[2 + GIT_REMOTES_MAX];
	size_t nd = 0;
	ds[nd++] = (struct dest){remote, url};
	/* a remote whose name looks like a path or URL ("./x", "a:b"): a
	 * pattern meant for URLs would match its name; the URL alone too */
	if (remote && (strpbrk(remote, "/:") || !strcmp(remote, ".") ||
		       !strcmp(remote, "..")))
		ds[nd++] = (struct dest){NULL, url};
	for (size_t i = 0; i < k->n && nd < TG_ARRAY_SIZE(ds); i++) {
		if (strcmp(k->v[i].norm, norm) ||
		    (remote && !strcmp(remote, k->v[i].name)))
			continue;
		bool dup = false;
		for (size_t j = 1; j < nd && !dup; j++)
			dup = !strcmp(ds[j].remote, k->v[i].name) &&
			      !strcmp(ds[j].url, k->v[i].url);
		if (!dup)
			ds[nd++] = (struct dest){k->v[i].name, k->v[i].url};
	}
	size_t room =
	    GIT_OP_EVENTS_MAX > p->out->n ? GIT_OP_EVENTS_MAX - p->out->n : 0;
	size_t per = nd ? room / nd : 0;
	for (size_t i = 0; i < nd; i++)
		emit_dest(p, &ds[i], u, per ? per : 1);
	return p->out->oom ? -ENOMEM : 0;
}

/* A push to remote (its push URLs) with updates u. */
static int emit_remote(struct pctx *p, struct knowns *k,
		       const struct gitremote *r, const struct upds *u)
{
	size_t n;
	char **urls = gitremote_push_urls(r, &n);
	if (r->capped || n > GIT_URLS_MAX)
		gitevs_unsure(p->out, "too many URLs");
	if (r->bad_config)
		gitevs_unsure(p->out, "remote config git refuses");
	const char *name = r->is_url ? NULL : r->name;
	if (!n) {
		/* no URL: git stops; the name alone, in case it does not */
		struct dest d = {name ? name : r->name, NULL};
		emit_dest(p, &d, u, 1);
		return p->out->oom ? -ENOMEM : 0;
	}
	for (size_t i = 0; i < n && i < GIT_URLS_MAX; i++)
		if (emit_url(p, k, name, urls[i], u) < 0)
			return -ENOMEM;
	return 0;
}

/* ------------------------------------------------------------ commands */

static void fold_flags(struct pctx *p, const struct gitopt_result *o,
		       const char **repo)
{
	for (size_t i = 0; i < o->nhits; i++) {
		const struct gitopt_hit *h = &o->hits[i];
		bool on = !h->unset;
		switch (h->id) {
		case GO_FORCE:
			p->force = on;
			break;
		case GO_MIRROR: /* OPT_BIT(MIRROR|FORCE): unset clears both */
			p->mirror = on;
			p->force = on;
			break;
		case GO_ALL:
			p->all = on;
			break;
		case GO_DELETE:
			p->deleterefs = on;
			break;
		case GO_TAGS:
			p->tags = on;
			break;
		case GO_PRUNE:
			p->prune = on;
			break;
		case GO_FORCE_LEASE:
			p->lease = on;
			break;
		case GO_REPO:
		case GO_REMOTE:
			*repo = on ? h->value : NULL;
			break;
		default:
			break;
		}
	}
}

/* remotes.GROUP: the members, as newer git expands a group name */
static int group_members(const struct gitcfg *c, const char *name, char ***ret,
			 size_t *ret_n)
{
	char key[1100];
	snprintf(key, sizeof(key), "remotes.%s", name);
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].key, key) || !c->v[i].value)
			continue;
		const char *s = c->v[i].value;
		while (*s) {
			size_t w = strcspn(s, " \t\n");
			if (w) {
				char m[1024];
				snprintf(m, sizeof(m), "%.*s", (int)w, s);
				if (*ret_n < GIT_REMOTES_MAX &&
				    tg_strv_push(ret, ret_n, m, true) < 0)
					return -ENOMEM;
			}
			s += w + (s[w] != '\0');
		}
	}
	return 0;
}

static void push_cmd(struct pctx *p, const struct gitopt_result *o)
{
	const char *repo = NULL;
	fold_flags(p, o, &repo);
	if (o->nargs > 0)
		repo = o->args[0];
	const char *const *refs = o->nargs > 1 ? o->args + 1 : NULL;
	size_t nrefs = o->nargs > 1 ? o->nargs - 1 : 0;
	char **names = NULL;
	size_t nn = 0;
	bool given = true;
	int r = 0;
	if (repo) {
		r = tg_strv_push(&names, &nn, repo, true);
		if (!r)
			r = group_members(p->rd->cfg, repo, &names, &nn);
	} else {
		r = gitremote_default(&p->rx, true, &names, &nn, &given);
	}
	struct knowns k = {0};
	if (nn > GIT_READINGS_MAX)
		gitevs_unsure(p->out, "remote group too large");
	for (size_t i = 0; !r && i < nn && i < GIT_READINGS_MAX; i++) {
		struct gitremote rem;
		if (gitremote_get(&p->rx, names[i], given || i > 0, &rem) < 0) {
			r = -ENOMEM;
			break;
		}
		/* remote.NAME.vcs: git runs git-remote-VCS on the URL, which
		 * then says where it goes (remote-ext runs any command) */
		if (rem.foreign_vcs)
			gitevs_unsure(p->out, "a remote with remote.NAME.vcs");
		struct upds u = {0};
		gitpush_updates(p, &rem, refs, nrefs, &u);
		r = u.oom ? -ENOMEM : emit_remote(p, &k, &rem, &u);
		gitpush_upds_free(&u);
		gitremote_free(&rem);
	}
	if (r < 0)
		p->out->oom = true;
	knowns_free(&k);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
}

/* send-pack [--remote=R] DEST [REFS...]: DEST as written (no remote
 * lookup, no insteadOf); refs from stdin are not known. */
static void send_pack_cmd(struct pctx *p, const struct gitopt_result *o)
{
	const char *remote = NULL;
	fold_flags(p, o, &remote);
	bool from_stdin = false;
	for (size_t i = 0; i < o->nhits; i++)
		if (o->hits[i].id == GO_STDIN)
			from_stdin = !o->hits[i].unset;
	struct upds u = {0};
	const char *const *refs = o->nargs > 1 ? o->args + 1 : NULL;
	size_t nrefs = o->nargs > 1 ? o->nargs - 1 : 0;
	p->deleterefs = p->tags = false;
	p->remote = NULL;
	for (size_t i = 0; i < nrefs && i < GIT_REFSPECS_MAX; i++)
		gitpush_refspec(p, &u, refs[i], false);
	if (from_stdin || p->all || p->mirror || !nrefs) {
		struct upd *x = gitpush_upd_new(
		    &u, p->force || p->mirror || p->lease || from_stdin,
		    p->mirror || from_stdin);
		if (x)
			x->all = true;
	}
	struct knowns k = {0};
	if (!u.oom &&
	    emit_url(p, &k, remote, o->nargs ? o->args[0] : NULL, &u) < 0)
		p->out->oom = true;
	if (u.oom)
		p->out->oom = true;
	knowns_free(&k);
	gitpush_upds_free(&u);
}

/* http-push [--all] [--force] [-d|-D] [--helper-status] URL REFS...: its
 * own exact-match options; the first other argument is the URL, the rest
 * are refspecs. */
static void http_push_cmd(struct pctx *p, const char *const *args, size_t nargs)
{
	const char *url = NULL;
	bool del = false;
	struct upds u = {0};
	size_t i = 0;
	for (; i < nargs; i++) {
		const char *a = args[i];
		if (a[0] == '-') {
			if (!strcmp(a, "--all")) {
				p->all = true;
				continue;
			}
			if (!strcmp(a, "--force")) {
				p->force = true;
				continue;
			}
			if (!strcmp(a, "-d") || !strcmp(a, "-D")) {
				del = true;
				continue;
			}
			if (!strcmp(a, "--dry-run") ||
			    !strcmp(a, "--verbose") ||
			    !strcmp(a, "--helper-status"))
				continue;
		}
		if (!url) {
			url = a;
			continue;
		}
		break;
	}
	for (; i < nargs && i < GIT_REFSPECS_MAX; i++) {
		struct strbuf b = {0};
		strbuf_printf(&b, "%s%s", del ? ":" : "", args[i]);
		if (!b.oom)
			gitpush_refspec(p, &u, b.s, false);
		u.oom |= b.oom;
		strbuf_free(&b);
	}
	if (p->all || !u.n) {
		struct upd *x = gitpush_upd_new(&u, p->force, false);
		if (x)
			x->all = true;
	}
	struct knowns k = {0};
	if (u.oom || emit_url(p, &k, NULL, url, &u) < 0)
		p->out->oom = true;
	knowns_free(&k);
	gitpush_upds_free(&u);
}

/* A remote helper run by hand (remote-ext, remote-fd): it speaks the
 * helper protocol on stdin, so anything may be pushed anywhere its
 * address leads. */
static void helper_cmd(struct pctx *p, const char *scheme,
		       const char *const *args, size_t nargs)
{
	struct strbuf url = {0};
	if (nargs > 1)
		strbuf_printf(&url, "%s::%s", scheme, args[1]);
	struct upds u = {0};
	struct upd *x = gitpush_upd_new(&u, true, true);
	if (x)
		x->all = true;
	struct knowns k = {0};
	const char *remote = NULL;
	if (nargs > 0) {
		/* git passes the remote's name: a configured one counts */
		char **names = NULL;
		size_t nn = 0;
		if (gitremote_names(p->rd->cfg, &names, &nn) == 0)
			for (size_t i = 0; i < nn; i++)
				if (!strcmp(names[i], args[0]))
					remote = args[0];
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
	}
	if (url.oom || u.oom ||
	    emit_url(p, &k, remote, url.s ? url.s : NULL, &u) < 0)
		p->out->oom = true;
	knowns_free(&k);
	gitpush_upds_free(&u);
	strbuf_free(&url);
}

void gitpush_events(const struct gitread *rd, struct gitevs *out)
{
	struct pctx p = {.rd = rd, .out = out};
	if (gitremote_ctx_init(&p.rx, rd->fs, rd->repo, rd->cfg) < 0) {
		out->oom = true;
		return;
	}
	if (p.rx.unsure)
		gitevs_unsure(out, "url.*.insteadOf git refuses");
	const char *cmd = rd->command;
	if (!strcmp(cmd, "http-push")) {
		http_push_cmd(&p, rd->args, rd->nargs);
	} else if (!strcmp(cmd, "remote-ext") || !strcmp(cmd, "remote-fd")) {
		helper_cmd(&p, cmd + 7, rd->args, rd->nargs);
	} else {
		bool sp = !strcmp(cmd, "send-pack");
		struct gitopt_result o;
		int r = gitevs_opts(
		    out, gitopt_table(sp ? "send-pack" : "push"), rd, 0, &o);
		if (r == 1 && !gitevs_add(out, "help")) {
			out->oom = true;
		} else if (r == 0) {
			if (o.error)
				gitevs_unsure(out, "an option git refuses or "
						   "reads otherwise");
			if (sp)
				send_pack_cmd(&p, &o);
			else
				push_cmd(&p, &o);
			gitopt_result_free(&o);
		}
	}
	gitremote_ctx_free(&p.rx);
}
