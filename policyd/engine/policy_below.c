/* SPDX-License-Identifier: MIT */
/* policy_below: the open rules (and the connect rules for Unix sockets)
 * that could protect something inside a directory (for renames of
 * directories and symlinks made, decide_rename.c). */
#include <string.h>

#include "policy_internal.h"

typedef bool (*below_fn)(const struct glob *g, const char *dir);

static bool globs_below(const struct globlist *l, const char *dir,
			below_fn below)
{
	for (size_t i = 0; i < l->n; i++)
		if (below(l->v[i], dir))
			return true;
	return false;
}

static void strictest_below(const struct policy *p, const char *dir,
			    unsigned access, below_fn below,
			    struct policy_decision *ret)
{
	*ret = (struct policy_decision){.action = POLICY_ALLOW,
					.rule = -1,
					.rule_id = "default",
					.matched = POLICY_EV_OPEN};
	/* by rank: the first that could match is the strictest */
	for (size_t k = 0; k < p->nrules; k++) {
		uint32_t ri = p->by_rank[k];
		const struct rule *r = &p->rules[ri];
		const struct open_m *m = r->open;
		const struct unix_m *u = r->unix_;
		/* (not_path is left out: it may leave some path below in; a
		 * rule without a path matches below every name alike) */
		bool any = below == glob_match_below;
		bool open =
		    m && (m->access & access) &&
		    (m->path.set ? globs_below(&m->path, dir, below) : any);
		/* a socket below, reached under the other name */
		bool sock =
		    u &&
		    (u->path.set ? globs_below(&u->path, dir, below) : any);
		if (!open && !sock)
			continue;
		ret->action = r->action;
		ret->rule = (int)ri;
		ret->rule_id = r->id;
		ret->message = r->message;
		return;
	}
}

void policy_below(const struct policy *p, const char *dir, unsigned access,
		  struct policy_decision *ret)
{
	strictest_below(p, dir, access, glob_match_below, ret);
}

void policy_below_by_name(const struct policy *p, const char *dir,
			  unsigned access, struct policy_decision *ret)
{
	strictest_below(p, dir, access, glob_below_by_name, ret);
}
