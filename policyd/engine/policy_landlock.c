/* SPDX-License-Identifier: MIT */
/*
 * policy_landlock: which parts of a policy the kernel can enforce with
 * Landlock (allowlists of directory trees, no globs, no exceptions).
 *
 * Writes (write, create, delete): if settings.default is not deny, any path
 * may end up allowed (a prompt can be approved), so Landlock cannot restrict
 * writes. Otherwise the allowlist is the literal directory part of every
 * path glob of every non-deny open rule that grants write, create or delete;
 * a glob with no literal directory ("**" + "/.env") needs "/", which means
 * no restriction. not_path exclusions cannot be expressed and are left to
 * policyd; so are deny rules inside allowed trees.
 * Execs: the same with non-deny exec rules' path globs and non-deny open
 * rules granting exec; an exec rule without a path (argv or cwd only) may
 * allow any program, so no restriction.
 */
#include <errno.h>
#include <string.h>

#include "policy_internal.h"

/* The directory every match of g lies under, or "/" when none. */
static void glob_dir(const struct glob *g, char *out, size_t outsz)
{
	const char *px = glob_prefix(g);
	size_t n = strlen(px);
	if (glob_is_literal(g) || glob_is_tree(g)) {
		/* the path itself (a file or a tree root) */
		snprintf(out, outsz, "%s", n ? px : "/");
		return;
	}
	const char *slash = strrchr(px, '/');
	if (!slash || slash == px) {
		snprintf(out, outsz, "/");
		return;
	}
	snprintf(out, outsz, "%.*s", (int)(slash - px), px);
}

static int add_unique(char ***v, size_t *n, const char *s)
{
	return tg_strv_push(v, n, s, true);
}

static int add_globs(const struct globlist *l, char ***v, size_t *n, bool *all)
{
	for (size_t i = 0; i < l->n; i++) {
		char d[TG_PATH_MAX];
		glob_dir(l->v[i], d, sizeof(d));
		if (!strcmp(d, "/"))
			*all = true;
		else if (add_unique(v, n, d) < 0)
			return -ENOMEM;
	}
	return 0;
}

int policy_landlock_plan(const struct policy *p, struct policy_landlock *ret)
{
	memset(ret, 0, sizeof(*ret));
	bool deny_default = p->settings.default_action == POLICY_DENY;
	ret->write_all = ret->exec_all = !deny_default;
	const unsigned wmask =
	    POLICY_ACC_WRITE | POLICY_ACC_CREATE | POLICY_ACC_DELETE;
	for (size_t i = 0; deny_default && i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		if (r->action == POLICY_DENY)
			continue;
		if (r->open && (r->open->access & wmask)) {
			if (!r->open->path.set)
				ret->write_all = true;
			else if (add_globs(&r->open->path, &ret->write,
					   &ret->nwrite, &ret->write_all) < 0)
				goto oom;
		}
		if (r->open && (r->open->access & POLICY_ACC_EXEC)) {
			if (!r->open->path.set)
				ret->exec_all = true;
			else if (add_globs(&r->open->path, &ret->exec,
					   &ret->nexec, &ret->exec_all) < 0)
				goto oom;
		}
		if (r->exec) {
			if (!r->exec->path.set)
				ret->exec_all = true;
			else if (add_globs(&r->exec->path, &ret->exec,
					   &ret->nexec, &ret->exec_all) < 0)
				goto oom;
		}
	}
	return 0;
oom:
	policy_landlock_free(ret);
	return -ENOMEM;
}

void policy_landlock_free(struct policy_landlock *l)
{
	for (size_t i = 0; i < l->nwrite; i++)
		free(l->write[i]);
	for (size_t i = 0; i < l->nexec; i++)
		free(l->exec[i]);
	free(l->write);
	free(l->exec);
	memset(l, 0, sizeof(*l));
}
