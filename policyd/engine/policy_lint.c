/* SPDX-License-Identifier: MIT */
/*
 * policy_lint: warnings for rules that can never decide anything because
 * another rule that is at least as strict (and earlier, when equally
 * strict) matches every event they match. The cover test is conservative:
 * it only says "covers" when that is certain, so it may miss shadowing but
 * never warns wrongly.
 */
#include <string.h>

#include "policy_diag.h"
#include "policy_internal.h"

#define LINT_MAX_RULES 3000

/* Does glob s match every string glob r matches? */
static bool glob_covers(const struct glob *s, const struct glob *r)
{
	if (glob_matches_all(s))
		return true;
	if (strcmp(glob_source(s), glob_source(r)) == 0)
		return true;
	if (glob_is_tree(s)) {
		const char *P = glob_prefix(s), *rp = glob_prefix(r);
		size_t pl = strlen(P);
		if (strncmp(rp, P, pl) != 0)
			return false;
		if (rp[pl] == '/')
			return true;
		if (rp[pl] == '\0' && (glob_is_literal(r) || glob_is_tree(r)))
			return true;
	}
	return false;
}

static bool list_covers(const struct globlist *s, const struct globlist *r)
{
	if (!s->set)
		return true;
	if (!r->set)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		bool ok = false;
		for (size_t j = 0; j < s->n && !ok; j++)
			ok = glob_covers(s->v[j], r->v[i]);
		if (!ok)
			return false;
	}
	return true;
}

static bool argvpat_covers(const struct argvpat *s, const struct argvpat *r)
{
	if (strcmp(s->src, r->src) == 0)
		return true;
	if (s->n == 1 && !s->tok[0])
		return true; /* "**" */
	if (s->n == 2 && s->tok[0] && !s->tok[1] && r->n >= 1 && r->tok[0] &&
	    strcmp(glob_source(s->tok[0]), glob_source(r->tok[0])) == 0)
		return true; /* "cmd **" covers "cmd ..." */
	return false;
}

static bool argv_covers(const struct argvlist *s, const struct argvlist *r)
{
	if (!s->set)
		return true;
	if (!r->set)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		bool ok = false;
		for (size_t j = 0; j < s->n && !ok; j++)
			ok = argvpat_covers(&s->v[j], &r->v[i]);
		if (!ok)
			return false;
	}
	return true;
}

static bool exec_covers(const struct exec_m *s, const struct exec_m *r)
{
	if (s->not_path.set || s->not_cwd.set || s->not_argv.set)
		return false;
	return list_covers(&s->path, &r->path) &&
	       list_covers(&s->cwd, &r->cwd) && argv_covers(&s->argv, &r->argv);
}

static bool open_covers(const struct open_m *s, const struct open_m *r)
{
	if (s->not_path.set)
		return false;
	return (s->access & r->access) == r->access &&
	       list_covers(&s->path, &r->path);
}

static bool host_covers(const char *s, const char *r)
{
	if (!strcmp(s, "*") || !strcmp(s, r))
		return true;
	if (!strncmp(s, "*.", 2)) {
		size_t sl = strlen(s + 1), rl = strlen(r);
		return rl > sl && !strcmp(r + rl - sl, s + 1);
	}
	return false;
}

static bool connect_covers(const struct connect_m *s, const struct connect_m *r)
{
	if (s->nnot_host || s->nnot_cidr || s->nnot_port)
		return false;
	if (s->dest_set && !s->nhost && !s->ncidr)
		return false; /* s matches no destination */
	if (s->nhost || s->ncidr) {
		if (!r->nhost && !r->ncidr)
			return false;
		for (size_t i = 0; i < r->nhost; i++) {
			bool ok = false;
			for (size_t j = 0; j < s->nhost && !ok; j++)
				ok = host_covers(s->host[j], r->host[i]);
			if (!ok)
				return false;
		}
		for (size_t i = 0; i < r->ncidr; i++) {
			bool ok = false;
			for (size_t j = 0; j < s->ncidr && !ok; j++)
				ok = tg_cidr_covers(&s->cidr[j], &r->cidr[i]);
			if (!ok)
				return false;
		}
	}
	if (s->nport) {
		if (!r->nport)
			return false;
		for (size_t i = 0; i < r->nport; i++) {
			bool ok = false;
			for (size_t j = 0; j < s->nport && !ok; j++)
				ok = s->port[j].lo <= r->port[i].lo &&
				     r->port[i].hi <= s->port[j].hi;
			if (!ok)
				return false;
		}
	}
	return s->proto == POLICY_PROTO_ANY || s->proto == r->proto;
}

static bool git_covers(const struct git_m *s, const struct git_m *r)
{
	if (s->not_command.set || s->not_remote.set || s->not_branch.set ||
	    s->not_args.set || s->not_config_key.set)
		return false;
	if (s->force >= 0 && s->force != r->force)
		return false;
	if (s->delete_ >= 0 && s->delete_ != r->delete_)
		return false;
	return list_covers(&s->command, &r->command) &&
	       list_covers(&s->remote, &r->remote) &&
	       list_covers(&s->branch, &r->branch) &&
	       list_covers(&s->config_key, &r->config_key) &&
	       argv_covers(&s->args, &r->args);
}

static bool rule_covers(const struct rule *s, const struct rule *r)
{
	if (r->exec && !(s->exec && exec_covers(s->exec, r->exec)))
		return false;
	if (r->open && !(s->open && open_covers(s->open, r->open)))
		return false;
	if (r->connect &&
	    !(s->connect && connect_covers(s->connect, r->connect)))
		return false;
	if (r->git && !(s->git && git_covers(s->git, r->git)))
		return false;
	if (r->unix_ && !(s->unix_ && !s->unix_->not_path.set &&
			  list_covers(&s->unix_->path, &r->unix_->path)))
		return false;
	return true;
}

void policy_lint(const struct policy *p, struct policy_diags *d)
{
	if (p->nrules > LINT_MAX_RULES)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		for (size_t j = 0; j < p->nrules; j++) {
			const struct rule *s = &p->rules[j];
			if (i == j || s->action < r->action ||
			    (s->action == r->action && j > i))
				continue;
			if (!rule_covers(s, r))
				continue;
			policy_diag_add(
			    d, r->file, r->line, r->col, true,
			    "rule '%s' can never decide: rule '%s' (%s:%d, %s) "
			    "matches everything it matches and %s",
			    r->id, s->id, s->file, s->line,
			    policy_action_name(s->action),
			    s->action > r->action ? "is stricter"
						  : "comes first");
			break;
		}
	}
}
