/* SPDX-License-Identifier: MIT */
/*
 * gitremote: remotes as remote.c builds them from the config. Every
 * remote.NAME.url and remote.NAME.pushurl in config order (an empty value
 * empties the list), url.BASE.insteadOf rewriting url and pushurl values
 * and url.BASE.pushInsteadOf adding push URLs for remotes that have none
 * (the longest matching prefix wins, the first on a tie),
 * remote.NAME.push and remote.NAME.mirror, the legacy remotes/ and
 * branches/ files, and a name that is no remote taken as a URL or path.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "gitint.h"
#include "gitremote.h"

void gitremote_free(struct gitremote *r)
{
	free(r->name);
	tg_strv_free(r->url);
	tg_strv_free(r->pushurl);
	tg_strv_free(r->push);
	memset(r, 0, sizeof(*r));
}

/* Appends s to a NULL-terminated list (an empty s too: git 2.39's
 * add_url appends it; only later git empties the list on one); false on
 * OOM, or when the cap is reached (*capped). */
static bool list_add(char ***v, size_t *n, const char *s, bool *capped)
{
	if (*n >= GIT_URLS_MAX * 4) {
		*capped = true;
		return true;
	}
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return false;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return false;
	nv[++*n] = NULL;
	return true;
}

/* Splits "remote.NAME.KEY": *name and *namelen the NAME in key, the KEY
 * returned; NULL when key is not a remote.NAME.* key. */
static const char *remote_key(const char *key, const char **name,
			      size_t *namelen)
{
	if (strncmp(key, "remote.", 7))
		return NULL;
	const char *sub = key + 7, *dot = strrchr(sub, '.');
	if (!dot || dot == sub)
		return NULL;
	*name = sub;
	*namelen = (size_t)(dot - sub);
	return dot + 1;
}

int gitremote_ctx_init(struct gitremote_ctx *x, const struct gitfs *fs,
		       const struct gitrepo *repo, const struct gitcfg *cfg)
{
	memset(x, 0, sizeof(*x));
	x->fs = fs;
	x->repo = repo;
	x->cfg = cfg;
	size_t cap = 0;
	for (size_t i = 0; i < cfg->n; i++) {
		const char *k = cfg->v[i].key;
		size_t kl = strlen(k);
		bool push = kl >= 18 && !strcmp(k + kl - 14, ".pushinsteadof");
		bool plain =
		    kl >= 14 && !strcmp(k + kl - 10, ".insteadof") && !push;
		if (strncmp(k, "url.", 4) || (!push && !plain))
			continue;
		if (!cfg->v[i].value) {
			x->unsure = true; /* git: config_error_nonbool */
			continue;
		}
		if (x->nrw >= GIT_REWRITES_MAX) {
			x->unsure = true;
			break;
		}
		if (tg_grow((void **)&x->rw, &cap, x->nrw + 1, sizeof(*x->rw)) <
		    0)
			return -ENOMEM;
		struct gitrewrite *w = &x->rw[x->nrw];
		w->base = k + 4;
		w->baselen = kl - 4 - (push ? 14 : 10);
		w->prefix = cfg->v[i].value;
		w->prefixlen = strlen(w->prefix);
		w->push = push;
		/* make_rewrite: one rewrite per base, in the order the
		 * bases first appear */
		w->order = (unsigned)x->nrw;
		for (size_t j = 0; j < x->nrw; j++)
			if (x->rw[j].push == push &&
			    x->rw[j].baselen == w->baselen &&
			    !strncmp(x->rw[j].base, w->base, w->baselen)) {
				w->order = x->rw[j].order;
				break;
			}
		x->nrw++;
	}
	return 0;
}

void gitremote_ctx_free(struct gitremote_ctx *x)
{
	free(x->rw);
	memset(x, 0, sizeof(*x));
}

/* alias_url: the longest insteadOf (or pushInsteadOf) prefix of url, its
 * base put in its place (the first rewrite, in git's order, of equal
 * length). NULL: none matches. */
static char *alias_url(const struct gitremote_ctx *x, const char *url,
		       bool push)
{
	const struct gitrewrite *best = NULL;
	for (size_t i = 0; i < x->nrw; i++) {
		const struct gitrewrite *w = &x->rw[i];
		if (w->push != push || strncmp(url, w->prefix, w->prefixlen))
			continue;
		if (!best || w->prefixlen > best->prefixlen ||
		    (w->prefixlen == best->prefixlen && w->order < best->order))
			best = w;
	}
	if (!best)
		return NULL;
	struct strbuf b = {0};
	strbuf_append(&b, best->base, best->baselen);
	strbuf_puts(&b, url + best->prefixlen);
	return strbuf_steal(&b);
}

/* add_url_alias: a URL from a legacy file or a name taken as a URL. */
static bool add_url_alias(const struct gitremote_ctx *x, struct gitremote *r,
			  const char *url)
{
	_cleanup_free_ char *a = alias_url(x, url, false);
	_cleanup_free_ char *pa = alias_url(x, url, true);
	if (!list_add(&r->url, &r->nurl, a ? a : url, &r->capped))
		return false;
	return !pa || list_add(&r->pushurl, &r->npushurl, pa, &r->capped);
}

/* The remote's config entries, then alias_all_urls. */
static int from_config(const struct gitremote_ctx *x, struct gitremote *r)
{
	const struct gitcfg *c = x->cfg;
	size_t rl = strlen(r->name);
	for (size_t i = 0; i < c->n; i++) {
		const char *nm;
		size_t nl;
		const char *key = remote_key(c->v[i].key, &nm, &nl);
		const char *v = c->v[i].value;
		if (!key || nl != rl || memcmp(nm, r->name, rl))
			continue;
		r->configured = true;
		bool ok = true;
		if (!strcmp(key, "url") || !strcmp(key, "pushurl") ||
		    !strcmp(key, "push")) {
			if (!v) {
				r->bad_config = true; /* git dies */
				continue;
			}
			if (!strcmp(key, "url"))
				ok = list_add(&r->url, &r->nurl, v, &r->capped);
			else if (!strcmp(key, "pushurl"))
				ok = list_add(&r->pushurl, &r->npushurl, v,
					      &r->capped);
			else
				ok = list_add(&r->push, &r->npush, v,
					      &r->capped);
		} else if (!strcmp(key, "mirror")) {
			int b = gitcfg_bool_text(v);
			if (b < 0)
				r->bad_config = true;
			r->mirror = b == 1;
		} else if (!strcmp(key, "vcs")) {
			r->foreign_vcs = true;
		}
		if (!ok)
			return -ENOMEM;
	}
	/* alias_all_urls: pushurls through insteadOf; without pushurls,
	 * pushInsteadOf of each url (before its own rewrite) */
	for (size_t j = 0; j < r->npushurl; j++) {
		char *a = alias_url(x, r->pushurl[j], false);
		if (a) {
			free(r->pushurl[j]);
			r->pushurl[j] = a;
		}
	}
	bool add_push = r->npushurl == 0;
	for (size_t j = 0; j < r->nurl; j++) {
		if (add_push) {
			_cleanup_free_ char *pa = alias_url(x, r->url[j], true);
			if (pa && !list_add(&r->pushurl, &r->npushurl, pa,
					    &r->capped))
				return -ENOMEM;
		}
		char *a = alias_url(x, r->url[j], false);
		if (a) {
			free(r->url[j]);
			r->url[j] = a;
		}
	}
	return 0;
}

int gitremote_get(const struct gitremote_ctx *x, const char *name,
		  bool name_given, struct gitremote *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!(ret->name = strdup(name)))
		return -ENOMEM;
	int r = name[0] == '/' ? 0 : from_config(x, ret);
	if (r < 0)
		goto fail;
	if (!ret->nurl && x->repo && x->repo->found) {
		const char *defb = NULL;
		if (!gitcfg_last(x->cfg, "init.defaultbranch", &defb) || !defb)
			defb = "master";
		struct gitrepo_legacy l;
		r = gitrepo_legacy_remote(x->fs, x->repo, name, defb, &l);
		if (r == -ENOMEM)
			goto fail;
		if (r < 0)
			ret->bad_config = true;
		if (r > 0) {
			ret->configured = true;
			for (size_t i = 0; i < l.nurl; i++)
				if (!add_url_alias(x, ret, l.url[i]))
					r = -ENOMEM;
			for (size_t i = 0; i < l.npush && r >= 0; i++)
				if (!list_add(&ret->push, &ret->npush,
					      l.push[i], &ret->capped))
					r = -ENOMEM;
			gitrepo_legacy_free(&l);
			if (r < 0)
				goto fail;
		}
	}
	if (name_given && !ret->nurl) {
		ret->is_url = true;
		if (!add_url_alias(x, ret, name)) {
			r = -ENOMEM;
			goto fail;
		}
	}
	return 0;
fail:
	gitremote_free(ret);
	return -ENOMEM;
}

/* ------------------------------------------------ which remote by default */

/* The names of the configured remotes (remote.NAME.* in the config), in
 * first-appearance order, at most GIT_REMOTES_MAX. */
int gitremote_names(const struct gitcfg *c, char ***ret, size_t *ret_n)
{
	char **v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *nm;
		size_t nl;
		if (!remote_key(c->v[i].key, &nm, &nl) || nm[0] == '/')
			continue;
		if (n >= GIT_REMOTES_MAX)
			break;
		_cleanup_free_ char *name = strndup(nm, nl);
		if (!name || tg_strv_push(&v, &n, name, true) < 0) {
			for (size_t k = 0; k < n; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* remotes_pushremote_for_branch / remotes_remote_for_branch: the names
 * git may choose (several when git versions differ: "origin", or the only
 * configured remote in newer git). */
int gitremote_default(const struct gitremote_ctx *x, bool push, char ***ret,
		      size_t *ret_n, bool *ret_explicit)
{
	const struct gitrepo *r = x->repo;
	const char *branch =
	    r && r->head == GITREPO_HEAD_BRANCH ? r->head_ref + 11 : NULL;
	size_t ksz = (branch ? strlen(branch) : 0) + 32;
	_cleanup_free_ char *key = malloc(ksz);
	const char *v = NULL;
	*ret = NULL;
	*ret_n = 0;
	*ret_explicit = true;
	if (!key)
		return -ENOMEM;
	if (branch && push) {
		snprintf(key, ksz, "branch.%s.pushremote", branch);
		if (gitcfg_last(x->cfg, key, &v) && v)
			return tg_strv_push(ret, ret_n, v, true);
	}
	if (push && gitcfg_last(x->cfg, "remote.pushdefault", &v) && v)
		return tg_strv_push(ret, ret_n, v, true);
	if (branch) {
		snprintf(key, ksz, "branch.%s.remote", branch);
		if (gitcfg_last(x->cfg, key, &v) && v)
			return tg_strv_push(ret, ret_n, v, true);
	}
	*ret_explicit = false;
	char **names = NULL;
	size_t nn = 0;
	if (gitremote_names(x->cfg, &names, &nn) < 0)
		return -ENOMEM;
	int rr = tg_strv_push(ret, ret_n, "origin", true);
	if (rr == 0 && nn == 1)
		rr = tg_strv_push(ret, ret_n, names[0], true);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rr;
}

/* -------------------------------------------------------- URL comparison */

/* url_is_local_not_ssh: no ':' before the first '/' */
bool gitremote_url_is_local(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	return !colon || (slash && slash < colon);
}

static void fold_tail(char *p)
{
	size_t l = strlen(p);
	for (;;) {
		while (l > 1 && p[l - 1] == '/')
			p[--l] = '\0';
		if (l > 5 && !strcmp(p + l - 5, "/.git"))
			p[l -= 5] = '\0';
		else if (l > 4 && !strcmp(p + l - 4, ".git"))
			p[l -= 4] = '\0';
		else
			break;
	}
}

/* host and path of a network URL, put together as "//host/path" with the
 * user, the port, a leading "/" or "~/" and the scheme left out: two
 * spellings of one repository on one host compare equal (a looser match
 * only adds a reading, never removes one). */
static void net_form(const char *host, size_t hl, const char *path, char *out,
		     size_t outsz)
{
	const char *at = memchr(host, '@', hl);
	if (at) {
		hl -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	size_t h = 0;
	char hb[256];
	if (hl && host[0] == '[') { /* [host]:port or [v6] */
		const char *close = memchr(host, ']', hl);
		if (close) {
			host++;
			hl = (size_t)(close - host);
		}
	} else {
		const char *colon = memchr(host, ':', hl);
		if (colon)
			hl = (size_t)(colon - host);
	}
	for (; h < hl && h + 1 < sizeof(hb); h++)
		hb[h] = (char)tolower((unsigned char)host[h]);
	hb[h] = '\0';
	while (*path == '/' || (path[0] == '~' && path[1] == '/'))
		path += path[0] == '~' ? 2 : 1;
	snprintf(out, outsz, "//%s/%s", hb, path);
	/* fold "//" inside the path */
	char *w = out + 2;
	for (char *r = out + 2; *r; r++)
		if (!(r[0] == '/' && r[1] == '/'))
			*w++ = *r;
	*w = '\0';
}

void gitremote_url_normal(const struct gitfs *fs, const char *url,
			  const char *cwd, char *out, size_t outsz)
{
	out[0] = '\0';
	const char *dc = strstr(url, "::");
	const char *scheme_end = strstr(url, "://");
	if (dc && (!scheme_end || dc < scheme_end)) {
		/* a remote helper's own address: compared as written */
		tg_strlcpy(out, outsz, url);
		return;
	}
	if (!strncmp(url, "file://", 7)) {
		url += 7;
		if (url[0] != '/') {
			tg_strlcpy(out, outsz, url - 7);
			return;
		}
	}
	if (scheme_end && !gitremote_url_is_local(url)) {
		const char *host = scheme_end + 3;
		size_t hl = strcspn(host, "/");
		net_form(host, hl, host + hl, out, outsz);
	} else if (!scheme_end && !gitremote_url_is_local(url)) {
		/* scp-like [user@]host:path ([host]:path too) */
		const char *colon = url[0] == '[' && strstr(url, "]:")
					? strstr(url, "]:") + 1
					: strchr(url, ':');
		net_form(url, (size_t)(colon - url), colon + 1, out, outsz);
	} else {
		char abs[TG_PATH_MAX];
		if (tg_path_normalize(cwd ? cwd : "/", url, abs, sizeof(abs)) <
		    0) {
			tg_strlcpy(out, outsz, url);
			return;
		}
		if (!fs || gitfs_realpath(fs, abs, out, outsz) < 0)
			tg_strlcpy(out, outsz, abs);
	}
	fold_tail(out);
}
