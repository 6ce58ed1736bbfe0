/* SPDX-License-Identifier: MIT */
/*
 * gitremote: remotes as git's remote.c builds them (see gitremote.c).
 * Internal to the git*.c files of the engine.
 *
 * Lifecycle: gitremote_ctx_init() -> gitremote_get() any number of times
 * (each result freed with gitremote_free) -> gitremote_ctx_free().
 */
#ifndef TIERGATE_GITREMOTE_H
#define TIERGATE_GITREMOTE_H

#include "gitint.h"

#define GIT_REWRITES_MAX 1024 /* url.*.insteadOf and pushInsteadOf values */

struct gitrewrite {
	const char *base; /* points into the config key */
	size_t baselen;
	const char *prefix; /* the insteadOf value */
	size_t prefixlen;
	bool push;	/* pushInsteadOf */
	unsigned order; /* git's rewrite order: the base's first appearance */
};

struct gitremote_ctx {
	const struct gitfs *fs;
	const struct gitrepo *repo;
	const struct gitcfg *cfg;
	struct gitrewrite *rw;
	size_t nrw;
	bool unsure; /* too many rewrites, a rewrite without a value */
};

int gitremote_ctx_init(struct gitremote_ctx *x, const struct gitfs *fs,
		       const struct gitrepo *repo, const struct gitcfg *cfg);
void gitremote_ctx_free(struct gitremote_ctx *x);

struct gitremote {
	char *name;
	bool configured;  /* in the config or a legacy file */
	bool is_url;	  /* no such remote: the name is the URL */
	bool mirror;	  /* remote.NAME.mirror */
	bool foreign_vcs; /* remote.NAME.vcs: a helper of its own */
	bool bad_config;  /* git dies on this remote's config */
	bool capped;	  /* more values than GIT_URLS_MAX * 4 */
	char **url;	  /* NULL-terminated lists */
	size_t nurl;
	char **pushurl;
	size_t npushurl;
	char **push; /* remote.NAME.push refspecs */
	size_t npush;
};

/* remote_get / pushremote_get for name: name_given as git's (a name from
 * the command line or an explicit config choice is taken as a URL when no
 * remote has it). 0 or -ENOMEM. */
int gitremote_get(const struct gitremote_ctx *x, const char *name,
		  bool name_given, struct gitremote *ret);
void gitremote_free(struct gitremote *r);
/* The URLs a push goes to: pushurl if any, else url. */
static inline char **gitremote_push_urls(const struct gitremote *r,
					 size_t *ret_n)
{
	*ret_n = r->npushurl ? r->npushurl : r->nurl;
	return r->npushurl ? r->pushurl : r->url;
}

/* The configured remotes' names (remote.NAME.* keys), first appearance
 * first, at most GIT_REMOTES_MAX. Free the strings and the array. */
int gitremote_names(const struct gitcfg *c, char ***ret, size_t *ret_n);
/* The remote(s) git uses when none is named: branch.B.pushRemote,
 * remote.pushDefault (push only), branch.B.remote, then "origin" (and the
 * only configured remote, as newer git does). *ret_explicit as git's
 * "explicit". A strv array (tg_strv_push). */
int gitremote_default(const struct gitremote_ctx *x, bool push, char ***ret,
		      size_t *ret_n, bool *ret_explicit);

bool gitremote_url_is_local(const char *url);
/* The form two URLs are compared in (see gitparse.h): local paths
 * absolute and resolved in the caller's view (fs may be NULL), network
 * URLs as "//host/path". */
void gitremote_url_normal(const struct gitfs *fs, const char *url,
			  const char *cwd, char *out, size_t outsz);

#endif
