/* SPDX-License-Identifier: MIT */
/*
 * gitdecide: a git_op decided as one: every event (every reading of what
 * git will do) is decided and the strictest decision wins, with the rule
 * order policy_decide itself uses between rules of one action.
 */
#include "gitparse.h"
#include "policy_internal.h"

/* Is a stricter than b (same action: the rule ranked first; a rule
 * before the default)? As policy_decide.c orders them. */
static bool stricter(const struct policy *p, const struct policy_decision *a,
		     const struct policy_decision *b)
{
	if (a->action != b->action)
		return a->action > b->action;
	if (b->rule < 0)
		return a->rule >= 0;
	return a->rule >= 0 && p->rules[a->rule].rank < p->rules[b->rule].rank;
}

void git_op_decide(const struct policy *p, const struct policy_event *ev,
		   const struct git_op *op, struct policy_decision *ret,
		   size_t *ret_ev)
{
	struct policy_event e = *ev;
	size_t best_i = 0;
	if (!op || !op->nev) {
		e.git = NULL;
		policy_decide(p, &e, ret);
		if (ret_ev)
			*ret_ev = 0;
		return;
	}
	for (size_t i = 0; i < op->nev; i++) {
		struct policy_decision d;
		e.git = &op->ev[i];
		policy_decide(p, &e, &d);
		if (i == 0 || stricter(p, &d, ret)) {
			*ret = d;
			best_i = i;
		}
	}
	if (ret_ev)
		*ret_ev = best_i;
}
