/* SPDX-License-Identifier: MIT */
/*
 * policy_denyread: the paths whose reads a policy denies for every process
 * of a session, for the kernel deny-read layer (agent-shell masks them in
 * the session's own mount namespace: wrappers/mountmask.c).
 *
 * A read open is decided on its path alone, and deny is the strictest
 * action: a deny rule whose open matcher covers read and whose path glob
 * matches P denies every read of P, whatever other rules say. So:
 *   - a literal glob P (not excluded by the rule's not_path) is denied;
 *   - a tree glob (D, a slash, two stars) is denied as a whole when no not_path
 * glob of the rule could match inside it (its literal prefix and D overlap: the
 *     test errs on the side of not masking);
 *   - any other glob (a wildcard: ~/.ssh/id_*) goes to globs, which the
 *     kernel layer does not mask (the interposer still decides them).
 * Only deny: a prompt-tier read cannot wait for an operator in the kernel
 * (a mask answers at once), so prompts stay with the interposer; an open
 * rule without a path (all files) or a glob matching "/" would mask the
 * whole system and is left to the interposer too (listed in globs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

/* Could glob x match D or a path below D? By literal prefixes: they
 * overlap when one is a prefix of the other. */
static bool may_reach(const struct glob *x, const char *d)
{
	const char *px = glob_prefix(x);
	size_t nx = strlen(px), nd = strlen(d);
	return !strncmp(px, d, nx < nd ? nx : nd);
}

static int add_one(const struct open_m *m, const struct glob *g,
		   struct policy_denyread *ret)
{
	const char *px = glob_prefix(g);
	if (glob_is_literal(g) && px[0] == '/' && px[1]) {
		for (size_t i = 0; m->not_path.set && i < m->not_path.n; i++)
			if (glob_match(m->not_path.v[i], px))
				return 0; /* not denied at all */
		return tg_strv_push(&ret->path, &ret->npath, px, true);
	}
	bool tree = glob_is_tree(g) && px[0] == '/' && px[1];
	for (size_t i = 0; tree && m->not_path.set && i < m->not_path.n; i++)
		if (may_reach(m->not_path.v[i], px))
			tree = false;
	if (tree)
		return tg_strv_push(&ret->tree, &ret->ntree, px, true);
	return tg_strv_push(&ret->globs, &ret->nglobs, glob_source(g), true);
}

int policy_denyread_plan(const struct policy *p, struct policy_denyread *ret)
{
	struct policy_denyread dr = {0};
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		if (r->action != POLICY_DENY || !r->open ||
		    !(r->open->access & POLICY_ACC_READ))
			continue;
		if (!r->open->path.set) {
			if (tg_strv_push(&dr.globs, &dr.nglobs, "**", true) < 0)
				goto oom;
			continue;
		}
		for (size_t j = 0; j < r->open->path.n; j++)
			if (add_one(r->open, r->open->path.v[j], &dr) < 0)
				goto oom;
	}
	*ret = dr;
	return 0;
oom:
	policy_denyread_free(&dr);
	return -ENOMEM;
}

static void strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void policy_denyread_free(struct policy_denyread *d)
{
	if (!d)
		return;
	strs_free(d->path, d->npath);
	strs_free(d->tree, d->ntree);
	strs_free(d->globs, d->nglobs);
	memset(d, 0, sizeof(*d));
}
