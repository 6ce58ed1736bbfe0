/* SPDX-License-Identifier: MIT */
/* policy_vars: ${NAME} variables of a policy load. */
#include "policy_vars.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_diag.h"

struct var {
	char *name;
	char *value;
	const char *file;
	int line, col;
	bool literal; /* built-in or override: escaped in glob context */
	int state;    /* 0 idle, 1 expanding (cycle detection) */
};

static struct var *find_var(struct loader *L, const char *name, size_t len)
{
	for (size_t i = 0; i < L->nvars; i++)
		if (strlen(L->vars[i].name) == len &&
		    memcmp(L->vars[i].name, name, len) == 0)
			return &L->vars[i];
	return NULL;
}

static int add_var(struct loader *L, const char *name, const char *value,
		   const char *file, int line, int col, bool literal)
{
	if (tg_grow((void **)&L->vars, &L->capvars, L->nvars + 1,
		    sizeof(*L->vars)) < 0)
		return -ENOMEM;
	struct var *v = &L->vars[L->nvars];
	memset(v, 0, sizeof(*v));
	v->name = strdup(name);
	v->value = strdup(value);
	if (!v->name || !v->value) {
		free(v->name);
		free(v->value);
		return -ENOMEM;
	}
	v->file = file;
	v->line = line;
	v->col = col;
	v->literal = literal;
	L->nvars++;
	return 0;
}

/* An error at column col of where's line (1:1 without where). */
__attribute__((format(printf, 4, 5))) static void
err_at(struct loader *L, const struct ynode *where, int col, const char *fmt,
       ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_add(L->d, L->cur_file, where ? where->line : 1, col, false,
			"%s", msg);
}

static int expand(struct loader *L, const struct ynode *where, const char *s,
		  bool glob_ctx, struct strbuf *out, unsigned depth);

/* Are a and b the same but for two neighbouring characters swapped? */
static bool swapped(const char *a, const char *b)
{
	size_t n = strlen(a), i = 0;
	if (n != strlen(b))
		return false;
	while (i < n && a[i] == b[i])
		i++;
	return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
	       !strcmp(a + i + 2, b + i + 2);
}

/* An undefined ${NAME}: the nearest defined name, if one is close. */
static void undefined(struct loader *L, const struct ynode *where, int col,
		      const char *name, size_t len)
{
	char want[80];
	snprintf(want, sizeof(want), "%.*s", (int)len, name);
	const char *best = NULL;
	unsigned cap = len <= 4 ? 1 : 2, bestd = cap + 1;
	for (size_t i = 0; i < L->nvars; i++) {
		unsigned d = swapped(want, L->vars[i].name)
				 ? 1
				 : tg_edit_distance(want, L->vars[i].name, cap);
		if (d < bestd) {
			bestd = d;
			best = L->vars[i].name;
		}
	}
	if (best)
		err_at(L, where, col,
		       "undefined variable '%s'; did you mean '%s'?", want,
		       best);
	else
		err_at(L, where, col,
		       "undefined variable '%s': define it under variables:, "
		       "or use HOME, USER, PWD or TMPDIR",
		       want);
}

/* Appends the value of v, expanding the policy's own variables. */
static int expand_var(struct loader *L, const struct ynode *where,
		      struct var *v, int col, bool glob_ctx, struct strbuf *out,
		      unsigned depth)
{
	if (v->literal) {
		if (glob_ctx)
			glob_escape(out, v->value);
		else
			strbuf_puts(out, v->value);
		return 0;
	}
	if (v->state == 1) {
		err_at(L, where, col,
		       "variable '%s' refers to itself (directly or through "
		       "other variables): define it without ${%s}",
		       v->name, v->name);
		return -ELOOP;
	}
	v->state = 1;
	int r = expand(L, where, v->value, glob_ctx, out, depth + 1);
	v->state = 0;
	return r;
}

/*
 * Expands ${NAME} in s into out. In glob context, literal variables
 * (built-ins, overrides) are escaped so that a '*' in $HOME stays a '*'.
 * "$$" is a literal '$'.
 */
static int expand(struct loader *L, const struct ynode *where, const char *s,
		  bool glob_ctx, struct strbuf *out, unsigned depth)
{
	if (depth > 16) {
		loader_err(L, where, "variables nest more than 16 levels deep");
		return -ELOOP;
	}
	for (const char *p = s; *p; p++) {
		if (p[0] == '$' && p[1] == '$') {
			strbuf_putc(out, '$');
			p++;
			continue;
		}
		if (p[0] != '$' || p[1] != '{') {
			strbuf_putc(out, *p);
			continue;
		}
		const char *start = p + 2, *e = start;
		while (*e && (isalnum((unsigned char)*e) || *e == '_'))
			e++;
		int col =
		    where ? where->col + (int)(p - s) + (where->plain ? 0 : 1)
			  : 1;
		if (*e != '}' || e == start) {
			err_at(L, where, col,
			       "malformed variable reference: write "
			       "${NAME} with letters, digits and '_' (and $$ "
			       "for a '$')");
			return -EINVAL;
		}
		struct var *v = find_var(L, start, (size_t)(e - start));
		if (!v) {
			undefined(L, where, col, start, (size_t)(e - start));
			return -ENOENT;
		}
		int r = expand_var(L, where, v, col, glob_ctx, out, depth);
		if (r < 0)
			return r;
		p = e;
	}
	return out->oom ? -ENOMEM : 0;
}

char *vars_expand(struct loader *L, const struct ynode *n, bool glob_ctx)
{
	struct strbuf b = {0};
	if (expand(L, n, n->str, glob_ctx, &b, 0) < 0) {
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

static bool valid_name(const struct ynode *k)
{
	if (k->len == 0 || k->len > 64 ||
	    !(isalpha((unsigned char)k->str[0]) || k->str[0] == '_'))
		return false;
	for (size_t j = 0; j < k->len; j++)
		if (!isalnum((unsigned char)k->str[j]) && k->str[j] != '_')
			return false;
	return true;
}

/* One NAME: value of a file's variables. 0, -EINVAL (reported), -ENOMEM. */
static int collect_one(struct loader *L, const struct unit *u,
		       const struct ynode *k, const struct ynode *v)
{
	if (!valid_name(k)) {
		loader_err(L, k,
			   "bad variable name '%.64s': use up to 64 letters, "
			   "digits and '_', not starting with a digit",
			   k->str);
		return -EINVAL;
	}
	if (!loader_scalar(L, v, k->str))
		return -EINVAL;
	struct var *old = find_var(L, k->str, k->len);
	if (old && old->literal && !old->file) {
		loader_err(L, k,
			   "'%s' is a built-in variable and cannot be "
			   "redefined: choose another name (policyctl "
			   "--var %s=VALUE overrides it for a check)",
			   k->str, k->str);
		return -EINVAL;
	}
	if (old && old->file) {
		if (old->literal)
			return 0; /* overridden from the command line */
		loader_err(L, k,
			   "variable '%s' is already defined at %s:%d; keep "
			   "one definition",
			   k->str, old->file, old->line);
		return -EINVAL;
	}
	return add_var(L, k->str, v->str, u->file, v->line, v->col, false);
}

int vars_collect(struct loader *L, const struct unit *u)
{
	const struct ynode *vars = ytree_get(u->tree->root, "variables");
	if (!vars || ynode_is_null(vars))
		return 0;
	L->cur_file = u->file;
	if (vars->type != YN_MAP) {
		loader_err(L, vars,
			   "'variables' must be a mapping of NAME: value");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i + 1 < vars->n; i += 2) {
		int r = collect_one(L, u, vars->items[i], vars->items[i + 1]);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = r;
	}
	return rc;
}

static int add_override(struct loader *L, const char *o)
{
	const char *eq = strchr(o, '=');
	if (!eq || eq == o) {
		policy_diag_add(L->d, "<command line>", 1, 1, false,
				"bad variable override '%s': write NAME=VALUE",
				o);
		return -EINVAL;
	}
	struct var *v = find_var(L, o, (size_t)(eq - o));
	if (v) {
		char *nv = strdup(eq + 1);
		if (!nv)
			return -ENOMEM;
		free(v->value);
		v->value = nv;
		return 0;
	}
	char name[80];
	snprintf(name, sizeof(name), "%.*s", (int)(eq - o), o);
	return add_var(L, name, eq + 1, "<command line>", 1, 1, true);
}

int vars_add_builtins(struct loader *L, const struct policy_vars *vars)
{
	const struct policy_vars empty = {0};
	if (!vars)
		vars = &empty;
	L->resolv_conf = vars->resolv_conf;
	const char *tmp =
	    vars->tmpdir && vars->tmpdir[0] ? vars->tmpdir : "/tmp";
	struct {
		const char *n, *v;
	} b[] = {{"HOME", vars->home ? vars->home : "/nonexistent"},
		 {"USER", vars->user ? vars->user : "nobody"},
		 {"PWD", vars->pwd ? vars->pwd : "/"},
		 {"TMPDIR", tmp}};
	for (size_t i = 0; i < TG_ARRAY_SIZE(b); i++)
		if (add_var(L, b[i].n, b[i].v, NULL, 0, 0, true) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < vars->noverrides; i++) {
		int r = add_override(L, vars->overrides[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

void vars_free(struct loader *L)
{
	for (size_t i = 0; i < L->nvars; i++) {
		free(L->vars[i].name);
		free(L->vars[i].value);
	}
	free(L->vars);
	L->vars = NULL;
	L->nvars = L->capvars = 0;
}
