/* SPDX-License-Identifier: MIT */
/*
 * policy_load: YAML policy -> compiled, validated struct policy; the
 * policy's accessors and policy_free. The steps are in policy_loader.h.
 */
#include <errno.h>
#include <string.h>

#include "policy_include.h"
#include "policy_rules.h"
#include "policy_settings.h"
#include "policy_tests.h"
#include "policy_vars.h"

/* version, name and description of one file (name and description are
 * only checked: nothing reads them). */
static int compile_header(struct loader *L, const struct ynode *root, bool top)
{
	static const char *const strings[] = {"name", "description"};
	const struct ynode *v;
	int rc = 0;
	if ((v = ytree_get(root, "version"))) {
		if (!(v->type == YN_SCALAR && strcmp(v->str, "1") == 0)) {
			loader_err(L, v,
				   "unsupported policy version '%.20s'; this "
				   "tiergate reads version 1: write version: 1",
				   v->type == YN_SCALAR ? v->str : "?");
			rc = -EINVAL;
		}
	} else if (top) {
		loader_err(L, root,
			   "missing 'version: 1': add it as the policy's "
			   "first line");
		rc = -EINVAL;
	}
	for (size_t i = 0; i < TG_ARRAY_SIZE(strings); i++)
		if ((v = ytree_get(root, strings[i])) &&
		    !loader_scalar(L, v, strings[i]))
			rc = -EINVAL;
	return rc;
}

/* settings or limits: only in the top-level file. */
static int compile_section(struct loader *L, const struct ynode *root,
			   const char *key, bool top,
			   int (*compile)(struct loader *L,
					  const struct ynode *n))
{
	const struct ynode *v = ytree_get(root, key);
	if (!v)
		return 0;
	if (!top) {
		loader_err(L, v,
			   "%s belong in the top-level policy, not in an "
			   "included file: move them to the file that "
			   "includes this one",
			   key);
		return -EINVAL;
	}
	return compile(L, v) < 0 ? -EINVAL : 0;
}

/* rules or tests: a list, each entry compiled by compile. */
static int compile_list(struct loader *L, const struct ynode *root,
			const char *key, const char *what,
			int (*compile)(struct loader *L, const struct ynode *n))
{
	const struct ynode *v = ytree_get(root, key);
	if (!v || ynode_is_null(v))
		return 0;
	if (v->type != YN_SEQ) {
		loader_err(L, v,
			   "'%s' must be %s, not %s: begin each entry with "
			   "'- '",
			   key, what, ynode_type_name(v));
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < v->n; i++) {
		int r = compile(L, v->items[i]);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = -EINVAL;
		if (r == -E2BIG)
			break;
	}
	return rc;
}

static int compile_unit(struct loader *L, const struct unit *u, bool top)
{
	const struct ynode *root = u->tree->root;
	L->cur_file = u->file;
	int rc = compile_header(L, root, top);
	if (compile_section(L, root, "settings", top, settings_compile) < 0)
		rc = -EINVAL;
	if (compile_section(L, root, "limits", top, settings_limits) < 0)
		rc = -EINVAL;
	for (size_t i = 0;
	     top && root && root->type == YN_MAP && i + 1 < root->n; i += 2)
		if (root->items[i]->type == YN_SCALAR &&
		    !strcmp(root->items[i]->str, "limits")) {
			L->p->limits_file = u->file;
			L->p->limits_line = root->items[i]->line;
			L->p->limits_col = root->items[i]->col;
		}
	int r =
	    compile_list(L, root, "rules", "a list of rules", rules_compile);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		rc = -EINVAL;
	r = compile_list(L, root, "tests", "a list", tests_compile);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		rc = -EINVAL;
	return rc;
}

static int compile_all(struct loader *L)
{
	int rc = 0;
	for (size_t i = 0; i < L->nunits; i++) {
		const struct ynode *root = L->units[i].tree->root;
		if (!root || root->type != YN_MAP)
			return -EINVAL; /* already reported */
	}
	for (size_t i = 0; i < L->nunits; i++)
		if (vars_collect(L, &L->units[i]) < 0)
			rc = -EINVAL;
	for (size_t i = 0; i < L->nunits; i++) {
		int r = compile_unit(L, &L->units[i], i + 1 == L->nunits);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = r;
	}
	return rc;
}

static int start(struct loader *L, const char *path,
		 const struct policy_vars *vars)
{
	L->p = calloc(1, sizeof(*L->p));
	if (!L->p)
		return -ENOMEM;
	settings_defaults(L->p);
	L->p->path = strdup(path);
	return L->p->path ? vars_add_builtins(L, vars) : -ENOMEM;
}

static int finish(struct loader *L, int rc, struct policy **ret)
{
	struct policy *p = L->p;
	if (rc == 0 && L->nunits > 0)
		rc = compile_all(L);
	else if (L->nunits > 0)
		(void)compile_all(L); /* report what can be about the files
					 that were read */
	if (rc == 0 && L->d->nerrors == 0) {
		/* the rules array is final now: index it */
		int r = policy_index_build(p);
		if (r < 0)
			rc = r;
		else {
			policy_lint(p, L->d);
			policy_egress_lint(p, L->d);
			policy_fastpath_build(p);
			gitlazy_build(p);
			rc = policy_pin_record(L);
		}
	}
	for (size_t i = 0; i < L->nunits; i++) {
		free(L->units[i].real);
		ytree_free(L->units[i].tree);
	}
	free(L->units);
	vars_free(L);
	if (rc == 0 && L->d->nerrors)
		rc = -EINVAL;
	if (rc < 0) {
		policy_free(p);
		return rc;
	}
	*ret = p;
	return 0;
}

int policy_load(const char *path, const struct policy_vars *vars,
		struct policy_diags *diags, struct policy **ret)
{
	struct policy_diags scratch = {0};
	struct loader L = {.d = diags ? diags : &scratch,
			   .allow_include = true};
	int rc = start(&L, path, vars);
	if (rc == 0)
		rc = include_load_file(&L, path);
	rc = finish(&L, rc, ret);
	policy_diags_free(&scratch);
	return rc;
}

int policy_load_buffer(const char *name, const char *buf, size_t len,
		       const struct policy_vars *vars,
		       struct policy_diags *diags, struct policy **ret)
{
	struct policy_diags scratch = {0};
	struct loader L = {.d = diags ? diags : &scratch};
	int rc = start(&L, name, vars);
	if (rc == 0)
		rc = include_load_buffer(&L, name, buf, len);
	rc = finish(&L, rc, ret);
	policy_diags_free(&scratch);
	return rc;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	policy_index_free(p);
	policy_fastpath_free(p);
	policy_pin_free(p);
	for (size_t i = 0; i < p->nrules; i++)
		rules_free_one(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->ntests; i++)
		tests_free_one(&p->tests[i]);
	free(p->tests);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p->path);
	policy_notify_free(p->settings.notify);
	free(p);
}

/* ---------------------------- accessors ---------------------------- */

const struct policy_settings *policy_settings(const struct policy *p)
{
	return &p->settings;
}

const struct policy_limits *policy_limits(const struct policy *p)
{
	return &p->limits;
}

size_t policy_rule_count(const struct policy *p)
{
	return p->nrules;
}

const char *policy_rule_id(const struct policy *p, int rule)
{
	if (rule < 0 || (size_t)rule >= p->nrules)
		return "default";
	return p->rules[rule].id;
}

enum policy_action policy_rule_action(const struct policy *p, int rule)
{
	if (rule < 0 || (size_t)rule >= p->nrules)
		return p->settings.default_action;
	return p->rules[rule].action;
}

const char *policy_rule_message(const struct policy *p, int rule)
{
	if (rule < 0 || (size_t)rule >= p->nrules)
		return NULL;
	return p->rules[rule].message;
}

void policy_rule_where(const struct policy *p, int rule, const char **file,
		       int *line)
{
	if (rule < 0 || (size_t)rule >= p->nrules) {
		*file = p->path;
		*line = 0;
		return;
	}
	*file = p->rules[rule].file;
	*line = p->rules[rule].line;
}

size_t policy_test_count(const struct policy *p)
{
	return p->ntests;
}

const struct policy_test *policy_test_get(const struct policy *p, size_t i)
{
	return i < p->ntests ? &p->tests[i] : NULL;
}
