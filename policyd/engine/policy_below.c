/* SPDX-License-Identifier: MIT */
/* policy_below: the open rules (and the connect rules for Unix sockets)
 * that could protect something inside a directory (for renames of
 * directories, decide_rename.c). */
#include <string.h>

#include "policy_internal.h"

static bool globs_below(const struct globlist *l, const char *dir)
{
	for (size_t i = 0; i < l->n; i++)
		if (glob_match_below(l->v[i], dir))
			return true;
	return false;
}

void policy_below(const struct policy *p, const char *dir, unsigned access,
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
		/* (not_path is left out: it may leave some path below in) */
		bool open = m && (m->access & access) &&
			    (!m->path.set || globs_below(&m->path, dir));
		/* a socket below, reached under the other name */
		bool sock = u && (!u->path.set || globs_below(&u->path, dir));
		if (!open && !sock)
			continue;
		ret->action = r->action;
		ret->rule = (int)ri;
		ret->rule_id = r->id;
		ret->message = r->message;
		return;
	}
}
