/* SPDX-License-Identifier: MIT */
/*
 * gitdecide: a git_op decided as one: every event (every reading of what
 * git will do) is decided and the strictest decision wins, with the rule
 * order policy_decide itself uses between rules of one action; and an exec
 * of git decided by the exec rules and the git rules together.
 */
#include <string.h>

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

/* The commands git runs by itself for the one it was given: object
 * transfer, housekeeping and the read-only ref listings receive-pack runs.
 * They change no ref and no work tree (their writes, like every write,
 * are decided by file rules). An exec of one of them gets no decision from
 * the git rules' default (a policy that lists `push` must not have to list
 * `pack-objects`, nor prompt for `gc --auto` after every commit): the git
 * rules that match it and the exec rules decide it. So does `version`,
 * which reads nothing of any repository. maintenance and gc
 * count only with --auto (housekeeping; `gc --prune=now` loses objects). */
static bool git_own_helper(const struct git_event *g)
{
	static const char *const helpers[] = {
	    "pack-objects",   "index-pack",	"unpack-objects",
	    "rev-list",	      "fetch-pack",	"upload-pack",
	    "pack-refs",      "prune-packed",	"multi-pack-index",
	    "commit-graph",   "upload-archive", "upload-archive--writer",
	    "pack-redundant", "show-index",	"verify-pack",
	    "for-each-ref",   "show-ref",	"cat-file",
	    "version", /* reads nothing of any repository */
	};
	static const char *const if_auto[] = {"maintenance", "gc"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(helpers); i++)
		if (!strcmp(g->command, helpers[i]))
			return true;
	for (size_t i = 0; i < TG_ARRAY_SIZE(if_auto); i++)
		if (!strcmp(g->command, if_auto[i]))
			for (size_t k = 0; k < g->nargs; k++)
				if (!strcmp(g->args[k], "--auto"))
					return true;
	return false;
}

/* Does every reading of op run one of git's own helpers? */
static bool op_own_helper(const struct git_op *op)
{
	for (size_t i = 0; i < op->nev; i++)
		if (op->ev[i].shell_alias || !git_own_helper(&op->ev[i]))
			return false;
	return op->nev > 0;
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
	if (dg.rule < 0 && op_own_helper(op)) {
		*ret = dx; /* see git_own_helper */
		return;
	}
	/* on a tie the git rules' decision is the one shown (it says more),
	 * unless it is the default and an exec rule decided */
	bool exec_wins = dx.action > dg.action || (dx.action == dg.action &&
						   dg.rule < 0 && dx.rule >= 0);
	*ret = exec_wins ? dx : dg;
}
