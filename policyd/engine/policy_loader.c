/* SPDX-License-Identifier: MIT */
/* policy_loader: typed values out of the YAML tree, with diagnostics. */
#include "policy_loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_diag.h"

static void loader_vdiag(struct loader *L, const struct ynode *node,
			 bool warning, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	policy_diag_add(L->d, L->cur_file, node ? node->line : 1,
			node ? node->col : 1, warning, "%s", msg);
}

void loader_err(struct loader *L, const struct ynode *node, const char *fmt,
		...)
{
	va_list ap;
	va_start(ap, fmt);
	loader_vdiag(L, node, false, fmt, ap);
	va_end(ap);
}

void loader_warn(struct loader *L, const struct ynode *node, const char *fmt,
		 ...)
{
	va_list ap;
	va_start(ap, fmt);
	loader_vdiag(L, node, true, fmt, ap);
	va_end(ap);
}

const char *loader_intern_file(struct loader *L, const char *name)
{
	if (tg_grow((void **)&L->p->files, &L->capfiles, L->p->nfiles + 1,
		    sizeof(char *)) < 0)
		return NULL;
	char *s = strdup(name);
	if (!s)
		return NULL;
	L->p->files[L->p->nfiles++] = s;
	return s;
}

static bool in_words(const char *s, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		if (strcmp(s, *w) == 0)
			return true;
	return false;
}

/* The allowed key nearest to k (at most 2 edits away), or NULL. */
static const char *nearest_key(const char *k, const char *const *allowed)
{
	const char *best = NULL;
	unsigned bestd = 3;
	for (const char *const *a = allowed; *a; a++) {
		unsigned dd = tg_edit_distance(k, *a, 2);
		if (dd < bestd) {
			bestd = dd;
			best = *a;
		}
	}
	return best;
}

/* words (NULL-terminated) as "a, b, c" (sep between), cut to fit. */
static void join_words(const char *const *words, const char *sep, char *buf,
		       size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; words[i] && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? sep : "",
				      words[i]);
}

bool loader_check_keys(struct loader *L, const struct ynode *map,
		       const char *const *allowed, const char *what)
{
	bool ok = true;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (in_words(k->str, allowed))
			continue;
		ok = false;
		const char *best = nearest_key(k->str, allowed);
		if (best) {
			loader_err(L, k,
				   "unknown key '%.80s' in %s; did you mean "
				   "'%s'?",
				   k->str, what, best);
			continue;
		}
		char keys[400];
		join_words(allowed, ", ", keys, sizeof(keys));
		loader_err(L, k, "unknown key '%.80s' in %s; the keys are %s",
			   k->str, what, keys);
	}
	return ok;
}

const char *loader_scalar(struct loader *L, const struct ynode *n,
			  const char *field)
{
	if (n->type != YN_SCALAR || ynode_is_null(n)) {
		loader_err(L, n, "'%s' must be a string, not %s", field,
			   ynode_is_null(n) ? "empty" : ynode_type_name(n));
		return NULL;
	}
	return n->str;
}

int loader_bool(struct loader *L, const struct ynode *n, const char *field,
		bool *ret)
{
	static const char *const yes[] = {"true", "True", "yes", NULL};
	static const char *const no[] = {"false", "False", "no", NULL};
	if (n->type == YN_SCALAR && n->plain) {
		if (in_words(n->str, yes)) {
			*ret = true;
			return 0;
		}
		if (in_words(n->str, no)) {
			*ret = false;
			return 0;
		}
	}
	if (n->type == YN_SCALAR)
		loader_err(L, n, "'%s' must be true or false, not '%.40s'",
			   field, n->str);
	else
		loader_err(L, n, "'%s' must be true or false, not %s", field,
			   ynode_type_name(n));
	return -EINVAL;
}

int loader_word(struct loader *L, const struct ynode *n, const char *field,
		const char *str, const char *const *words, int *ret)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(str, words[i])) {
			*ret = i;
			return 0;
		}
	char list[128] = "";
	size_t o = 0;
	for (int i = 0; words[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      i == 0	     ? ""
				      : words[i + 1] ? ", "
						     : " or ",
				      words[i]);
	loader_err(L, n, "%s must be %s, not '%.40s'", field, list, str);
	return -EINVAL;
}

int loader_list(struct loader *L, const struct ynode *n, const char *field,
		struct yitems *ret)
{
	if (n->type == YN_SCALAR && !ynode_is_null(n)) {
		ret->one = n;
		ret->v = &ret->one;
		ret->n = 1;
		return 0;
	}
	if (n->type != YN_SEQ) {
		loader_err(
		    L, n, "'%s' must be a string or a list of strings, not %s",
		    field, ynode_is_null(n) ? "empty" : ynode_type_name(n));
		return -EINVAL;
	}
	if (n->n == 0) {
		loader_err(L, n,
			   "'%s' is an empty list: give at least one entry, "
			   "or leave '%s' out",
			   field, field);
		return -EINVAL;
	}
	if (n->n > POLICY_MAX_PATTERNS) {
		loader_err(L, n,
			   "'%s' has more than %d entries; split it over "
			   "several rules",
			   field, POLICY_MAX_PATTERNS);
		return -EINVAL;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];
		if (it->type == YN_MAP) {
			/* [a: b] is a mapping in YAML */
			loader_err(L, it,
				   "entries of '%s' must be strings, not a "
				   "mapping: quote an entry that holds ': ' "
				   "or '{'",
				   field);
			return -EINVAL;
		}
		if (it->type != YN_SCALAR || ynode_is_null(it)) {
			loader_err(
			    L, it, "entries of '%s' must be strings, not %s",
			    field,
			    ynode_is_null(it) ? "empty" : ynode_type_name(it));
			return -EINVAL;
		}
	}
	ret->v = (const struct ynode *const *)n->items;
	ret->n = n->n;
	return 0;
}

int loader_list_alloc(struct loader *L, const struct ynode *n,
		      const char *field, struct yitems *ret, size_t esz,
		      void **ret_v)
{
	int r = loader_list(L, n, field, ret);
	if (r < 0)
		return r;
	void *v = calloc(ret->n, esz);
	if (!v)
		return -ENOMEM;
	*ret_v = v;
	return 0;
}
