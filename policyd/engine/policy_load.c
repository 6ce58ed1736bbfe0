/* SPDX-License-Identifier: MIT */
/* policy_load: YAML tree -> compiled, validated struct policy. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "policy_internal.h"
#include "yamltree.h"

int policy_diag_add(struct policy_diags *d, const char *file, int line, int col,
		    bool warning, const char *fmt, ...)
{
	if (!d)
		return 0;
	if (warning)
		d->nwarnings++;
	else
		d->nerrors++;
	if (d->n >= POLICY_MAX_DIAGS) {
		d->truncated = true;
		return 0;
	}
	if (tg_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0)
		return -ENOMEM;
	struct strbuf b = {0};
	va_list ap;
	char tmp[1024];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	strbuf_puts(&b, tmp);
	struct policy_diag *g = &d->v[d->n];
	g->file = strdup(file ? file : "<policy>");
	g->line = line;
	g->col = col;
	g->warning = warning;
	g->msg = strbuf_steal(&b);
	if (!g->file || !g->msg) {
		free(g->file);
		free(g->msg);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

void policy_diags_free(struct policy_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------ */

struct var {
	char *name;
	char *value;
	const char *file;
	int line, col;
	bool literal; /* built-in or override: escaped in glob context */
	int state;    /* 0 idle, 1 expanding (cycle detection) */
};

struct unit {
	const char *file; /* display name, owned by policy->files */
	char *real;	  /* realpath, for cycle detection */
	struct ytree *tree;
};

struct loader {
	struct policy *p;
	struct policy_diags *d;
	struct unit *units;
	size_t nunits, capunits;
	const char *stack[POLICY_MAX_INCLUDE_DEPTH + 1];
	size_t depth;
	struct var *vars;
	size_t nvars, capvars;
	const char *cur_file;
	size_t capfiles;
	size_t caprules;
	bool allow_include;
	const char *resolv_conf; /* the `nameservers` entry's source */
};

#define ERR(L, node, ...)                                                      \
	policy_diag_add((L)->d, (L)->cur_file, (node) ? (node)->line : 1,      \
			(node) ? (node)->col : 1, false, __VA_ARGS__)

static const char *intern_file(struct loader *L, const char *name)
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

static bool check_keys(struct loader *L, const struct ynode *map,
		       const char *const *allowed, const char *what)
{
	bool ok = true;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		bool found = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(k->str, *a) == 0)
				found = true;
		if (found)
			continue;
		ok = false;
		const char *best = NULL;
		unsigned bestd = 3;
		for (const char *const *a = allowed; *a; a++) {
			unsigned dd = tg_edit_distance(k->str, *a, 2);
			if (dd < bestd) {
				bestd = dd;
				best = *a;
			}
		}
		if (best)
			ERR(L, k,
			    "unknown key '%.80s' in %s; did you mean '%s'?",
			    k->str, what, best);
		else
			ERR(L, k, "unknown key '%.80s' in %s", k->str, what);
	}
	return ok;
}

static bool is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 ||
		strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
		strcmp(n->str, "NULL") == 0);
}

static const char *want_scalar(struct loader *L, const struct ynode *n,
			       const char *field)
{
	if (n->type != YN_SCALAR || is_null(n)) {
		ERR(L, n, "'%s' must be a string, not %s", field,
		    is_null(n) ? "empty" : ynode_type_name(n));
		return NULL;
	}
	return n->str;
}

static int want_bool(struct loader *L, const struct ynode *n, const char *field,
		     bool *ret)
{
	if (n->type == YN_SCALAR && n->plain) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "True") ||
		    !strcmp(n->str, "yes")) {
			*ret = true;
			return 0;
		}
		if (!strcmp(n->str, "false") || !strcmp(n->str, "False") ||
		    !strcmp(n->str, "no")) {
			*ret = false;
			return 0;
		}
	}
	ERR(L, n, "'%s' must be true or false", field);
	return -EINVAL;
}

/* One of a fixed set of words (NULL-terminated) -> its index in *ret. */
static int want_word(struct loader *L, const struct ynode *n, const char *field,
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
	ERR(L, n, "%s must be %s", field, list);
	return -EINVAL;
}

/* Scalar or list of scalars -> items. A single scalar becomes a list of
 * one, stored in *one (the caller's). Returns 0 or -EINVAL (reported). */
static int want_list(struct loader *L, const struct ynode *n, const char *field,
		     const struct ynode **one,
		     const struct ynode *const **ret_items, size_t *ret_n)
{
	if (n->type == YN_SCALAR && !is_null(n)) {
		*one = n;
		*ret_items = one;
		*ret_n = 1;
		return 0;
	}
	if (n->type != YN_SEQ) {
		ERR(L, n, "'%s' must be a string or a list of strings, not %s",
		    field, is_null(n) ? "empty" : ynode_type_name(n));
		return -EINVAL;
	}
	if (n->n == 0) {
		ERR(L, n, "'%s' is an empty list, which can never match",
		    field);
		return -EINVAL;
	}
	if (n->n > POLICY_MAX_PATTERNS) {
		ERR(L, n, "'%s' has more than %d entries", field,
		    POLICY_MAX_PATTERNS);
		return -EINVAL;
	}
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i]->type != YN_SCALAR || is_null(n->items[i])) {
			ERR(L, n->items[i],
			    "entries of '%s' must be strings, not %s", field,
			    is_null(n->items[i])
				? "empty"
				: ynode_type_name(n->items[i]));
			return -EINVAL;
		}
	*ret_items = (const struct ynode *const *)n->items;
	*ret_n = n->n;
	return 0;
}

/* ---------------------------- variables ---------------------------- */

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

/*
 * Expands ${NAME} in s into out. In glob context, literal variables
 * (built-ins, overrides) are escaped so that a '*' in $HOME stays a '*'.
 * "$$" is a literal '$'.
 */
static int expand(struct loader *L, const struct ynode *where, const char *s,
		  bool glob_ctx, struct strbuf *out, unsigned depth)
{
	if (depth > 16) {
		ERR(L, where, "variables nest more than 16 levels deep");
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
			policy_diag_add(L->d, L->cur_file,
					where ? where->line : 1, col, false,
					"malformed variable reference: write "
					"${NAME} with letters, digits and '_'");
			return -EINVAL;
		}
		struct var *v = find_var(L, start, (size_t)(e - start));
		if (!v) {
			policy_diag_add(L->d, L->cur_file,
					where ? where->line : 1, col, false,
					"undefined variable '%.*s'",
					(int)(e - start), start);
			return -ENOENT;
		}
		if (v->literal) {
			if (glob_ctx)
				glob_escape(out, v->value);
			else
				strbuf_puts(out, v->value);
		} else {
			if (v->state == 1) {
				policy_diag_add(
				    L->d, L->cur_file, where ? where->line : 1,
				    col, false,
				    "variable '%s' refers to itself", v->name);
				return -ELOOP;
			}
			v->state = 1;
			int r = expand(L, where, v->value, glob_ctx, out,
				       depth + 1);
			v->state = 0;
			if (r < 0)
				return r;
		}
		p = e;
	}
	return out->oom ? -ENOMEM : 0;
}

static char *expand_str(struct loader *L, const struct ynode *n, bool glob_ctx)
{
	struct strbuf b = {0};
	if (expand(L, n, n->str, glob_ctx, &b, 0) < 0) {
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

/* ---------------------------- matchers ----------------------------- */

static int compile_globs(struct loader *L, const struct ynode *n,
			 const char *field, enum glob_mode mode, bool is_path,
			 struct globlist *ret)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, n, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	ret->v = calloc(cnt, sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	ret->set = true;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		_cleanup_free_ char *pat = expand_str(L, items[i], true);
		if (!pat) {
			rc = -EINVAL;
			continue;
		}
		if (is_path && pat[0] != '/' && strncmp(pat, "**", 2) != 0) {
			ERR(L, items[i],
			    "path pattern '%.200s' must be absolute (start "
			    "with '/', '**' or a variable such as ${HOME})",
			    pat);
			rc = -EINVAL;
			continue;
		}
		const char *err = NULL;
		size_t pos = 0;
		struct glob *g = NULL;
		if (glob_compile(pat, mode, &g, &err, &pos) < 0) {
			ERR(L, items[i], "bad glob '%.200s': %s", pat,
			    err ? err : "invalid");
			rc = -EINVAL;
			continue;
		}
		ret->v[ret->n++] = g;
	}
	return rc;
}

static void globlist_free(struct globlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		glob_free(l->v[i]);
	free(l->v);
}

static int compile_argv(struct loader *L, const struct ynode *n,
			const char *field, struct argvlist *ret)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, n, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	ret->v = calloc(cnt, sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	ret->set = true;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		_cleanup_free_ char *pat = expand_str(L, items[i], true);
		if (!pat) {
			rc = -EINVAL;
			continue;
		}
		char **words = NULL;
		size_t nw = 0;
		if (tg_split_words(pat, true, &words, &nw) < 0) {
			ERR(L, items[i],
			    "bad argv pattern '%.200s': unterminated quote or "
			    "trailing backslash",
			    pat);
			rc = -EINVAL;
			continue;
		}
		if (nw == 0) {
			ERR(L, items[i], "empty argv pattern");
			tg_strv_free(words);
			rc = -EINVAL;
			continue;
		}
		struct argvpat *ap = &ret->v[ret->n];
		ap->tok = calloc(nw, sizeof(*ap->tok));
		ap->src = strdup(pat);
		if (!ap->tok || !ap->src) {
			free(ap->tok);
			free(ap->src);
			tg_strv_free(words);
			return -ENOMEM;
		}
		ap->n = nw;
		ret->n++;
		for (size_t w = 0; w < nw; w++) {
			if (strcmp(words[w], "**") == 0)
				continue; /* NULL = any number of tokens */
			const char *err = NULL;
			size_t pos;
			if (glob_compile(words[w], GLOB_TOKEN, &ap->tok[w],
					 &err, &pos) < 0) {
				ERR(L, items[i],
				    "bad glob '%.200s' in argv pattern: %s",
				    words[w], err ? err : "invalid");
				rc = -EINVAL;
			}
		}
		/* a token left NULL by a compile error must not act as "**" */
		if (rc < 0) {
			for (size_t w = 0; w < nw; w++)
				glob_free(ap->tok[w]);
			free(ap->tok);
			free(ap->src);
			ret->n--;
		}
		tg_strv_free(words);
	}
	return rc;
}

static void argvlist_free(struct argvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t w = 0; w < l->v[i].n; w++)
			glob_free(l->v[i].tok[w]);
		free(l->v[i].tok);
		free(l->v[i].src);
	}
	free(l->v);
}

static bool matcher_map(struct loader *L, const struct ynode *n,
			const char *kind)
{
	if (n->type != YN_MAP || n->n == 0) {
		if (is_null(n) || (n->type == YN_MAP && n->n == 0))
			ERR(L, n,
			    "empty %s matcher: give at least one field (for "
			    "everything, write path: [\"/**\"])",
			    kind);
		else
			ERR(L, n, "'%s' must be a mapping of fields, not %s",
			    kind, ynode_type_name(n));
		return false;
	}
	return true;
}

static int compile_exec(struct loader *L, const struct ynode *n,
			struct exec_m **ret)
{
	static const char *const keys[] = {
	    "path", "not_path", "argv", "not_argv", "cwd", "not_cwd", NULL};
	if (!matcher_map(L, n, "exec"))
		return -EINVAL;
	struct exec_m *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	int rc = check_keys(L, n, keys, "an exec matcher") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		int r = 0;
		if (!strcmp(k, "path"))
			r = compile_globs(L, v, k, GLOB_PATH, true, &m->path);
		else if (!strcmp(k, "not_path"))
			r = compile_globs(L, v, k, GLOB_PATH, true,
					  &m->not_path);
		else if (!strcmp(k, "cwd"))
			r = compile_globs(L, v, k, GLOB_PATH, true, &m->cwd);
		else if (!strcmp(k, "not_cwd"))
			r = compile_globs(L, v, k, GLOB_PATH, true,
					  &m->not_cwd);
		else if (!strcmp(k, "argv"))
			r = compile_argv(L, v, k, &m->argv);
		else if (!strcmp(k, "not_argv"))
			r = compile_argv(L, v, k, &m->not_argv);
		if (r < 0)
			rc = r;
	}
	return rc;
}

static void exec_free(struct exec_m *m)
{
	if (!m)
		return;
	globlist_free(&m->path);
	globlist_free(&m->not_path);
	globlist_free(&m->cwd);
	globlist_free(&m->not_cwd);
	argvlist_free(&m->argv);
	argvlist_free(&m->not_argv);
	free(m);
}

static int compile_access(struct loader *L, const struct ynode *v,
			  const char *field, unsigned *ret)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, v, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	unsigned acc = 0;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		unsigned bit;
		if (policy_access_from_name(items[i]->str, &bit) < 0) {
			ERR(L, items[i],
			    "unknown access '%.40s'; use read, write, create, "
			    "delete or exec",
			    items[i]->str);
			rc = -EINVAL;
			continue;
		}
		acc |= bit;
	}
	*ret = acc;
	return rc;
}

static int compile_open(struct loader *L, const struct ynode *n,
			struct open_m **ret)
{
	static const char *const keys[] = {"path", "not_path", "access",
					   "not_access", NULL};
	if (!matcher_map(L, n, "open"))
		return -EINVAL;
	struct open_m *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	m->access = POLICY_ACC_ALL;
	unsigned not_access = 0;
	int rc = check_keys(L, n, keys, "an open matcher") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		int r = 0;
		if (!strcmp(k, "path"))
			r = compile_globs(L, v, k, GLOB_PATH, true, &m->path);
		else if (!strcmp(k, "not_path"))
			r = compile_globs(L, v, k, GLOB_PATH, true,
					  &m->not_path);
		else if (!strcmp(k, "access"))
			r = compile_access(L, v, k, &m->access);
		else if (!strcmp(k, "not_access"))
			r = compile_access(L, v, k, &not_access);
		if (r < 0)
			rc = r;
	}
	m->access &= ~not_access;
	if (rc == 0 && m->access == 0) {
		ERR(L, n,
		    "this open matcher excludes every access, so it can never "
		    "match");
		rc = -EINVAL;
	}
	return rc;
}

static void open_free(struct open_m *m)
{
	if (!m)
		return;
	globlist_free(&m->path);
	globlist_free(&m->not_path);
	free(m);
}

static int parse_port(struct loader *L, const struct ynode *n,
		      struct portrange *ret)
{
	const char *s = n->str;
	uint64_t lo, hi;
	const char *dash = strchr(s, '-');
	if (!dash) {
		if (tg_parse_u64(s, 65535, &lo) < 0 || lo == 0) {
			ERR(L, n,
			    "bad port '%.40s': use 1-65535 or a range like "
			    "\"8000-8100\"",
			    s);
			return -EINVAL;
		}
		hi = lo;
	} else {
		char a[16];
		size_t al = (size_t)(dash - s);
		if (al == 0 || al >= sizeof(a)) {
			ERR(L, n, "bad port range '%.40s'", s);
			return -EINVAL;
		}
		memcpy(a, s, al);
		a[al] = '\0';
		if (tg_parse_u64(a, 65535, &lo) < 0 ||
		    tg_parse_u64(dash + 1, 65535, &hi) < 0 || lo == 0) {
			ERR(L, n,
			    "bad port range '%.40s': use 1-65535 on both sides",
			    s);
			return -EINVAL;
		}
		if (lo > hi) {
			ERR(L, n,
			    "bad port range '%.40s': the low end is above the "
			    "high end",
			    s);
			return -EINVAL;
		}
	}
	ret->lo = (uint16_t)lo;
	ret->hi = (uint16_t)hi;
	return 0;
}

static int compile_ports(struct loader *L, const struct ynode *v,
			 const char *field, struct portrange **ret,
			 size_t *ret_n)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, v, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	*ret = calloc(cnt, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		if (parse_port(L, items[i], &(*ret)[*ret_n]) < 0) {
			rc = -EINVAL;
			continue;
		}
		(*ret_n)++;
	}
	return rc;
}

/* Appends c to the list *v of *n entries. 0 or -ENOMEM. */
static int cidr_push(struct tg_cidr **v, size_t *n, const struct tg_cidr *c)
{
	struct tg_cidr *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	(*v)[(*n)++] = *c;
	return 0;
}

static int compile_hosts(struct loader *L, const struct ynode *v,
			 const char *field, char ***ret, size_t *ret_n,
			 struct tg_cidr **cidr, size_t *ncidr)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, v, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	*ret = calloc(cnt, sizeof(char *));
	if (!*ret)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		_cleanup_free_ char *h = expand_str(L, items[i], false);
		if (!h) {
			rc = -EINVAL;
			continue;
		}
		/* an IP literal in host: is an exact-address CIDR */
		struct tg_cidr c;
		const char *cerr;
		if (strchr(h, ':') || (isdigit((unsigned char)h[0]) &&
				       tg_cidr_parse(h, &c, &cerr) == 0)) {
			if (tg_cidr_parse(h, &c, &cerr) < 0) {
				ERR(L, items[i], "bad host '%.100s': %s", h,
				    cerr);
				rc = -EINVAL;
				continue;
			}
			if (cidr_push(cidr, ncidr, &c) < 0)
				return -ENOMEM;
			continue;
		}
		const char *err = NULL;
		if (tg_host_pattern_check(h, &err) < 0) {
			ERR(L, items[i], "bad host pattern '%.100s': %s", h,
			    err);
			rc = -EINVAL;
			continue;
		}
		(*ret)[(*ret_n)++] = steal_pointer(&h);
	}
	return rc;
}

/*
 * The `nameservers` CIDR entry: each `nameserver` address of resolv.conf
 * (an IPv6 scope such as %eth0 dropped), read when the policy is loaded,
 * appended to *ret. A file that is missing or names none adds nothing (a
 * list left empty matches no address: connect_m.dest_set). At most 16
 * addresses, from the first 64 KiB.
 */
#define NAMESERVERS_MAX 16
static int add_nameservers(struct loader *L, const struct ynode *where,
			   struct tg_cidr **ret, size_t *ret_n)
{
	const char *path = L->resolv_conf ? L->resolv_conf : "/etc/resolv.conf";
	FILE *f = fopen(path, "re");
	if (!f) {
		policy_diag_add(L->d, L->cur_file, where->line, where->col,
				true,
				"'nameservers': %s cannot be read (%s); it "
				"matches no address",
				path, strerror(errno));
		return 0;
	}
	char line[512];
	size_t got = 0, read_bytes = 0;
	int rc = 0;
	while (got < NAMESERVERS_MAX && read_bytes < 65536 &&
	       fgets(line, sizeof(line), f)) {
		read_bytes += strlen(line);
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "nameserver", 10) ||
		    (p[10] != ' ' && p[10] != '\t'))
			continue;
		p += 10;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t\r\n#;%");
		p[n] = '\0';
		struct tg_cidr c;
		const char *err;
		if (!n || strchr(p, '/') || tg_cidr_parse(p, &c, &err) < 0)
			continue; /* not an address: the resolver ignores it */
		if ((rc = cidr_push(ret, ret_n, &c)) < 0)
			break;
		got++;
	}
	fclose(f);
	if (rc == 0 && got == 0)
		policy_diag_add(L->d, L->cur_file, where->line, where->col,
				true,
				"'nameservers': %s names no name server; it "
				"matches no address",
				path);
	return rc;
}

static int compile_cidrs(struct loader *L, const struct ynode *v,
			 const char *field, struct tg_cidr **ret, size_t *ret_n)
{
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, v, field, &one, &items, &cnt);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		_cleanup_free_ char *s = expand_str(L, items[i], false);
		if (!s) {
			rc = -EINVAL;
			continue;
		}
		if (!strcmp(s, "nameservers")) {
			int nr = add_nameservers(L, items[i], ret, ret_n);
			if (nr < 0)
				return nr;
			continue;
		}
		const char *err = NULL;
		struct tg_cidr c;
		if (tg_cidr_parse(s, &c, &err) < 0) {
			ERR(L, items[i], "bad CIDR '%.60s': %s", s, err);
			rc = -EINVAL;
			continue;
		}
		if (cidr_push(ret, ret_n, &c) < 0)
			return -ENOMEM;
	}
	return rc;
}

static int parse_proto(const char *s, enum policy_proto *ret)
{
	if (!strcmp(s, "tcp"))
		*ret = POLICY_PROTO_TCP;
	else if (!strcmp(s, "udp"))
		*ret = POLICY_PROTO_UDP;
	else if (!strcmp(s, "any"))
		*ret = POLICY_PROTO_ANY;
	else
		return -EINVAL;
	return 0;
}

static int compile_connect(struct loader *L, const struct ynode *n,
			   struct connect_m **ret)
{
	static const char *const keys[] = {"host",     "not_host", "cidr",
					   "not_cidr", "port",	   "not_port",
					   "proto",    NULL};
	if (!matcher_map(L, n, "connect"))
		return -EINVAL;
	struct connect_m *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	int rc = check_keys(L, n, keys, "a connect matcher") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		int r = 0;
		if (!strcmp(k, "host") || !strcmp(k, "cidr"))
			m->dest_set = true;
		if (!strcmp(k, "host"))
			r = compile_hosts(L, v, k, &m->host, &m->nhost,
					  &m->cidr, &m->ncidr);
		else if (!strcmp(k, "not_host"))
			r = compile_hosts(L, v, k, &m->not_host, &m->nnot_host,
					  &m->not_cidr, &m->nnot_cidr);
		else if (!strcmp(k, "cidr"))
			r = compile_cidrs(L, v, k, &m->cidr, &m->ncidr);
		else if (!strcmp(k, "not_cidr"))
			r = compile_cidrs(L, v, k, &m->not_cidr, &m->nnot_cidr);
		else if (!strcmp(k, "port"))
			r = compile_ports(L, v, k, &m->port, &m->nport);
		else if (!strcmp(k, "not_port"))
			r = compile_ports(L, v, k, &m->not_port, &m->nnot_port);
		else if (!strcmp(k, "proto")) {
			const char *s = want_scalar(L, v, k);
			if (!s || parse_proto(s, &m->proto) < 0) {
				if (s)
					ERR(L, v,
					    "bad proto '%.20s': use tcp, udp "
					    "or any",
					    s);
				r = -EINVAL;
			}
		}
		if (r < 0)
			rc = r;
	}
	return rc;
}

static void connect_free(struct connect_m *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nhost; i++)
		free(m->host[i]);
	for (size_t i = 0; i < m->nnot_host; i++)
		free(m->not_host[i]);
	free(m->host);
	free(m->not_host);
	free(m->cidr);
	free(m->not_cidr);
	free(m->port);
	free(m->not_port);
	free(m);
}

static int compile_git(struct loader *L, const struct ynode *n,
		       struct git_m **ret)
{
	static const char *const keys[] = {
	    "command",	  "not_command", "remote",   "not_remote", "branch",
	    "not_branch", "args",	 "not_args", "force",	   "not_force",
	    "delete",	  "not_delete",	 NULL};
	if (!matcher_map(L, n, "git"))
		return -EINVAL;
	struct git_m *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	m->force = -1;
	m->delete_ = -1;
	int rc = check_keys(L, n, keys, "a git matcher") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		int r = 0;
		bool b;
		if (!strcmp(k, "command"))
			r = compile_globs(L, v, k, GLOB_TOKEN, false,
					  &m->command);
		else if (!strcmp(k, "not_command"))
			r = compile_globs(L, v, k, GLOB_TOKEN, false,
					  &m->not_command);
		else if (!strcmp(k, "remote"))
			r = compile_globs(L, v, k, GLOB_NAME, false,
					  &m->remote);
		else if (!strcmp(k, "not_remote"))
			r = compile_globs(L, v, k, GLOB_NAME, false,
					  &m->not_remote);
		else if (!strcmp(k, "branch"))
			r = compile_globs(L, v, k, GLOB_NAME, false,
					  &m->branch);
		else if (!strcmp(k, "not_branch"))
			r = compile_globs(L, v, k, GLOB_NAME, false,
					  &m->not_branch);
		else if (!strcmp(k, "args"))
			r = compile_argv(L, v, k, &m->args);
		else if (!strcmp(k, "not_args"))
			r = compile_argv(L, v, k, &m->not_args);
		else if (!strcmp(k, "force") || !strcmp(k, "not_force")) {
			r = want_bool(L, v, k, &b);
			if (r == 0)
				m->force = (k[0] == 'n') ? !b : b;
		} else if (!strcmp(k, "delete") || !strcmp(k, "not_delete")) {
			r = want_bool(L, v, k, &b);
			if (r == 0)
				m->delete_ = (k[0] == 'n') ? !b : b;
		}
		if (r < 0)
			rc = r;
	}
	return rc;
}

static void git_m_free(struct git_m *m)
{
	if (!m)
		return;
	globlist_free(&m->command);
	globlist_free(&m->not_command);
	globlist_free(&m->remote);
	globlist_free(&m->not_remote);
	globlist_free(&m->branch);
	globlist_free(&m->not_branch);
	argvlist_free(&m->args);
	argvlist_free(&m->not_args);
	free(m);
}

/* ------------------------------ rules ------------------------------ */

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

static int compile_rule(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {
	    "id",   "tier",    "action", "message",	"exec",
	    "open", "connect", "git",	 "description", NULL};
	if (n->type != YN_MAP) {
		ERR(L, n, "each rule must be a mapping, not %s",
		    ynode_type_name(n));
		return -EINVAL;
	}
	if (L->p->nrules >= POLICY_MAX_RULES) {
		ERR(L, n, "more than %d rules; split or simplify the policy",
		    POLICY_MAX_RULES);
		return -E2BIG;
	}
	if (tg_grow((void **)&L->p->rules, &L->caprules, L->p->nrules + 1,
		    sizeof(struct rule)) < 0)
		return -ENOMEM;
	struct rule *r = &L->p->rules[L->p->nrules++];
	memset(r, 0, sizeof(*r));
	r->file = L->cur_file;
	r->line = n->line;
	r->col = n->col;
	int rc = check_keys(L, n, keys, "a rule") ? 0 : -EINVAL;

	const struct ynode *id = ytree_get(n, "id");
	const struct ynode *tier = ytree_get(n, "tier");
	const struct ynode *action = ytree_get(n, "action");
	if (!id) {
		ERR(L, n, "rule has no 'id'; every decision names its rule");
		rc = -EINVAL;
	} else {
		const char *s = want_scalar(L, id, "id");
		if (s && !valid_id(s)) {
			ERR(L, id,
			    "bad rule id '%.80s': use 1-64 letters, digits and "
			    "- _ . : /",
			    s);
			rc = -EINVAL;
		} else if (s) {
			for (size_t i = 0; i + 1 < L->p->nrules; i++)
				if (L->p->rules[i].id &&
				    strcmp(L->p->rules[i].id, s) == 0) {
					ERR(L, id,
					    "duplicate rule id '%s' (first "
					    "used at %s:%d)",
					    s, L->p->rules[i].file,
					    L->p->rules[i].line);
					rc = -EINVAL;
				}
			r->id = strdup(s);
			if (!r->id)
				return -ENOMEM;
		} else {
			rc = -EINVAL;
		}
	}
	bool have_action = false;
	if (tier) {
		static const enum policy_action by_tier[] = {
		    POLICY_ALLOW, POLICY_LOG, POLICY_PROMPT};
		if (tier->type == YN_SCALAR && tier->plain && tier->len == 1 &&
		    tier->str[0] >= '1' && tier->str[0] <= '3') {
			r->action = by_tier[tier->str[0] - '1'];
			have_action = true;
		} else {
			ERR(L, tier,
			    "tier must be 1 (allow), 2 (log) or 3 (prompt); "
			    "for a refusal write action: deny");
			rc = -EINVAL;
		}
	}
	if (action) {
		enum policy_action a;
		const char *s = want_scalar(L, action, "action");
		if (s && policy_action_from_name(s, &a) == 0) {
			if (have_action && a != r->action) {
				ERR(L, action,
				    "tier %s and action '%s' disagree; give "
				    "one of them",
				    tier->str, s);
				rc = -EINVAL;
			}
			r->action = a;
			have_action = true;
		} else if (s) {
			ERR(L, action,
			    "unknown action '%.40s'; use allow, log, prompt or "
			    "deny",
			    s);
			rc = -EINVAL;
		} else {
			rc = -EINVAL;
		}
	}
	if (!tier && !action) {
		ERR(L, n, "rule '%s' has neither 'tier' nor 'action'",
		    r->id ? r->id : "?");
		rc = -EINVAL;
	}
	const struct ynode *msg = ytree_get(n, "message");
	if (msg) {
		if (want_scalar(L, msg, "message")) {
			r->message = expand_str(L, msg, false);
			if (!r->message)
				rc = -EINVAL;
			else if (strlen(r->message) > 1024) {
				ERR(L, msg,
				    "message is longer than 1024 bytes");
				rc = -EINVAL;
			}
		} else {
			rc = -EINVAL;
		}
	}
	const struct ynode *desc = ytree_get(n, "description");
	if (desc && !want_scalar(L, desc, "description"))
		rc = -EINVAL;
	bool any = false;
	const struct ynode *m;
	if ((m = ytree_get(n, "exec"))) {
		any = true;
		if (compile_exec(L, m, &r->exec) < 0)
			rc = -EINVAL;
	}
	if ((m = ytree_get(n, "open"))) {
		any = true;
		if (compile_open(L, m, &r->open) < 0)
			rc = -EINVAL;
	}
	if ((m = ytree_get(n, "connect"))) {
		any = true;
		if (compile_connect(L, m, &r->connect) < 0)
			rc = -EINVAL;
	}
	if ((m = ytree_get(n, "git"))) {
		any = true;
		if (compile_git(L, m, &r->git) < 0)
			rc = -EINVAL;
	}
	if (!any) {
		ERR(L, n,
		    "rule '%s' has no matcher: give exec, open, connect or git",
		    r->id ? r->id : "?");
		rc = -EINVAL;
	}
	return rc;
}

static void rule_free(struct rule *r)
{
	free(r->id);
	free(r->message);
	exec_free(r->exec);
	open_free(r->open);
	connect_free(r->connect);
	git_m_free(r->git);
}

/* ---------------------------- settings ----------------------------- */

static int compile_settings(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {
	    "default",	      "prompt_timeout",
	    "on_timeout",     "fail",
	    "audit_allow",    "exec_race",
	    "audit_max_size", "max_pending_prompts",
	    "exec_unnamed",   NULL};
	struct policy_settings *s = &L->p->settings;
	if (n->type != YN_MAP) {
		if (is_null(n))
			return 0;
		ERR(L, n, "'settings' must be a mapping, not %s",
		    ynode_type_name(n));
		return -EINVAL;
	}
	int rc = check_keys(L, n, keys, "settings") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		const char *str = NULL;
		if (strcmp(k, "audit_allow") != 0) {
			str = want_scalar(L, v, k);
			if (!str) {
				rc = -EINVAL;
				continue;
			}
		}
		if (!strcmp(k, "default")) {
			if (policy_action_from_name(str, &s->default_action) <
			    0) {
				ERR(L, v,
				    "unknown default '%.40s'; use allow, log, "
				    "prompt or deny",
				    str);
				rc = -EINVAL;
			}
		} else if (!strcmp(k, "on_timeout")) {
			enum policy_action a;
			if (policy_action_from_name(str, &a) < 0 ||
			    a == POLICY_PROMPT) {
				ERR(L, v,
				    "on_timeout must be allow, log or deny");
				rc = -EINVAL;
			} else {
				s->on_timeout = a;
			}
		} else if (!strcmp(k, "prompt_timeout")) {
			uint64_t ms;
			if (tg_parse_duration_ms(str, &ms) < 0 || ms == 0 ||
			    ms > 7ULL * 86400 * 1000) {
				ERR(L, v,
				    "bad duration '%.40s': write e.g. 120s, 5m "
				    "or 1h (at most 7d)",
				    str);
				rc = -EINVAL;
			} else {
				s->prompt_timeout_ms = ms;
			}
		} else if (!strcmp(k, "fail")) {
			static const char *const w[] = {"closed", "open", NULL};
			static const enum policy_fail to[] = {
			    POLICY_FAIL_CLOSED, POLICY_FAIL_OPEN};
			int w_i;
			if (want_word(L, v, k, str, w, &w_i) < 0)
				rc = -EINVAL;
			else
				s->fail = to[w_i];
		} else if (!strcmp(k, "audit_allow")) {
			if (want_bool(L, v, k, &s->audit_allow) < 0)
				rc = -EINVAL;
		} else if (!strcmp(k, "exec_unnamed")) {
			static const char *const w[] = {"deny", "allow", NULL};
			int w_i;
			if (want_word(L, v, k, str, w, &w_i) < 0)
				rc = -EINVAL;
			else
				s->exec_unnamed = w_i == 1;
		} else if (!strcmp(k, "exec_race")) {
			static const char *const w[] = {"refuse", "verify",
							"ignore", NULL};
			static const enum policy_exec_race to[] = {
			    POLICY_RACE_REFUSE, POLICY_RACE_VERIFY,
			    POLICY_RACE_IGNORE};
			int w_i;
			if (want_word(L, v, k, str, w, &w_i) < 0)
				rc = -EINVAL;
			else
				s->exec_race = to[w_i];
		} else if (!strcmp(k, "audit_max_size")) {
			uint64_t b;
			if (tg_parse_size(str, &b) < 0 || b < 4096) {
				ERR(L, v,
				    "bad size '%.40s': write e.g. 64MiB (at "
				    "least 4KiB)",
				    str);
				rc = -EINVAL;
			} else {
				s->audit_max_bytes = b;
			}
		} else if (!strcmp(k, "max_pending_prompts")) {
			uint64_t x;
			if (tg_parse_u64(str, 10000, &x) < 0 || x == 0) {
				ERR(L, v,
				    "max_pending_prompts must be 1-10000");
				rc = -EINVAL;
			} else {
				s->max_pending_prompts = (unsigned)x;
			}
		}
	}
	return rc;
}

static int compile_limits(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {"egress_rate",  "egress_burst",
					   "egress_total", "ingress_total",
					   "connect_rate", NULL};
	struct policy_limits *l = &L->p->limits;
	if (n->type != YN_MAP) {
		if (is_null(n))
			return 0;
		ERR(L, n, "'limits' must be a mapping, not %s",
		    ynode_type_name(n));
		return -EINVAL;
	}
	int rc = check_keys(L, n, keys, "limits") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		const char *str = want_scalar(L, v, k);
		if (!str) {
			rc = -EINVAL;
			continue;
		}
		int r = 0;
		if (!strcmp(k, "egress_rate"))
			r = tg_parse_rate(str, true, &l->egress_rate);
		else if (!strcmp(k, "connect_rate"))
			r = tg_parse_rate(str, false, &l->connect_rate);
		else if (!strcmp(k, "egress_burst"))
			r = tg_parse_size(str, &l->egress_burst);
		else if (!strcmp(k, "egress_total"))
			r = tg_parse_size(str, &l->egress_total);
		else if (!strcmp(k, "ingress_total"))
			r = tg_parse_size(str, &l->ingress_total);
		if (r < 0) {
			if (!strcmp(k, "egress_rate"))
				ERR(L, v,
				    "bad rate '%.40s': write e.g. 10MiB/s",
				    str);
			else if (!strcmp(k, "connect_rate"))
				ERR(L, v,
				    "bad rate '%.40s': write e.g. 50/s or "
				    "600/m",
				    str);
			else
				ERR(L, v,
				    "bad size '%.40s': write e.g. 2MiB or 1GiB",
				    str);
			rc = -EINVAL;
		}
	}
	return rc;
}

/* ------------------------------ tests ------------------------------ */

static int argv_from_node(struct loader *L, const struct ynode *n,
			  const char *field, char ***ret, size_t *ret_n)
{
	if (n->type == YN_SCALAR && !is_null(n)) {
		_cleanup_free_ char *s = expand_str(L, n, false);
		if (!s)
			return -EINVAL;
		if (tg_split_words(s, false, ret, ret_n) < 0 || *ret_n == 0) {
			ERR(L, n, "'%s' needs a command line", field);
			return -EINVAL;
		}
		return 0;
	}
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	if (want_list(L, n, field, &one, &items, &cnt) < 0)
		return -EINVAL;
	char **v = calloc(cnt + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		v[i] = expand_str(L, items[i], false);
		if (!v[i]) {
			tg_strv_free(v);
			return -EINVAL;
		}
	}
	*ret = v;
	*ret_n = cnt;
	return 0;
}

static int compile_test(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {"name",    "exec", "git",  "open",
					   "connect", "cwd",  "path", "expect",
					   "rule",    NULL};
	if (n->type != YN_MAP) {
		ERR(L, n, "each test must be a mapping, not %s",
		    ynode_type_name(n));
		return -EINVAL;
	}
	struct policy *p = L->p;
	struct policy_test *nt =
	    realloc(p->tests, (p->ntests + 1) * sizeof(*p->tests));
	if (!nt)
		return -ENOMEM;
	p->tests = nt;
	struct policy_test *t = &p->tests[p->ntests++];
	memset(t, 0, sizeof(*t));
	t->line = n->line;
	t->col = n->col;
	t->file = strdup(L->cur_file);
	if (!t->file)
		return -ENOMEM;
	int rc = check_keys(L, n, keys, "a test") ? 0 : -EINVAL;
	const struct ynode *v;
	int kinds = 0;
	if ((v = ytree_get(n, "name")) && want_scalar(L, v, "name"))
		t->name = strdup(v->str);
	if ((v = ytree_get(n, "cwd"))) {
		if (want_scalar(L, v, "cwd") &&
		    (t->cwd = expand_str(L, v, false))) {
			if (t->cwd[0] != '/') {
				ERR(L, v, "cwd must be absolute");
				rc = -EINVAL;
			}
		} else {
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(n, "path")) &&
	    !(want_scalar(L, v, "path") && (t->path = expand_str(L, v, false))))
		rc = -EINVAL;
	if ((v = ytree_get(n, "exec"))) {
		kinds++;
		t->kind = POLICY_EV_EXEC;
		if (argv_from_node(L, v, "exec", &t->argv, &t->argc) < 0)
			rc = -EINVAL;
	}
	if ((v = ytree_get(n, "git"))) {
		kinds++;
		t->kind = POLICY_EV_GIT;
		/* a test with exec too is an error below; the first argv must
		 * not leak */
		tg_strv_free(t->argv);
		t->argv = NULL;
		t->argc = 0;
		if (argv_from_node(L, v, "git", &t->argv, &t->argc) < 0)
			rc = -EINVAL;
	}
	if ((v = ytree_get(n, "open"))) {
		kinds++;
		t->kind = POLICY_EV_OPEN;
		t->access = POLICY_ACC_READ;
		if (v->type == YN_SCALAR && !is_null(v)) {
			free(t->path);
			t->path = expand_str(L, v, false);
			if (!t->path)
				rc = -EINVAL;
		} else if (v->type == YN_MAP) {
			static const char *const ok[] = {"path", "access",
							 NULL};
			if (!check_keys(L, v, ok, "an open test"))
				rc = -EINVAL;
			const struct ynode *pp = ytree_get(v, "path");
			const struct ynode *aa = ytree_get(v, "access");
			if (!pp || !want_scalar(L, pp, "path")) {
				if (!pp)
					ERR(L, v, "open test needs a path");
				rc = -EINVAL;
			} else {
				free(t->path);
				t->path = expand_str(L, pp, false);
				if (!t->path)
					rc = -EINVAL;
			}
			if (aa &&
			    compile_access(L, aa, "access", &t->access) < 0)
				rc = -EINVAL;
		} else {
			ERR(L, v, "open test must be a path or {path, access}");
			rc = -EINVAL;
		}
		if (t->path && t->path[0] != '/' && !t->cwd) {
			ERR(L, v,
			    "open test path must be absolute (or give cwd)");
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(n, "connect"))) {
		kinds++;
		t->kind = POLICY_EV_CONNECT;
		t->proto = POLICY_PROTO_TCP;
		const struct ynode *hh = NULL, *pp = NULL, *aa = NULL,
				   *pr = NULL;
		char hostbuf[300] = "";
		if (v->type == YN_SCALAR && !is_null(v)) {
			/* host:port or [v6]:port */
			const char *s = v->str;
			const char *colon = strrchr(s, ':');
			if (!colon || strlen(s) >= sizeof(hostbuf)) {
				ERR(L, v, "connect test must be HOST:PORT");
				rc = -EINVAL;
			} else {
				memcpy(hostbuf, s, (size_t)(colon - s));
				hostbuf[colon - s] = '\0';
				uint64_t port;
				if (tg_parse_u64(colon + 1, 65535, &port) < 0) {
					ERR(L, v, "bad port in '%.80s'", s);
					rc = -EINVAL;
				}
				t->port = (uint16_t)port;
			}
		} else if (v->type == YN_MAP) {
			static const char *const ok[] = {"host", "addr", "port",
							 "proto", NULL};
			if (!check_keys(L, v, ok, "a connect test"))
				rc = -EINVAL;
			hh = ytree_get(v, "host");
			aa = ytree_get(v, "addr");
			pp = ytree_get(v, "port");
			pr = ytree_get(v, "proto");
			if (hh && want_scalar(L, hh, "host"))
				snprintf(hostbuf, sizeof(hostbuf), "%s",
					 hh->str);
			if (!pp || !want_scalar(L, pp, "port")) {
				if (!pp)
					ERR(L, v, "connect test needs a port");
				rc = -EINVAL;
			} else {
				uint64_t port;
				if (tg_parse_u64(pp->str, 65535, &port) < 0) {
					ERR(L, pp, "bad port '%.20s'", pp->str);
					rc = -EINVAL;
				}
				t->port = (uint16_t)port;
			}
			if (aa) {
				if (!want_scalar(L, aa, "addr") ||
				    tg_addr_parse(aa->str, &t->addr) < 0) {
					ERR(L, aa, "bad address");
					rc = -EINVAL;
				} else {
					t->has_addr = true;
				}
			}
			if (pr && (!want_scalar(L, pr, "proto") ||
				   parse_proto(pr->str, &t->proto) < 0)) {
				ERR(L, pr, "bad proto: use tcp, udp or any");
				rc = -EINVAL;
			}
		} else {
			ERR(L, v,
			    "connect test must be HOST:PORT or a mapping");
			rc = -EINVAL;
		}
		if (hostbuf[0]) {
			struct tg_addr a;
			if (tg_addr_parse(hostbuf, &a) == 0) {
				t->addr = a;
				t->has_addr = true;
			} else {
				char norm[256];
				if (tg_host_normalize(hostbuf, norm,
						      sizeof(norm)) < 0) {
					ERR(L, v, "bad host name '%.80s'",
					    hostbuf);
					rc = -EINVAL;
				} else {
					t->host = strdup(norm);
				}
			}
		}
	}
	if (kinds != 1) {
		ERR(L, n,
		    "a test needs exactly one of exec, git, open or connect");
		rc = -EINVAL;
	}
	v = ytree_get(n, "expect");
	if (!v) {
		ERR(L, n, "test has no 'expect' (allow, log, prompt or deny)");
		rc = -EINVAL;
	} else {
		const char *s = want_scalar(L, v, "expect");
		if (!s || policy_action_from_name(s, &t->expect) < 0) {
			if (s)
				ERR(L, v,
				    "expect must be allow, log, prompt or "
				    "deny");
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(n, "rule"))) {
		if (want_scalar(L, v, "rule"))
			t->expect_rule = strdup(v->str);
		else
			rc = -EINVAL;
	}
	return rc;
}

static void test_free(struct policy_test *t)
{
	free(t->file);
	free(t->name);
	tg_strv_free(t->argv);
	free(t->path);
	free(t->cwd);
	free(t->host);
	free(t->expect_rule);
}

/* ------------------------------ files ------------------------------ */

static int load_unit(struct loader *L, const char *display,
		     const struct ynode *from, const char *from_file);

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
	const struct ynode *const *items;
	size_t cnt;
	const struct ynode *one;
	int r = want_list(L, inc, "include", &one, &items, &cnt);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < cnt; i++) {
		if (!L->allow_include) {
			ERR(L, items[i], "include is not available here");
			rc = -EINVAL;
			continue;
		}
		_cleanup_free_ char *path = dir_join(display, items[i]->str);
		if (!path)
			return -ENOMEM;
		const char *saved = L->cur_file;
		r = load_unit(L, path, items[i], saved);
		L->cur_file = saved;
		if (r < 0)
			rc = r;
	}
	return rc;
}

static int load_unit(struct loader *L, const char *display,
		     const struct ynode *from, const char *from_file)
{
	static const char *const top_keys[] = {
	    "version", "name",	"description", "settings", "variables",
	    "include", "rules", "limits",      "tests",	   NULL};
	char real[PATH_MAX];
	if (!realpath(display, real)) {
		int e = errno;
		if (from)
			policy_diag_add(L->d, from_file, from->line, from->col,
					false, "cannot include '%s': %s",
					display, strerror(e));
		else
			policy_diag_add(L->d, display, 1, 1, false,
					"cannot read policy: %s", strerror(e));
		return -e;
	}
	for (size_t i = 0; i < L->depth; i++)
		if (strcmp(L->stack[i], real) == 0) {
			struct strbuf b = {0};
			for (size_t j = i; j < L->depth; j++) {
				strbuf_puts(&b, tg_basename(L->stack[j]));
				strbuf_puts(&b, " -> ");
			}
			strbuf_puts(&b, tg_basename(real));
			policy_diag_add(L->d, from_file, from ? from->line : 1,
					from ? from->col : 1, false,
					"include cycle: %s", b.s ? b.s : "?");
			strbuf_free(&b);
			return -ELOOP;
		}
	for (size_t i = 0; i < L->nunits; i++)
		if (strcmp(L->units[i].real, real) == 0)
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
	const char *file = intern_file(L, display);
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
	L->cur_file = file;
	char *realdup = strdup(real);
	if (!realdup) {
		ytree_free(t);
		return -ENOMEM;
	}
	L->stack[L->depth++] = realdup;
	int rc = 0;
	const struct ynode *root = t->root;
	if (!root || is_null(root)) {
		policy_diag_add(L->d, file, 1, 1, false,
				"the policy is empty: it needs at least "
				"version: 1 and rules");
		rc = -EINVAL;
	} else if (root->type != YN_MAP) {
		policy_diag_add(L->d, file, root->line, root->col, false,
				"a policy must be a mapping with version, "
				"settings, rules ...; found %s",
				ynode_type_name(root));
		rc = -EINVAL;
	} else {
		if (!check_keys(L, root, top_keys, "the policy"))
			rc = -EINVAL;
		const struct ynode *inc = ytree_get(root, "include");
		if (inc && process_includes(L, display, inc) < 0)
			rc = -EINVAL;
		L->cur_file = file;
	}
	L->depth--;
	/* record after includes so that included rules come first */
	if (tg_grow((void **)&L->units, &L->capunits, L->nunits + 1,
		    sizeof(*L->units)) < 0) {
		free(realdup);
		ytree_free(t);
		return -ENOMEM;
	}
	L->units[L->nunits++] =
	    (struct unit){.file = file, .real = realdup, .tree = t};
	return rc;
}

static int collect_variables(struct loader *L, const struct unit *u)
{
	const struct ynode *vars = ytree_get(u->tree->root, "variables");
	if (!vars || is_null(vars))
		return 0;
	L->cur_file = u->file;
	if (vars->type != YN_MAP) {
		ERR(L, vars, "'variables' must be a mapping of NAME: value");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i + 1 < vars->n; i += 2) {
		const struct ynode *k = vars->items[i], *v = vars->items[i + 1];
		bool ok =
		    k->len > 0 && k->len <= 64 &&
		    (isalpha((unsigned char)k->str[0]) || k->str[0] == '_');
		for (size_t j = 0; ok && j < k->len; j++)
			if (!isalnum((unsigned char)k->str[j]) &&
			    k->str[j] != '_')
				ok = false;
		if (!ok) {
			ERR(L, k,
			    "bad variable name '%.64s': use letters, digits "
			    "and '_'",
			    k->str);
			rc = -EINVAL;
			continue;
		}
		if (!want_scalar(L, v, k->str)) {
			rc = -EINVAL;
			continue;
		}
		struct var *old = find_var(L, k->str, k->len);
		if (old && old->literal && !old->file) {
			ERR(L, k,
			    "'%s' is a built-in variable and cannot be "
			    "redefined",
			    k->str);
			rc = -EINVAL;
			continue;
		}
		if (old && old->file) {
			if (old->literal)
				continue; /* overridden from the command line */
			ERR(L, k, "variable '%s' is already defined at %s:%d",
			    k->str, old->file, old->line);
			rc = -EINVAL;
			continue;
		}
		if (add_var(L, k->str, v->str, u->file, v->line, v->col,
			    false) < 0)
			return -ENOMEM;
	}
	return rc;
}

static int compile_unit(struct loader *L, const struct unit *u, bool top)
{
	const struct ynode *root = u->tree->root;
	const struct ynode *v;
	int rc = 0;
	L->cur_file = u->file;
	if ((v = ytree_get(root, "version"))) {
		if (!(v->type == YN_SCALAR && strcmp(v->str, "1") == 0)) {
			ERR(L, v,
			    "unsupported policy version '%.20s'; this tiergate "
			    "reads version 1",
			    v->type == YN_SCALAR ? v->str : "?");
			rc = -EINVAL;
		}
	} else if (top) {
		ERR(L, root, "missing 'version: 1'");
		rc = -EINVAL;
	}
	if ((v = ytree_get(root, "name"))) {
		if (!want_scalar(L, v, "name"))
			rc = -EINVAL;
		else if (top && !(L->p->name = strdup(v->str)))
			return -ENOMEM;
	}
	if ((v = ytree_get(root, "description"))) {
		if (!want_scalar(L, v, "description"))
			rc = -EINVAL;
		else if (top && !(L->p->description = strdup(v->str)))
			return -ENOMEM;
	}
	if ((v = ytree_get(root, "settings"))) {
		if (!top) {
			ERR(L, v,
			    "settings belong in the top-level policy, not in "
			    "an included file");
			rc = -EINVAL;
		} else if (compile_settings(L, v) < 0) {
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(root, "limits"))) {
		if (!top) {
			ERR(L, v,
			    "limits belong in the top-level policy, not in an "
			    "included file");
			rc = -EINVAL;
		} else if (compile_limits(L, v) < 0) {
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(root, "rules")) && !is_null(v)) {
		if (v->type != YN_SEQ) {
			ERR(L, v, "'rules' must be a list of rules, not %s",
			    ynode_type_name(v));
			rc = -EINVAL;
		} else {
			for (size_t i = 0; i < v->n; i++) {
				int r = compile_rule(L, v->items[i]);
				if (r == -ENOMEM)
					return r;
				if (r < 0)
					rc = -EINVAL;
				if (r == -E2BIG)
					break;
			}
		}
	}
	if ((v = ytree_get(root, "tests")) && !is_null(v)) {
		if (v->type != YN_SEQ) {
			ERR(L, v, "'tests' must be a list, not %s",
			    ynode_type_name(v));
			rc = -EINVAL;
		} else {
			for (size_t i = 0; i < v->n; i++) {
				int r = compile_test(L, v->items[i]);
				if (r == -ENOMEM)
					return r;
				if (r < 0)
					rc = -EINVAL;
			}
		}
	}
	return rc;
}

static int add_builtins(struct loader *L, const struct policy_vars *vars)
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
		const char *o = vars->overrides[i];
		const char *eq = strchr(o, '=');
		if (!eq || eq == o) {
			policy_diag_add(
			    L->d, "<command line>", 1, 1, false,
			    "bad variable override '%s': write NAME=VALUE", o);
			return -EINVAL;
		}
		struct var *v = find_var(L, o, (size_t)(eq - o));
		if (v) {
			char *nv = strdup(eq + 1);
			if (!nv)
				return -ENOMEM;
			free(v->value);
			v->value = nv;
		} else {
			char name[80];
			snprintf(name, sizeof(name), "%.*s", (int)(eq - o), o);
			if (add_var(L, name, eq + 1, "<command line>", 1, 1,
				    true) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static void set_defaults(struct policy *p)
{
	p->settings.default_action = POLICY_PROMPT;
	p->settings.prompt_timeout_ms = 120000;
	p->settings.on_timeout = POLICY_DENY;
	p->settings.fail = POLICY_FAIL_CLOSED;
	p->settings.exec_race = POLICY_RACE_VERIFY;
	p->settings.audit_max_bytes = 64ULL << 20;
	p->settings.max_pending_prompts = 16;
}

static int finish(struct loader *L, int rc, struct policy **ret)
{
	struct policy *p = L->p;
	if (rc == 0 && L->d->nerrors == 0) {
		/* the rules array is final now; fix up file pointers */
		int r = policy_index_build(p);
		if (r < 0)
			rc = r;
		else {
			policy_lint(p, L->d);
			policy_fastpath_build(p);
		}
	}
	for (size_t i = 0; i < L->nunits; i++) {
		free(L->units[i].real);
		ytree_free(L->units[i].tree);
	}
	free(L->units);
	for (size_t i = 0; i < L->nvars; i++) {
		free(L->vars[i].name);
		free(L->vars[i].value);
	}
	free(L->vars);
	if (rc == 0 && L->d->nerrors)
		rc = -EINVAL;
	if (rc < 0) {
		policy_free(p);
		return rc;
	}
	*ret = p;
	return 0;
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
		if (collect_variables(L, &L->units[i]) < 0)
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

int policy_load(const char *path, const struct policy_vars *vars,
		struct policy_diags *diags, struct policy **ret)
{
	struct policy_diags scratch = {0};
	struct loader L = {.d = diags ? diags : &scratch,
			   .allow_include = true};
	L.p = calloc(1, sizeof(*L.p));
	if (!L.p)
		return -ENOMEM;
	set_defaults(L.p);
	L.p->path = strdup(path);
	int rc = L.p->path ? add_builtins(&L, vars) : -ENOMEM;
	if (rc == 0) {
		rc = load_unit(&L, path, NULL, path);
		/* even after an error, report what we can about the files
		 * that were read */
		if (L.nunits > 0) {
			int r = compile_all(&L);
			if (rc == 0)
				rc = r;
		}
	}
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
	L.p = calloc(1, sizeof(*L.p));
	if (!L.p)
		return -ENOMEM;
	set_defaults(L.p);
	L.p->path = strdup(name);
	int rc = L.p->path ? add_builtins(&L, vars) : -ENOMEM;
	if (rc == 0) {
		const char *file = intern_file(&L, name);
		struct ytree *t = NULL;
		struct yerror ye = {0};
		if (!file) {
			rc = -ENOMEM;
		} else if ((rc = ytree_load_buffer(buf, len, &t, &ye)) < 0) {
			policy_diag_add(L.d, file, ye.line, ye.col, false, "%s",
					ye.msg);
		} else {
			L.cur_file = file;
			const struct ynode *root = t->root;
			L.units = calloc(1, sizeof(*L.units));
			if (!L.units) {
				ytree_free(t);
				rc = -ENOMEM;
			} else {
				L.units[0] = (struct unit){
				    .file = file, .real = NULL, .tree = t};
				L.nunits = 1;
				if (!root || root->type != YN_MAP) {
					policy_diag_add(
					    L.d, file, 1, 1, false,
					    "a policy must be a mapping");
					rc = -EINVAL;
				} else {
					static const char *const top_keys[] = {
					    "version",	   "name",
					    "description", "settings",
					    "variables",   "include",
					    "rules",	   "limits",
					    "tests",	   NULL};
					if (!check_keys(&L, root, top_keys,
							"the policy"))
						rc = -EINVAL;
					const struct ynode *inc =
					    ytree_get(root, "include");
					if (inc &&
					    process_includes(&L, name, inc) < 0)
						rc = -EINVAL;
					int r = compile_all(&L);
					if (rc == 0)
						rc = r;
				}
			}
		}
	}
	rc = finish(&L, rc, ret);
	policy_diags_free(&scratch);
	return rc;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	policy_index_free(p);
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
	for (size_t i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->ntests; i++)
		test_free(&p->tests[i]);
	free(p->tests);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p->name);
	free(p->description);
	free(p->path);
	free(p);
}

/* ------------------------------ names ------------------------------ */

static const char *const action_names[POLICY_ACTION_MAX] = {
    [POLICY_ALLOW] = "allow",
    [POLICY_LOG] = "log",
    [POLICY_PROMPT] = "prompt",
    [POLICY_DENY] = "deny",
};

const char *policy_action_name(enum policy_action a)
{
	return (unsigned)a < POLICY_ACTION_MAX ? action_names[a] : "invalid";
}

int policy_action_from_name(const char *s, enum policy_action *ret)
{
	for (int i = 0; i < POLICY_ACTION_MAX; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*ret = (enum policy_action)i;
			return 0;
		}
	return -EINVAL;
}

int policy_action_tier(enum policy_action a)
{
	switch (a) {
	case POLICY_ALLOW:
		return 1;
	case POLICY_LOG:
		return 2;
	case POLICY_PROMPT:
		return 3;
	case POLICY_DENY:
		return 0;
	default:
		return -1;
	}
}

const char *policy_kind_name(enum policy_kind k)
{
	switch (k) {
	case POLICY_EV_EXEC:
		return "exec";
	case POLICY_EV_OPEN:
		return "open";
	case POLICY_EV_CONNECT:
		return "connect";
	case POLICY_EV_GIT:
		return "git";
	default:
		return "invalid";
	}
}

static const char *const access_names[] = {"read", "write", "create", "delete",
					   "exec"};

int policy_access_from_name(const char *s, unsigned *ret_bit)
{
	for (unsigned i = 0; i < TG_ARRAY_SIZE(access_names); i++)
		if (strcmp(s, access_names[i]) == 0) {
			*ret_bit = 1u << i;
			return 0;
		}
	return -EINVAL;
}

void policy_access_format(unsigned access, char *buf, size_t bufsz)
{
	size_t o = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < TG_ARRAY_SIZE(access_names); i++)
		if (access & (1u << i)) {
			int n = snprintf(buf + o, bufsz - o, "%s%s",
					 o ? "," : "", access_names[i]);
			if (n < 0 || (size_t)n >= bufsz - o)
				return;
			o += (size_t)n;
		}
}

const char *policy_proto_name(enum policy_proto p)
{
	switch (p) {
	case POLICY_PROTO_ANY:
		return "any";
	case POLICY_PROTO_TCP:
		return "tcp";
	case POLICY_PROTO_UDP:
		return "udp";
	default:
		return "invalid";
	}
}

const struct policy_settings *policy_settings(const struct policy *p)
{
	return &p->settings;
}
const struct policy_limits *policy_limits(const struct policy *p)
{
	return &p->limits;
}
const char *policy_name(const struct policy *p)
{
	return p->name ? p->name : "(unnamed)";
}
const char *policy_path(const struct policy *p)
{
	return p->path;
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
