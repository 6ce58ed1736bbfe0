/* SPDX-License-Identifier: MIT */
/*
 * gitdecide: a git_op decided as one: every event (every reading of what
 * git will do) is decided and the strictest decision wins, with the rule
 * order policy_decide itself uses between rules of one action; and an exec
 * of git decided by the exec rules and the git rules together.
 */
#include "gitparse.h"
#include "policy_internal.h"

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
		if (i == 0 || policy_decision_stricter(p, &d, ret)) {
			*ret = d;
			best_i = i;
		}
	}
	if (ret_ev)
		*ret_ev = best_i;
}

void git_exec_decide(const struct policy *p, const struct policy_event *ev,
		     const struct git_op *op, struct policy_decision *ret,
		     size_t *ret_ev)
{
	struct policy_event e = *ev;
	e.kind = POLICY_EV_EXEC;
	e.git = NULL;
	struct policy_decision dx, dg;
	policy_decide(p, &e, &dx);
	if (ret_ev)
		*ret_ev = 0;
	if (!op) {
		*ret = dx;
		return;
	}
	/* the git rules on their own, their default counting: a policy
	 * whose git rules allow some commands refuses the others even when
	 * an exec rule allows the git program */
	e.kind = POLICY_EV_GIT;
	git_op_decide(p, &e, op, &dg, ret_ev);
	/* on a tie the git rules' decision is the one shown (it says more),
	 * unless it is the default and an exec rule decided */
	bool exec_wins = dx.action > dg.action || (dx.action == dg.action &&
						   dg.rule < 0 && dx.rule >= 0);
	*ret = exec_wins ? dx : dg;
}
