/* SPDX-License-Identifier: MIT */
/* policy_decide: does a rule match an event, and which rule decides. */
#include <errno.h>
#include <string.h>

#include "policy_internal.h"

static bool any_glob(const struct globlist *l, const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (glob_match(l->v[i], s))
			return true;
	return false;
}

/* A field that was written must match; not_<field> must not. */
static bool field_ok(const struct globlist *yes, const struct globlist *no,
		     const char *s)
{
	if (yes->set && !any_glob(yes, s))
		return false;
	if (no->set && any_glob(no, s))
		return false;
	return true;
}

/* The names the first token of an exec's argv pattern is matched against:
 * argv[0], which the caller chooses freely, and the program's own path as
 * spelled and as resolved, which it cannot disguise ("exec -a x pkill"
 * still matches "pkill **"). */
struct names0 {
	const char *const *v;
	size_t n;
};

static bool tok_match(const struct glob *g, const char *arg)
{
	return glob_match(g, arg);
}

static bool tok0_match(const struct glob *g, const char *argv0,
		       const struct names0 *nm)
{
	bool full = strchr(glob_source(g), '/') != NULL;
	if (glob_match(g, full ? argv0 : tg_basename(argv0)))
		return true;
	for (size_t i = 0; nm && i < nm->n; i++)
		if (nm->v[i] &&
		    glob_match(g, full ? nm->v[i] : tg_basename(nm->v[i])))
			return true;
	return false;
}

struct argv_ctx {
	const char *const *argv;
	const struct names0 *nm;
	bool argv0;
};

static bool argv_tok(const struct glob *t, size_t j, void *ctx)
{
	const struct argv_ctx *a = ctx;
	return a->argv0 && j == 0 ? tok0_match(t, a->argv[0], a->nm)
				  : tok_match(t, a->argv[j]);
}

/* An argv pattern's tokens against argv (glob_tokens_match). nm: the
 * first argument is a program's argv[0] (see struct names0); NULL
 * otherwise. */
static bool argvpat_match(const struct argvpat *ap, const char *const *argv,
			  size_t argc, const struct names0 *nm, bool argv0)
{
	struct argv_ctx a = {.argv = argv, .nm = nm, .argv0 = argv0};
	return glob_tokens_match(ap->tok, ap->n, argc, argv_tok, &a);
}

static bool any_argv(const struct argvlist *l, const char *const *argv,
		     size_t argc, const struct names0 *nm, bool argv0)
{
	for (size_t i = 0; i < l->n; i++)
		if (argvpat_match(&l->v[i], argv, argc, nm, argv0))
			return true;
	return false;
}

static bool argv_ok(const struct argvlist *yes, const struct argvlist *no,
		    const char *const *argv, size_t argc,
		    const struct names0 *nm, bool argv0)
{
	if (yes->set && !any_argv(yes, argv, argc, nm, argv0))
		return false;
	if (no->set && any_argv(no, argv, argc, nm, argv0))
		return false;
	return true;
}

static bool exec_matches(const struct exec_m *m, const struct policy_event *ev)
{
	return field_ok(&m->path, &m->not_path, ev->path) &&
	       field_ok(&m->cwd, &m->not_cwd, ev->cwd) &&
	       argv_ok(&m->argv, &m->not_argv, ev->argv, ev->argc,
		       &(struct names0){ev->names, ev->nnames}, true);
}

static bool open_matches(const struct open_m *m, const char *path,
			 unsigned access)
{
	return (m->access & access) && field_ok(&m->path, &m->not_path, path);
}

static bool ports_has(const struct portrange *v, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= v[i].lo && port <= v[i].hi)
			return true;
	return false;
}

static bool hosts_has(char *const *v, size_t n, const char *host)
{
	if (!host)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tg_host_match(v[i], host))
			return true;
	return false;
}

static bool cidrs_has(const struct tg_cidr *v, size_t n,
		      const struct tg_addr *a)
{
	if (!a)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tg_cidr_contains(&v[i], a))
			return true;
	return false;
}

static bool connect_matches(const struct connect_m *m,
			    const struct policy_event *ev)
{
	/* host and cidr are two spellings of one field, the destination:
	 * it matches when either matches */
	if (m->dest_set && !hosts_has(m->host, m->nhost, ev->host) &&
	    !cidrs_has(m->cidr, m->ncidr, ev->addr))
		return false;
	if (hosts_has(m->not_host, m->nnot_host, ev->host) ||
	    cidrs_has(m->not_cidr, m->nnot_cidr, ev->addr))
		return false;
	if (m->nport && !ports_has(m->port, m->nport, ev->port))
		return false;
	if (m->nnot_port && ports_has(m->not_port, m->nnot_port, ev->port))
		return false;
	if (m->proto != POLICY_PROTO_ANY && ev->proto != POLICY_PROTO_ANY &&
	    m->proto != ev->proto)
		return false;
	if (m->proto != POLICY_PROTO_ANY && ev->proto == POLICY_PROTO_ANY)
		return false;
	return true;
}

/*
 * Branch lists. When the event's branches are unknown or "all"
 * (--all, --mirror, an unresolvable HEAD), a refusing rule (prompt, deny)
 * with a branch list matches, since the push may reach any branch; an
 * allowing rule matches only if one of its patterns matches everything.
 */
static bool branches_match(const struct globlist *l, const struct git_event *g,
			   bool strict_rule)
{
	if (g->all_branches) {
		if (strict_rule)
			return true;
		for (size_t i = 0; i < l->n; i++)
			if (glob_matches_all(l->v[i]) ||
			    strcmp(glob_source(l->v[i]), "*") == 0)
				return true;
		return false;
	}
	for (size_t b = 0; b < g->nbranches; b++)
		if (any_glob(l, g->branches[b]))
			return true;
	return false;
}

/*
 * git config's written keys (git_event.config_*). A refusing rule with
 * config_key matches when git may write a key it names: a listed key by
 * glob, a section (a rename, a removal) when a key of it may match, any
 * key (--edit, unsure) always. An allowing rule matches only when every
 * key git may write is one it names: each listed key, each section whose
 * every key a glob matches, any key only with a glob that matches
 * everything. A read writes no key and matches no rule with config_key.
 */
static bool config_section_match(const struct globlist *l, const char *sect,
				 bool strict_rule)
{
	char prefix[TG_PATH_MAX];
	if (snprintf(prefix, sizeof(prefix), "%s.", sect) >=
	    (int)sizeof(prefix))
		return strict_rule; /* cannot tell: the worst */
	for (size_t i = 0; i < l->n; i++)
		if (strict_rule ? glob_match_prefix(l->v[i], prefix)
				: glob_match_every_suffix(l->v[i], prefix))
			return true;
	return false;
}

static bool config_keys_match(const struct globlist *l,
			      const struct git_event *g, bool strict_rule)
{
	size_t nk = g->nconfig_keys, ns = g->nconfig_sections;
	if (!nk && !ns && !g->config_any)
		return false; /* a read */
	if (g->config_any) {
		if (strict_rule)
			return true;
		for (size_t i = 0; i < l->n; i++)
			if (glob_matches_all(l->v[i]))
				return true;
		return false;
	}
	/* strict: one matches; otherwise every one */
	for (size_t k = 0; k < nk; k++)
		if (any_glob(l, g->config_keys[k]) == strict_rule)
			return strict_rule;
	for (size_t k = 0; k < ns; k++)
		if (config_section_match(l, g->config_sections[k],
					 strict_rule) == strict_rule)
			return strict_rule;
	return !strict_rule;
}

/* not_config_key: a write, every key of it outside the list (what may be
 * any key, or any of a section, is outside for a refusing rule only) */
static bool config_keys_outside(const struct globlist *l,
				const struct git_event *g, bool strict_rule)
{
	if (!g->nconfig_keys && !g->nconfig_sections && !g->config_any)
		return false; /* a read */
	if (g->config_any)
		return strict_rule;
	for (size_t k = 0; k < g->nconfig_keys; k++)
		if (any_glob(l, g->config_keys[k]))
			return false;
	for (size_t k = 0; k < g->nconfig_sections; k++)
		if (config_section_match(l, g->config_sections[k],
					 !strict_rule))
			return false;
	return true;
}

static bool git_matches(const struct git_m *m, const struct git_event *g,
			enum policy_action action)
{
	bool strict = action >= POLICY_PROMPT;
	if (!field_ok(&m->command, &m->not_command, g->command))
		return false;
	/* an event with neither a remote name nor a URL (unsure: what the
	 * push reaches is unknown) may reach any remote: a refusing rule
	 * matches it, an allowing one does not */
	bool any = !g->remote && !g->remote_url;
	bool named = any_glob(&m->remote, g->remote) ||
		     any_glob(&m->remote, g->remote_url);
	if (m->remote.set && !(any ? strict : named))
		return false;
	bool excluded = any_glob(&m->not_remote, g->remote) ||
			any_glob(&m->not_remote, g->remote_url);
	if (m->not_remote.set && (any ? !strict : excluded))
		return false;
	if (m->branch.set && !branches_match(&m->branch, g, strict))
		return false;
	/* not_branch: every target branch must be outside the list */
	if (m->not_branch.set) {
		if (g->all_branches && !strict)
			return false;
		for (size_t b = 0; b < g->nbranches; b++)
			if (any_glob(&m->not_branch, g->branches[b]))
				return false;
	}
	if (m->config_key.set && !config_keys_match(&m->config_key, g, strict))
		return false;
	if (m->not_config_key.set &&
	    !config_keys_outside(&m->not_config_key, g, strict))
		return false;
	if (!argv_ok(&m->args, &m->not_args, (const char *const *)g->args,
		     g->nargs, NULL, false))
		return false;
	if (m->force >= 0 && (int)g->force != m->force)
		return false;
	if (m->delete_ >= 0 && (int)g->delete_refs != m->delete_)
		return false;
	return true;
}

bool policy_git_argv_decides(const struct policy *p, const char *command)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct git_m *m = p->rules[i].git;
		if (!m || !field_ok(&m->command, &m->not_command, command))
			continue; /* matches no event of this command */
		/* every field git_matches reads besides command and args */
		if (m->remote.set || m->not_remote.set || m->branch.set ||
		    m->not_branch.set || m->config_key.set ||
		    m->not_config_key.set || m->force >= 0 || m->delete_ >= 0)
			return false;
	}
	return true;
}

/* Does rule r match ev? Sets *ret_kind to the matcher that matched. */
static bool rule_matches(const struct rule *r, const struct policy_event *ev,
			 enum policy_kind *ret_kind)
{
	switch (ev->kind) {
	case POLICY_EV_EXEC:
		if (r->exec && exec_matches(r->exec, ev)) {
			*ret_kind = POLICY_EV_EXEC;
			return true;
		}
		if (r->open &&
		    open_matches(r->open, ev->path, POLICY_ACC_EXEC)) {
			*ret_kind = POLICY_EV_OPEN;
			return true;
		}
		if (r->git && ev->git &&
		    git_matches(r->git, ev->git, r->action)) {
			*ret_kind = POLICY_EV_GIT;
			return true;
		}
		return false;
	case POLICY_EV_OPEN:
		if (r->open && ev->path &&
		    open_matches(r->open, ev->path, ev->access)) {
			*ret_kind = POLICY_EV_OPEN;
			return true;
		}
		return false;
	case POLICY_EV_CONNECT:
		if (ev->unix_path) {
			/* a Unix socket: its connect rules, and a named one
			 * is written like a file (the kernel asks for write
			 * permission on it): the open rules for writes */
			if (r->unix_ &&
			    field_ok(&r->unix_->path, &r->unix_->not_path,
				     ev->unix_path)) {
				*ret_kind = POLICY_EV_CONNECT;
				return true;
			}
			if (r->open && ev->path &&
			    open_matches(r->open, ev->path, POLICY_ACC_WRITE)) {
				*ret_kind = POLICY_EV_OPEN;
				return true;
			}
			return false;
		}
		if (r->connect && connect_matches(r->connect, ev)) {
			*ret_kind = POLICY_EV_CONNECT;
			return true;
		}
		return false;
	case POLICY_EV_GIT:
		if (r->git && ev->git &&
		    git_matches(r->git, ev->git, r->action)) {
			*ret_kind = POLICY_EV_GIT;
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* Does rule ri match ev, by its names or (a refusing exec rule) by the
 * content of the program: a copy or a link of a program it names is
 * matched as if run under that program's path too. */
static bool rule_matches_at(const struct policy *p, uint32_t ri,
			    const struct policy_event *ev,
			    enum policy_kind *ret_kind)
{
	const struct rule *r = &p->rules[ri];
	if (rule_matches(r, ev, ret_kind))
		return true;
	if (!r->exec || ev->kind != POLICY_EV_EXEC || !ev->prog)
		return false;
	const char *names[8];
	size_t nn = ev->nnames < 7 ? ev->nnames : 7;
	for (size_t i = 0; i < nn; i++)
		names[i] = ev->names[i];
	struct policy_event e = *ev;
	e.names = names;
	e.nnames = nn + 1;
	size_t it = 0;
	for (const char *as; (as = policy_ids_match(p, ri, ev, &it));) {
		names[nn] = as;
		e.path = as;
		if (exec_matches(r->exec, &e)) {
			*ret_kind = POLICY_EV_EXEC;
			return true;
		}
	}
	return false;
}

#define MAX_WORDS ((POLICY_MAX_RULES + 63) / 64)

static void decide_one(const struct policy *p, const struct policy_event *ev,
		       struct policy_decision *ret)
{
	uint64_t bits[MAX_WORDS];
	policy_index_candidates(p, ev, bits);
	policy_ids_candidates(p, ev, bits);
	for (size_t w = 0; w < p->words; w++) {
		uint64_t b = bits[w];
		while (b) {
			uint32_t rank =
			    (uint32_t)(w * 64) + (uint32_t)__builtin_ctzll(b);
			b &= b - 1;
			uint32_t ri = p->by_rank[rank];
			const struct rule *r = &p->rules[ri];
			enum policy_kind k;
			if (rule_matches_at(p, ri, ev, &k)) {
				ret->action = r->action;
				ret->rule = (int)ri;
				ret->rule_id = r->id;
				ret->message = r->message;
				ret->matched = k;
				return;
			}
		}
	}
	ret->action = p->settings.default_action;
	ret->rule = -1;
	ret->rule_id = "default";
	ret->message = NULL;
	ret->matched = ev->kind;
}

bool policy_decision_stricter(const struct policy *p,
			      const struct policy_decision *a,
			      const struct policy_decision *b)
{
	if (a->action != b->action)
		return a->action > b->action;
	if (b->rule < 0)
		return a->rule >= 0;
	return a->rule >= 0 && p->rules[a->rule].rank < p->rules[b->rule].rank;
}

void policy_decide(const struct policy *p, const struct policy_event *ev,
		   struct policy_decision *ret)
{
	/* An open that reads and also writes (O_RDWR) is two questions: a
	 * rule that allows reading says nothing about writing there. The
	 * read is decided on its own and the rest (write, create, delete,
	 * which one rule may list in part) on its own; the stricter wins,
	 * and either one no rule covers gets the default. */
	unsigned rest = ev->access & ~(unsigned)POLICY_ACC_READ;
	if (ev->kind != POLICY_EV_OPEN || !(ev->access & POLICY_ACC_READ) ||
	    !rest) {
		decide_one(p, ev, ret);
		return;
	}
	struct policy_event e = *ev;
	struct policy_decision w;
	e.access = POLICY_ACC_READ;
	decide_one(p, &e, ret);
	e.access = rest;
	decide_one(p, &e, &w);
	if (policy_decision_stricter(p, &w, ret))
		*ret = w;
}

/* Could a pattern of l match this program whatever its argv[0]: its first
 * token is "**", or matches the program's path as spelled or resolved? */
static bool names_could_match(const struct argvlist *l,
			      const struct policy_event *ev)
{
	struct names0 nm = {ev->names, ev->nnames};
	for (size_t k = 0; l->set && k < l->n; k++) {
		const struct argvpat *ap = &l->v[k];
		if (ap->n == 0 || !ap->tok[0])
			return true;
		/* matched against the names alone: argv[0] = a name */
		for (size_t i = 0; i < nm.n; i++)
			if (nm.v[i] && tok0_match(ap->tok[0], nm.v[i], NULL))
				return true;
		if (!nm.n && ev->path && tok0_match(ap->tok[0], ev->path, NULL))
			return true;
	}
	return false;
}

bool policy_exec_uses_cwd(const struct policy *p)
{
	return p->exec_cwd; /* exec_fastpath_build */
}

bool policy_host_named(const struct policy *p, const char *host)
{
	for (size_t i = 0; host && i < p->nrules; i++) {
		const struct connect_m *m = p->rules[i].connect;
		if (m && (hosts_has(m->host, m->nhost, host) ||
			  hosts_has(m->not_host, m->nnot_host, host)))
			return true;
	}
	return false;
}

bool policy_exec_argv_dependent(const struct policy *p,
				const struct policy_event *ev,
				const struct policy_decision *d)
{
	if (ev->git)
		return true;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		const struct exec_m *x = r->exec;
		if (!x || (!x->argv.set && !x->not_argv.set))
			continue;
		/* the deciding rule looked at argv, or a stricter rule that
		 * looks at argv could win with another argv */
		if ((int)i != d->rule && r->action <= d->action)
			continue;
		/* patterns that can only match through argv[0] need no
		 * race: the caller could have passed that argv[0] anyway */
		if (!names_could_match(&x->argv, ev) &&
		    !names_could_match(&x->not_argv, ev))
			continue;
		if (field_ok(&x->path, &x->not_path, ev->path) &&
		    (!ev->cwd || field_ok(&x->cwd, &x->not_cwd, ev->cwd)))
			return true;
	}
	return false;
}

size_t policy_match_all(const struct policy *p, const struct policy_event *ev,
			policy_match_cb cb, void *ud)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nrules; i++) {
		enum policy_kind k;
		if (rule_matches_at(p, (uint32_t)i, ev, &k)) {
			n++;
			if (cb)
				cb(p, (int)i, k, ud);
		}
	}
	return n;
}

/* ----------------------------- fast path ---------------------------- */

static void exec_fastpath_build(struct policy *p);

static int push_glob(char ***v, size_t *n, struct glob ***gv,
		     const struct glob *g)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	struct glob **ng = realloc(*gv, (*n + 1) * sizeof(**gv));
	if (!ng)
		return -ENOMEM;
	*gv = ng;
	const char *err;
	size_t pos;
	struct glob *copy = NULL;
	if (glob_compile(glob_source(g), GLOB_PATH, &copy, &err, &pos) < 0)
		return -EINVAL;
	(*v)[*n] = strdup(glob_source(g));
	if (!(*v)[*n]) {
		glob_free(copy);
		return -ENOMEM;
	}
	(*gv)[*n] = copy;
	(*n)++;
	return 0;
}

/* every path ("/" and all below) among the read fast path's allow globs */
static int push_all(struct policy *p)
{
	struct glob *all = NULL;
	const char *err;
	size_t pos;
	int r = glob_compile("/**", GLOB_PATH, &all, &err, &pos);
	if (r >= 0)
		r = push_glob(&p->fp_allow, &p->nfp_allow, &p->fp_allow_g, all);
	glob_free(all);
	return r < 0 ? r : 0;
}

void policy_fastpath_build(struct policy *p)
{
	/* out of memory: fewer programs known by content, every rule a
	 * candidate (see policy_ids_candidates) */
	(void)policy_ids_build(p);
	exec_fastpath_build(p);
	p->exec_cwd = false;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct exec_m *x = p->rules[i].exec;
		if (x && (x->cwd.set || x->not_cwd.set))
			p->exec_cwd = true;
	}
	p->fp_ok = !p->settings.audit_allow;
	for (size_t i = 0; i < p->nrules && p->fp_ok; i++) {
		const struct rule *r = &p->rules[i];
		const struct open_m *m = r->open;
		if (!m || !(m->access & POLICY_ACC_READ))
			continue;
		if (r->action == POLICY_ALLOW) {
			if (!m->path.set && push_all(p) < 0)
				p->fp_ok = false;
			for (size_t k = 0; k < m->path.n; k++)
				if (push_glob(&p->fp_allow, &p->nfp_allow,
					      &p->fp_allow_g, m->path.v[k]) < 0)
					p->fp_ok = false;
			for (size_t k = 0; k < m->not_path.n; k++)
				if (push_glob(&p->fp_sensitive,
					      &p->nfp_sensitive,
					      &p->fp_sensitive_g,
					      m->not_path.v[k]) < 0)
					p->fp_ok = false;
		} else {
			if (!m->path.set) {
				p->fp_ok = false; /* every read is sensitive */
				break;
			}
			for (size_t k = 0; k < m->path.n; k++)
				if (push_glob(
					&p->fp_sensitive, &p->nfp_sensitive,
					&p->fp_sensitive_g, m->path.v[k]) < 0)
					p->fp_ok = false;
		}
	}
	/* a silent default allows every read no stricter rule names (a
	 * permissive policy's reads were each asked of policyd) */
	if (p->fp_ok && p->settings.default_action == POLICY_ALLOW &&
	    push_all(p) < 0)
		p->fp_ok = false;
}

void policy_fastpath_free(struct policy *p)
{
	policy_ids_free(p);
	for (size_t i = 0; i < p->nfp_allow; i++) {
		free(p->fp_allow[i]);
		glob_free(p->fp_allow_g[i]);
	}
	for (size_t i = 0; i < p->nfp_sensitive; i++) {
		free(p->fp_sensitive[i]);
		glob_free(p->fp_sensitive_g[i]);
	}
	free(p->fp_allow);
	free(p->fp_allow_g);
	free(p->fp_sensitive);
	free(p->fp_sensitive_g);
	for (size_t i = 0; i < p->nxp_allow; i++)
		free(p->xp_allow[i]);
	for (size_t i = 0; i < p->nxp_sens; i++)
		free(p->xp_sens[i]);
	for (size_t i = 0; i < p->nxp_sens0; i++)
		free(p->xp_sens0[i]);
	free(p->xp_allow);
	free(p->xp_sens);
	free(p->xp_sens0);
}

static int push_str(char ***v, size_t *n, const char *s)
{
	return tg_strv_push(v, n, s, false);
}

static void exec_fastpath_build(struct policy *p)
{
	bool ok = !p->settings.audit_allow;
	for (size_t i = 0; i < p->nrules && ok; i++) {
		const struct rule *r = &p->rules[i];
		const struct exec_m *x = r->exec;
		if (r->action == POLICY_ALLOW) {
			/* only path-only allow rules make an exec silent */
			if (x && x->path.set && !x->not_path.set &&
			    !x->cwd.set && !x->not_cwd.set && !x->argv.set &&
			    !x->not_argv.set)
				for (size_t k = 0; k < x->path.n; k++)
					if (push_str(
						&p->xp_allow, &p->nxp_allow,
						glob_source(x->path.v[k])) < 0)
						ok = false;
			continue;
		}
		if (x) {
			if (x->path.set) {
				for (size_t k = 0; k < x->path.n; k++)
					if (push_str(
						&p->xp_sens, &p->nxp_sens,
						glob_source(x->path.v[k])) < 0)
						ok = false;
			} else if (x->argv.set) {
				for (size_t k = 0; k < x->argv.n && ok; k++) {
					const struct glob *t0 =
					    x->argv.v[k].tok[0];
					if (!t0 || strchr(glob_source(t0), '/'))
						ok = false; /* could match any
							       program */
					else if (push_str(&p->xp_sens0,
							  &p->nxp_sens0,
							  glob_source(t0)) < 0)
						ok = false;
				}
			} else {
				ok =
				    false; /* cwd-only or not_-only: any exec */
			}
		}
		if (r->open && (r->open->access & POLICY_ACC_EXEC)) {
			if (!r->open->path.set)
				ok = false;
			for (size_t k = 0; k < r->open->path.n; k++)
				if (push_str(&p->xp_sens, &p->nxp_sens,
					     glob_source(r->open->path.v[k])) <
				    0)
					ok = false;
		}
	}
	p->xp_ok = ok && p->nxp_allow > 0;
}

void policy_exec_fastpath(const struct policy *p, const char *const **allow,
			  size_t *nallow, const char *const **sens,
			  size_t *nsens, const char *const **sens0,
			  size_t *nsens0, bool *ok)
{
	*allow = (const char *const *)p->xp_allow;
	*nallow = p->nxp_allow;
	*sens = (const char *const *)p->xp_sens;
	*nsens = p->nxp_sens;
	*sens0 = (const char *const *)p->xp_sens0;
	*nsens0 = p->nxp_sens0;
	*ok = p->xp_ok;
}

bool policy_read_is_silent(const struct policy *p, const char *path)
{
	if (!p->fp_ok)
		return false;
	bool allowed = false;
	for (size_t i = 0; i < p->nfp_allow && !allowed; i++)
		allowed = glob_match(p->fp_allow_g[i], path);
	if (!allowed)
		return false;
	for (size_t i = 0; i < p->nfp_sensitive; i++)
		if (glob_match(p->fp_sensitive_g[i], path))
			return false;
	return true;
}

void policy_read_fastpath(const struct policy *p, const char *const **allow,
			  size_t *nallow, const char *const **sensitive,
			  size_t *nsensitive, bool *fastpath_ok)
{
	*allow = (const char *const *)p->fp_allow;
	*nallow = p->nfp_allow;
	*sensitive = (const char *const *)p->fp_sensitive;
	*nsensitive = p->nfp_sensitive;
	*fastpath_ok = p->fp_ok;
}
