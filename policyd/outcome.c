/* SPDX-License-Identifier: MIT */
#include "outcome.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const char *decision_name(enum decision d)
{
	static const char *const names[DECISION_MAX] = {
	    [DECISION_REFUSED] = "refused",
	    [DECISION_ALLOWED] = "allowed",
	    [DECISION_ABSENT] = "absent",
	};
	/* out of range: never; refuse rather than guess */
	return (unsigned)d < DECISION_MAX ? names[d] : "refused";
}

void outcome_init(struct outcome *o)
{
	memset(o, 0, offsetof(struct outcome, target));
	o->target[0] = o->object[0] = o->object2[0] = '\0';
	o->detail[0] = o->msg[0] = o->kprefix[0] = '\0';
	o->kind = "?";
}

void outcome_deny(struct outcome *o, const char *id, const char *msg)
{
	o->d.action = POLICY_DENY;
	o->d.rule = -1;
	o->d.rule_id = id;
	o->d.message = msg;
}

void outcome_unresolved(struct outcome *o, int err)
{
	outcome_deny(o, "unresolvable", NULL);
	o->unresolved = true;
	tg_strlcpy(o->detail, sizeof(o->detail), strerror(-err));
	snprintf(o->msg, sizeof(o->msg),
		 "policyd could not resolve the target (%s)", strerror(-err));
}

void outcome_conclude(struct outcome *o)
{
	const char *msg = o->d.message;
	if (o->unresolved) {
		o->decision = DECISION_REFUSED;
		return;
	}
	o->decision = DECISION_ALLOWED;
	if (o->d.action == POLICY_PROMPT) {
		/* the approval workflow holds these; until an operator can
		 * answer, a prompt is a refusal that says so */
		/* the line names the rule already: "(rule X): approval
		 * required: the rule's message" */
		snprintf(o->msg, sizeof(o->msg), "approval required%s%s",
			 msg ? ": " : "", msg ? msg : "");
		o->decision = DECISION_REFUSED;
	} else if (o->d.action == POLICY_DENY) {
		o->decision = DECISION_REFUSED;
		snprintf(o->msg, sizeof(o->msg), "%s",
			 msg ? msg
			 : o->d.rule < 0
			     ? "no rule allows this (policy default)"
			     : "refused by policy");
	} else if (msg) {
		tg_strlcpy(o->msg, sizeof(o->msg), msg);
	}
}

void outcome_combine(struct policy_decision *acc, bool *have,
		     const struct policy_decision *d)
{
	if (!*have) {
		*acc = *d;
		*have = true;
		return;
	}
	if (d->action > acc->action ||
	    (d->action == acc->action && d->rule >= 0 &&
	     (acc->rule < 0 || d->rule < acc->rule)))
		*acc = *d;
}

void outcome_spelled(struct policy_decision *real_d,
		     const struct policy_decision *lex_d)
{
	if (lex_d->rule >= 0 && lex_d->action > real_d->action)
		*real_d = *lex_d;
}

uint64_t outcome_digest(const struct outcome *o)
{
	uint64_t h = 1469598103934665603ULL;
	const int num[] = {(int)o->decision, (int)o->d.action, o->d.rule};
	const unsigned char *b = (const unsigned char *)num;
	for (size_t i = 0; i < sizeof(num); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	const char *str[] = {o->d.rule_id ? o->d.rule_id : "", o->target};
	for (size_t k = 0; k < TG_ARRAY_SIZE(str); k++) {
		for (const char *p = str[k]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL; /* never in a string */
	}
	return h ? h : 1;
}
