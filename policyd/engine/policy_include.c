/* SPDX-License-Identifier: MIT */
/* policy_include: the files of a policy. */
#include "policy_include.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "policy_diag.h"

static const char *const top_keys[] = {
    "version", "name",	"description", "settings", "variables",
    "include", "rules", "limits",      "tests",	   NULL};

static int load_file(struct loader *L, const char *display,
		     const struct ynode *from, const char *from_file);

/* rel, relative to the directory of base_file. NULL on OOM. */
static char *dir_join(const char *base_file, const char *rel)
{
	if (rel[0] == '/')
		return strdup(rel);
	const char *slash = strrchr(base_file, '/');
	struct strbuf b = {0};
	if (slash)
		strbuf_append(&b, base_file, (size_t)(slash - base_file) + 1);
	strbuf_puts(&b, rel);
	return strbuf_steal(&b);
}

static int process_includes(struct loader *L, const char *display,
			    const struct ynode *inc)
{
	struct yitems it;
	int r = loader_list(L, inc, "include", &it);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		if (!L->allow_include) {
			loader_err(L, it.v[i], "include is not available here");
			rc = -EINVAL;
			continue;
		}
		_cleanup_free_ char *path = dir_join(display, it.v[i]->str);
		if (!path)
			return -ENOMEM;
		const char *saved = L->cur_file;
		r = load_file(L, path, it.v[i], saved);
		L->cur_file = saved;
		if (r < 0)
			rc = r;
	}
	return rc;
}

/* The root of a file: a mapping of known keys; its includes are read. */
static int check_root(struct loader *L, const char *file, const char *display,
		      const struct ynode *root)
{
	if (!root || ynode_is_null(root)) {
		policy_diag_add(L->d, file, 1, 1, false,
				"the policy is empty: it needs at least "
				"version: 1 and rules");
		return -EINVAL;
	}
	if (root->type != YN_MAP) {
		policy_diag_add(L->d, file, root->line, root->col, false,
				"a policy must be a mapping with version, "
				"settings, rules ...; found %s",
				ynode_type_name(root));
		return -EINVAL;
	}
	int rc =
	    loader_check_keys(L, root, top_keys, "the policy") ? 0 : -EINVAL;
	const struct ynode *inc = ytree_get(root, "include");
	if (inc && process_includes(L, display, inc) < 0)
		rc = -EINVAL;
	L->cur_file = file;
	return rc;
}

/* Checks the root of a parsed file (following its includes) and records
 * it as a unit. Takes real and t. */
static int add_unit(struct loader *L, const char *file, const char *display,
		    char *real, struct ytree *t)
{
	L->cur_file = file;
	L->stack[L->depth++] = real;
	int rc = check_root(L, file, display, t->root);
	L->depth--;
	/* record after includes so that included rules come first */
	if (tg_grow((void **)&L->units, &L->capunits, L->nunits + 1,
		    sizeof(*L->units)) < 0) {
		free(real);
		ytree_free(t);
		return -ENOMEM;
	}
	L->units[L->nunits++] =
	    (struct unit){.file = file, .real = real, .tree = t};
	return rc;
}

/* Is real on the include stack? Reports the cycle. */
static bool include_cycle(struct loader *L, const char *real,
			  const struct ynode *from, const char *from_file)
{
	for (size_t i = 0; i < L->depth; i++) {
		if (!L->stack[i] || strcmp(L->stack[i], real) != 0)
			continue;
		struct strbuf b = {0};
		for (size_t j = i; j < L->depth; j++) {
			strbuf_puts(&b, tg_basename(L->stack[j]));
			strbuf_puts(&b, " -> ");
		}
		strbuf_puts(&b, tg_basename(real));
		policy_diag_add(L->d, from_file, from ? from->line : 1,
				from ? from->col : 1, false,
				"include cycle: %s; remove one of these "
				"includes",
				b.s ? b.s : "?");
		strbuf_free(&b);
		return true;
	}
	return false;
}

static bool already_read(const struct loader *L, const char *real)
{
	for (size_t i = 0; i < L->nunits; i++)
		if (L->units[i].real && strcmp(L->units[i].real, real) == 0)
			return true;
	return false;
}

/* display: the file as named (relative to the including file's
 * directory); from: the include entry naming it (NULL for the top). */
static int load_file(struct loader *L, const char *display,
		     const struct ynode *from, const char *from_file)
{
	char real[PATH_MAX];
	if (!realpath(display, real)) {
		int e = errno;
		if (from)
			policy_diag_add(L->d, from_file, from->line, from->col,
					false,
					"cannot include '%s': %s (an include "
					"is relative to the directory of the "
					"file that names it)",
					display, strerror(e));
		else
			policy_diag_add(L->d, display, 1, 1, false,
					"cannot read policy: %s", strerror(e));
		return -e;
	}
	if (include_cycle(L, real, from, from_file))
		return -ELOOP;
	if (already_read(L, real))
		return 0; /* included twice (not a cycle): once */
	if (L->depth >= POLICY_MAX_INCLUDE_DEPTH ||
	    L->nunits >= POLICY_MAX_FILES) {
		policy_diag_add(L->d, from_file, from ? from->line : 1,
				from ? from->col : 1, false,
				"includes nest deeper than %d levels or name "
				"more than %d files",
				POLICY_MAX_INCLUDE_DEPTH, POLICY_MAX_FILES);
		return -E2BIG;
	}
	const char *file = loader_intern_file(L, display);
	if (!file)
		return -ENOMEM;
	struct ytree *t = NULL;
	struct yerror ye = {0};
	int r = ytree_load_file(display, &t, &ye);
	if (r < 0) {
		policy_diag_add(L->d, file, ye.line, ye.col, false, "%s",
				ye.msg);
		return r;
	}
	char *realdup = strdup(real);
	if (!realdup) {
		ytree_free(t);
		return -ENOMEM;
	}
	return add_unit(L, file, display, realdup, t);
}

int include_load_file(struct loader *L, const char *path)
{
	return load_file(L, path, NULL, path);
}

int include_load_buffer(struct loader *L, const char *name, const char *buf,
			size_t len)
{
	const char *file = loader_intern_file(L, name);
	if (!file)
		return -ENOMEM;
	struct ytree *t = NULL;
	struct yerror ye = {0};
	int r = ytree_load_buffer(buf, len, &t, &ye);
	if (r < 0) {
		policy_diag_add(L->d, file, ye.line, ye.col, false, "%s",
				ye.msg);
		return r;
	}
	return add_unit(L, file, name, NULL, t);
}
