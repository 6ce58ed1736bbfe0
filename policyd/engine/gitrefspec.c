/* SPDX-License-Identifier: MIT */
/*
 * gitrefspec: a push's ref updates, as git 2.39's refspec.c, remote.c
 * (match_push_refs, match_explicit, count_refspec_match) and builtin/
 * push.c (set_refspecs, setup_default_push_refspecs) make them: the
 * refspecs given or configured, push.default, --all/--mirror/--tags/
 * --delete/--prune, and the names each update may land on. Used by
 * gitpush.c.
 */
#include <errno.h>
#include <string.h>

#include "gitpushint.h"

void gitpush_upds_free(struct upds *u)
{
	for (size_t i = 0; i < u->n; i++)
		for (size_t k = 0; k < u->v[i].n; k++)
			free(u->v[i].name[k]);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

struct upd *gitpush_upd_new(struct upds *u, bool force, bool del)
{
	if (u->oom)
		return NULL;
	if (u->n >= GIT_REFSPECS_MAX * 2) {
		/* past the cap: one update for everything */
		struct upd *x = &u->v[u->n - 1];
		x->all = true;
		x->force |= force;
		x->del |= del;
		return x;
	}
	if (tg_grow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v)) < 0) {
		u->oom = true;
		return NULL;
	}
	struct upd *x = &u->v[u->n++];
	memset(x, 0, sizeof(*x));
	x->force = force;
	x->del = del;
	return x;
}

static void upd_name(struct upds *u, struct upd *x, const char *name)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->name[i], name))
			return;
	if (x->n >= UPD_NAMES) {
		x->all = true;
		return;
	}
	if (!(x->name[x->n] = strdup(name)))
		u->oom = true;
	else
		x->n++;
}

/* The names a destination may be on the remote. git matches a name that
 * is not a full ref against the remote's refs with the rev-parse rules,
 * else guesses from the source. */
static void dst_names(struct upds *u, struct upd *x, const char *dst)
{
	if (!strncmp(dst, "refs/heads/", 11)) {
		upd_name(u, x, dst + 11);
		return;
	}
	if (!strncmp(dst, "refs/", 5)) {
		upd_name(u, x, dst);
		return;
	}
	upd_name(u, x, dst);
	if (!strncmp(dst, "heads/", 6))
		upd_name(u, x, dst + 6);
	if (!strncmp(dst, "tags/", 5) || !strncmp(dst, "remotes/", 8)) {
		struct strbuf b = {0};
		strbuf_printf(&b, "refs/%s", dst);
		if (b.oom)
			u->oom = true;
		else
			upd_name(u, x, b.s);
		strbuf_free(&b);
	}
}

/* A glob refspec side: may it reach a branch? Only a pattern wholly
 * outside refs/heads/ (tags, notes, remote-tracking refs) may not. */
static void glob_names(struct upds *u, struct upd *x, const char *pat)
{
	size_t lit = strcspn(pat, "*");
	bool outside = !strncmp(pat, "refs/", 5) && lit >= 5 &&
		       strncmp(pat, "refs/heads/", lit < 11 ? lit : 11);
	if (outside)
		upd_name(u, x, pat);
	else if (x)
		x->all = true;
}

/* ------------------------------------------------------- what git knows */

static const char *const rev_rules[] = {
    "%s",
    "refs/%s",
    "refs/tags/%s",
    "refs/heads/%s",
    "refs/remotes/%s",
    "refs/remotes/%s/HEAD",
};

/* count_refspec_match over the local refs: the refs src names (matched)
 * and what each resolves to. Returns the count, or -1 when the refs
 * cannot be read. */
static int local_matches(const struct pctx *p, const char *src,
			 char matched[][1024], char resolved[][1024],
			 bool nulls[], int max)
{
	int n = 0;
	for (size_t i = 0; i < TG_ARRAY_SIZE(rev_rules) && n < max; i++) {
		char full[1024];
		if (snprintf(full, sizeof(full), rev_rules[i], src) >=
		    (int)sizeof(full))
			return -1; /* a name policyd cannot hold: unread */
		if (strncmp(full, "refs/", 5))
			continue; /* only refs/ are in the local list */
		char out[TG_PATH_MAX];
		switch (gitrepo_resolve_ref(p->rd->fs, p->rd->repo, full, out,
					    sizeof(out), &nulls[n])) {
		case GITREF_FOUND:
			tg_strlcpy(matched[n], 1024, full);
			tg_strlcpy(resolved[n], 1024, out);
			n++;
			break;
		case GITREF_UNKNOWN:
			return -1;
		case GITREF_MISSING:
		default:
			break;
		}
	}
	return n;
}

/* refspec_find_match over remote.NAME.push for a full local ref name:
 * the mapped destination (malloc'd) and its force. */
static char *push_mapping(const struct pctx *p, const char *name, bool *force)
{
	const struct gitremote *r = p->remote;
	for (size_t i = 0; r && i < r->npush; i++) {
		const char *rs = r->push[i];
		bool f = rs[0] == '+';
		if (f || rs[0] == '^')
			rs++;
		if (r->push[i][0] == '^')
			continue;
		const char *colon = strrchr(rs, ':');
		if (!colon || colon == rs || !colon[1])
			continue;
		size_t sl = (size_t)(colon - rs);
		const char *dst = colon + 1;
		const char *star = memchr(rs, '*', sl);
		struct strbuf b = {0};
		if (!star) {
			if (strlen(name) != sl || strncmp(name, rs, sl))
				continue;
			strbuf_puts(&b, dst);
		} else {
			size_t pre = (size_t)(star - rs), suf = sl - pre - 1;
			size_t nl = strlen(name);
			const char *dstar = strchr(dst, '*');
			if (!dstar || nl < pre + suf ||
			    strncmp(name, rs, pre) ||
			    strncmp(name + nl - suf, star + 1, suf))
				continue;
			strbuf_append(&b, dst, (size_t)(dstar - dst));
			strbuf_append(&b, name + pre, nl - pre - suf);
			strbuf_puts(&b, dstar + 1);
		}
		*force = f;
		return strbuf_steal(&b);
	}
	return NULL;
}

/* branch.B.merge when it has exactly one value */
static const char *upstream_of(const struct pctx *p, const char *branch)
{
	const struct gitcfg *c = p->rd->cfg;
	size_t ksz = strlen(branch) + 16;
	_cleanup_free_ char *key = malloc(ksz);
	if (!key)
		return NULL;
	snprintf(key, ksz, "branch.%s.merge", branch);
	const char *v = NULL;
	int n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].key, key)) {
			if (!c->v[i].value)
				return NULL;
			v = c->v[i].value;
			n++;
		}
	return n == 1 ? v : NULL;
}

static const char *push_default(const struct pctx *p)
{
	const char *v = NULL;
	if (!gitcfg_last(p->rd->cfg, "push.default", &v) || !v)
		return "simple";
	return v;
}

/* A source with no destination (set_refspecs, then match_explicit). */
static void src_only(struct pctx *p, struct upds *u, const char *src,
		     bool force, bool explicit)
{
	const struct gitrepo *r = p->rd->repo;
	if (!strcmp(src, "HEAD")) {
		char out[TG_PATH_MAX];
		bool null = false;
		if (r->found && r->head == GITREPO_HEAD_BRANCH)
			(void)gitrepo_resolve_ref(p->rd->fs, r, r->head_ref,
						  out, sizeof(out), &null);
		struct upd *x = gitpush_upd_new(u, force, null);
		if (r->found && r->head == GITREPO_HEAD_BRANCH)
			upd_name(u, x, r->head_ref + 11);
		else if (x)
			x->all = true; /* detached (git dies) or unknown */
		return;
	}
	char matched[4][1024], resolved[4][1024];
	bool nulls[4] = {false};
	int n = local_matches(p, src, matched, resolved, nulls, 4);
	if (n <= 0) {
		/* none (git dies: no such source) or refs unreadable */
		struct upd *x = gitpush_upd_new(u, force, false);
		dst_names(u, x, src);
		if (n < 0 && x)
			x->all = true;
		return;
	}
	bool upstream = !strcmp(push_default(p), "upstream") ||
			!strcmp(push_default(p), "tracking");
	for (int i = 0; i < n; i++) {
		/* refspec_append_mapped, only for a ref named on the
		 * command line that names exactly one local ref */
		bool mf = false;
		_cleanup_free_ char *mapped =
		    explicit && n == 1 ? push_mapping(p, matched[i], &mf)
				       : NULL;
		const char *up = explicit && n == 1 && upstream &&
					 !strncmp(matched[i], "refs/heads/", 11)
				     ? upstream_of(p, matched[i] + 11)
				     : NULL;
		/* a ref holding the null object name deletes */
		struct upd *x = gitpush_upd_new(u, force || mf, nulls[i]);
		if (mapped)
			dst_names(u, x, mapped);
		else if (up)
			dst_names(u, x, up);
		else
			dst_names(u, x, resolved[i]);
	}
}

/* Does source src (of a refspec with a destination) name the null
 * object, which makes git's update a deletion (try_explicit_object_name,
 * then is_null_oid)? Its full hexadecimal form (get_oid_hex takes it as
 * it is), or a local ref holding it (git 2.39.5 deletes main for
 * `git push R 0000...:main` and for a branch whose file holds zeros).
 * Refs policyd cannot read: the worst reading. */
static bool src_null(const struct pctx *p, const char *src)
{
	if (gitrepo_null_oid(src, strlen(src)))
		return true;
	char matched[4][1024], resolved[4][1024];
	bool nulls[4] = {false};
	int n = local_matches(p, src, matched, resolved, nulls, 4);
	if (n < 0)
		return true;
	for (int i = 0; i < n; i++)
		if (nulls[i])
			return true;
	return false;
}

/* One push refspec (parse_refspec, then what match_push_refs does). */
void gitpush_refspec(struct pctx *p, struct upds *u, const char *rs,
		     bool explicit)
{
	bool force = p->force || p->lease;
	if (rs[0] == '+') {
		force = true;
		rs++;
		/* set_refspecs: count_refspec_match("+main") names no local
		 * ref, so a '+' source is pushed as written, never mapped by
		 * remote.NAME.push or the upstream */
		explicit = false;
	} else if (rs[0] == '^') {
		return; /* a negative refspec only takes refs away */
	}
	const char *colon = strrchr(rs, ':');
	if (colon == rs && !colon[1]) { /* ":" or "+:": matching */
		struct upd *x = gitpush_upd_new(u, force, p->prune);
		if (x)
			x->all = true;
		return;
	}
	size_t sl = colon ? (size_t)(colon - rs) : strlen(rs);
	const char *dst = colon ? colon + 1 : NULL;
	struct strbuf src = {0};
	strbuf_append(&src, rs, sl);
	if (src.oom) {
		u->oom = true;
		return;
	}
	if (!strcmp(src.s, "@")) {
		src.len = 0;
		strbuf_puts(&src, "HEAD");
	}
	if (strchr(src.s, '*') || (dst && strchr(dst, '*'))) {
		struct upd *x = gitpush_upd_new(u, force, p->prune);
		glob_names(u, x, dst && *dst ? dst : src.s);
	} else if (dst && !*src.s) {
		dst_names(u, gitpush_upd_new(u, force, true), dst);
	} else if (dst) {
		dst_names(u, gitpush_upd_new(u, force, src_null(p, src.s)),
			  dst);
	} else {
		src_only(p, u, src.s, force, explicit);
	}
	strbuf_free(&src);
}

/* setup_default_push_refspecs */
static void default_refspecs(struct pctx *p, struct upds *u)
{
	const char *mode = push_default(p);
	const struct gitrepo *r = p->rd->repo;
	bool force = p->force || p->lease;
	if (!strcmp(mode, "matching")) {
		gitpush_refspec(p, u, ":", false);
		return;
	}
	struct upd *x = gitpush_upd_new(u, force, false);
	if (!x)
		return;
	if (!r->found || r->head != GITREPO_HEAD_BRANCH) {
		x->all = true; /* detached (git dies) or not known */
		return;
	}
	const char *branch = r->head_ref + 11;
	const char *up = upstream_of(p, branch);
	if ((!strcmp(mode, "upstream") || !strcmp(mode, "tracking")) && up) {
		dst_names(u, x, up);
		return;
	}
	if (strcmp(mode, "nothing") && strcmp(mode, "current") &&
	    strcmp(mode, "simple") && strcmp(mode, "upstream") &&
	    strcmp(mode, "tracking"))
		gitevs_unsure(p->out, "unknown push.default");
	/* simple dies unless the upstream has the branch's name */
	dst_names(u, x, branch);
}

/* The ref updates of a push to remote r with the positional refspecs. */
void gitpush_updates(struct pctx *p, const struct gitremote *r,
		     const char *const *refs, size_t nrefs, struct upds *u)
{
	p->remote = r;
	bool mirror = p->mirror || (r && r->mirror);
	bool force = p->force || mirror || p->lease;
	if (p->tags)
		gitpush_refspec(p, u, "refs/tags/*", false);
	for (size_t i = 0; i < nrefs && i < GIT_REFSPECS_MAX; i++) {
		const char *ref = refs[i];
		struct strbuf b = {0};
		if (!strcmp(ref, "tag") && i + 1 < nrefs) {
			strbuf_printf(&b, "%srefs/tags/%s",
				      p->deleterefs ? ":" : "", refs[++i]);
		} else if (p->deleterefs) {
			strbuf_printf(&b, ":%s", ref);
		} else {
			strbuf_puts(&b, ref);
		}
		if (b.oom)
			u->oom = true;
		else
			gitpush_refspec(p, u, b.s, !strchr(ref, ':'));
		strbuf_free(&b);
	}
	if (nrefs > GIT_REFSPECS_MAX)
		gitevs_unsure(p->out, "too many refspecs");
	if (p->all || mirror) {
		struct upd *x = gitpush_upd_new(u, force, p->prune || mirror);
		if (x)
			x->all = true;
	}
	if (!nrefs && !p->all && !p->tags) {
		if (r && r->npush) {
			for (size_t i = 0; i < r->npush; i++)
				gitpush_refspec(p, u, r->push[i], false);
		} else if (!mirror) {
			default_refspecs(p, u);
		}
	}
	if (!u->n) { /* --tags alone and the like: still a push */
		struct upd *x = gitpush_upd_new(u, force, false);
		if (x)
			x->all = true;
	}
}
