/* SPDX-License-Identifier: MIT */
/* policy_rules: one rule of `rules:`. */
#include "policy_rules.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "policy_matchers.h"
#include "policy_netmatch.h"
#include "policy_vars.h"

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.' && *s != ':' && *s != '/')
			return false;
	return true;
}

static int rule_id(struct loader *L, const struct ynode *n, struct rule *r)
{
	const struct ynode *id = ytree_get(n, "id");
	if (!id) {
		loader_err(L, n,
			   "rule has no 'id': add one, such as id: "
			   "workspace-edit (every decision names its rule)");
		return -EINVAL;
	}
	const char *s = loader_scalar(L, id, "id");
	if (!s)
		return -EINVAL;
	if (!valid_id(s)) {
		char fix[65];
		size_t k = 0;
		for (const char *c = s; *c && k < sizeof(fix) - 1; c++)
			if (isalnum((unsigned char)*c) || strchr("-_.:/", *c))
				fix[k++] = *c;
			else if (k && fix[k - 1] != '-')
				fix[k++] = '-';
		while (k && fix[k - 1] == '-')
			k--;
		fix[k] = '\0';
		loader_err(L, id,
			   "bad rule id '%.80s': use 1-64 letters, digits and "
			   "- _ . : /%s%s%s",
			   s, k ? ", such as '" : "", fix, k ? "'" : "");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i + 1 < L->p->nrules; i++) {
		const struct rule *o = &L->p->rules[i];
		if (o->id && strcmp(o->id, s) == 0) {
			loader_err(L, id,
				   "duplicate rule id '%s' (first used at "
				   "%s:%d): rename one of them",
				   s, o->file, o->line);
			rc = -EINVAL;
		}
	}
	r->id = strdup(s);
	return r->id ? rc : -ENOMEM;
}

/* tier and/or action -> r->action. */
static int rule_action(struct loader *L, const struct ynode *n, struct rule *r)
{
	static const enum policy_action by_tier[] = {POLICY_ALLOW, POLICY_LOG,
						     POLICY_PROMPT};
	const struct ynode *tier = ytree_get(n, "tier");
	const struct ynode *action = ytree_get(n, "action");
	int rc = 0;
	if (tier) {
		if (tier->type == YN_SCALAR && tier->plain && tier->len == 1 &&
		    tier->str[0] >= '1' && tier->str[0] <= '3') {
			r->action = by_tier[tier->str[0] - '1'];
		} else {
			loader_err(L, tier,
				   "tier must be 1 (allow), 2 (log) or 3 "
				   "(prompt); for a refusal write action: "
				   "deny");
			rc = -EINVAL;
			tier = NULL; /* no tier to disagree with */
		}
	}
	if (action) {
		enum policy_action a;
		const char *s = loader_scalar(L, action, "action");
		if (!s)
			return -EINVAL;
		if (policy_action_from_name(s, &a) < 0) {
			loader_err(L, action,
				   "unknown action '%.40s'; use allow, log, "
				   "prompt or deny",
				   s);
			return -EINVAL;
		}
		if (tier && a != r->action) {
			loader_err(L, action,
				   "tier %s and action '%s' disagree; give "
				   "one of them",
				   tier->str, s);
			rc = -EINVAL;
		}
		r->action = a;
	}
	if (!ytree_get(n, "tier") && !action) {
		loader_err(L, n,
			   "rule '%s' has neither 'tier' nor 'action': add "
			   "action: allow, log, prompt or deny",
			   r->id ? r->id : "?");
		rc = -EINVAL;
	}
	return rc;
}

static int rule_message(struct loader *L, const struct ynode *n, struct rule *r)
{
	const struct ynode *msg = ytree_get(n, "message");
	if (!msg)
		return 0;
	if (!loader_scalar(L, msg, "message"))
		return -EINVAL;
	r->message = vars_expand(L, msg, false);
	if (!r->message)
		return -EINVAL;
	if (strlen(r->message) > 1024) {
		loader_err(L, msg,
			   "message is longer than 1024 bytes: shorten it "
			   "(the agent reads it on one line)");
		return -EINVAL;
	}
	return 0;
}

static int m_exec(struct loader *L, const struct ynode *m, struct rule *r)
{
	return matcher_exec(L, m, &r->exec);
}
static int m_open(struct loader *L, const struct ynode *m, struct rule *r)
{
	return matcher_open(L, m, &r->open);
}
static int m_connect(struct loader *L, const struct ynode *m, struct rule *r)
{
	if (matcher_is_unix(m))
		return matcher_unix(L, m, &r->unix_);
	return netmatch_connect(L, m, &r->connect);
}
static int m_git(struct loader *L, const struct ynode *m, struct rule *r)
{
	return matcher_git(L, m, &r->git);
}

static const struct {
	const char *key;
	int (*compile)(struct loader *L, const struct ynode *m, struct rule *r);
} matchers[] = {
    {"exec", m_exec},
    {"open", m_open},
    {"connect", m_connect},
    {"git", m_git},
};

static int rule_matchers(struct loader *L, const struct ynode *n,
			 struct rule *r)
{
	bool any = false;
	int rc = 0;
	for (size_t i = 0; i < TG_ARRAY_SIZE(matchers); i++) {
		const struct ynode *m = ytree_get(n, matchers[i].key);
		if (!m)
			continue;
		any = true;
		if (matchers[i].compile(L, m, r) < 0)
			rc = -EINVAL;
	}
	if (!any) {
		loader_err(L, n,
			   "rule '%s' has no matcher: give exec, open, connect "
			   "or git",
			   r->id ? r->id : "?");
		rc = -EINVAL;
	}
	return rc;
}

/* A new zeroed rule at the end of the policy's list, or NULL. */
static struct rule *rule_new(struct loader *L, const struct ynode *n, int *rc)
{
	if (L->p->nrules >= POLICY_MAX_RULES) {
		loader_err(L, n,
			   "more than %d rules; split or simplify the "
			   "policy",
			   POLICY_MAX_RULES);
		*rc = -E2BIG;
		return NULL;
	}
	if (tg_grow((void **)&L->p->rules, &L->caprules, L->p->nrules + 1,
		    sizeof(struct rule)) < 0) {
		*rc = -ENOMEM;
		return NULL;
	}
	struct rule *r = &L->p->rules[L->p->nrules++];
	memset(r, 0, sizeof(*r));
	r->file = L->cur_file;
	r->line = n->line;
	r->col = n->col;
	return r;
}

int rules_compile(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {
	    "id",   "tier",    "action", "message",	"exec",
	    "open", "connect", "git",	 "description", NULL};
	if (n->type != YN_MAP) {
		loader_err(L, n,
			   "each rule must be a mapping, not %s: write "
			   "- id: NAME, then its fields indented below it",
			   ynode_type_name(n));
		return -EINVAL;
	}
	int rc = 0;
	struct rule *r = rule_new(L, n, &rc);
	if (!r)
		return rc;
	if (!loader_check_keys(L, n, keys, "a rule"))
		rc = -EINVAL;
	int r_id = rule_id(L, n, r);
	if (r_id == -ENOMEM)
		return r_id;
	if (r_id < 0)
		rc = -EINVAL;
	if (rule_action(L, n, r) < 0)
		rc = -EINVAL;
	if (rule_message(L, n, r) < 0)
		rc = -EINVAL;
	const struct ynode *desc = ytree_get(n, "description");
	if (desc && !loader_scalar(L, desc, "description"))
		rc = -EINVAL;
	if (rule_matchers(L, n, r) < 0)
		rc = -EINVAL;
	return rc;
}

void rules_free_one(struct rule *r)
{
	free(r->id);
	free(r->message);
	matcher_exec_free(r->exec);
	matcher_open_free(r->open);
	netmatch_connect_free(r->connect);
	matcher_unix_free(r->unix_);
	matcher_git_free(r->git);
}
