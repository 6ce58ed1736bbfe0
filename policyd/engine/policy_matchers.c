/* SPDX-License-Identifier: MIT */
/* policy_matchers: exec, open and git matchers, from a table of fields. */
#include "policy_matchers.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "policy_hints.h"
#include "policy_vars.h"

/* path: what a path pattern names (HINT_PATH_MAX: not a path). */
static int compile_globs(struct loader *L, const struct ynode *n,
			 const char *field, enum glob_mode mode,
			 enum hint_path path, struct globlist *ret)
{
	struct yitems it;
	int r = loader_list_alloc(L, n, field, &it, sizeof(*ret->v),
				  (void **)&ret->v);
	if (r < 0)
		return r;
	ret->set = true;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		_cleanup_free_ char *pat = vars_expand(L, it.v[i], true);
		if (!pat) {
			rc = -EINVAL;
			continue;
		}
		if (path != HINT_PATH_MAX && pat[0] != '/' &&
		    strncmp(pat, "**", 2) != 0 &&
		    !(path == HINT_PATH_SOCKET && pat[0] == '@')) {
			char msg[600];
			hints_relative_path(path, field, pat, msg, sizeof(msg));
			loader_err(L, it.v[i], "%s", msg);
			rc = -EINVAL;
			continue;
		}
		const char *err = NULL;
		size_t pos = 0;
		struct glob *g = NULL;
		if (glob_compile(pat, mode, &g, &err, &pos) < 0) {
			loader_err(L, it.v[i], "bad glob '%.200s': %s", pat,
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

static void argvpat_free(struct argvpat *ap)
{
	for (size_t w = 0; w < ap->n; w++)
		glob_free(ap->tok[w]);
	free(ap->tok);
	free(ap->src);
}

/* The tokens of one argv pattern into ap (tokens "**" stay NULL). */
static int compile_argvpat(struct loader *L, const struct ynode *item,
			   const char *pat, char **words, size_t nw,
			   struct argvpat *ap)
{
	ap->tok = calloc(nw, sizeof(*ap->tok));
	ap->src = strdup(pat);
	ap->n = nw;
	if (!ap->tok || !ap->src) {
		argvpat_free(ap);
		return -ENOMEM;
	}
	int rc = 0;
	for (size_t w = 0; w < nw; w++) {
		if (strcmp(words[w], "**") == 0)
			continue; /* NULL = any number of tokens */
		const char *err = NULL;
		size_t pos;
		if (glob_compile(words[w], GLOB_TOKEN, &ap->tok[w], &err,
				 &pos) < 0) {
			loader_err(L, item,
				   "bad glob '%.200s' in argv pattern: %s",
				   words[w], err ? err : "invalid");
			rc = -EINVAL;
		}
	}
	/* a token left NULL by a compile error must not act as "**" */
	if (rc < 0)
		argvpat_free(ap);
	return rc;
}

static int compile_argv(struct loader *L, const struct ynode *n,
			const char *field, struct argvlist *ret)
{
	struct yitems it;
	int r = loader_list_alloc(L, n, field, &it, sizeof(*ret->v),
				  (void **)&ret->v);
	if (r < 0)
		return r;
	ret->set = true;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		_cleanup_free_ char *pat = vars_expand(L, it.v[i], true);
		if (!pat) {
			rc = -EINVAL;
			continue;
		}
		char **words = NULL;
		size_t nw = 0;
		if (tg_split_words(pat, true, &words, &nw) < 0) {
			loader_err(L, it.v[i],
				   "bad argv pattern '%.200s': unterminated "
				   "quote or trailing backslash; close the "
				   "quote, or write \\\\ for a backslash",
				   pat);
			rc = -EINVAL;
			continue;
		}
		if (nw == 0) {
			loader_err(L, it.v[i],
				   "empty argv pattern: write at least the "
				   "program's name, such as \"make **\"");
			tg_strv_free(words);
			rc = -EINVAL;
			continue;
		}
		r = compile_argvpat(L, it.v[i], pat, words, nw,
				    &ret->v[ret->n]);
		tg_strv_free(words);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = r;
		else
			ret->n++;
	}
	return rc;
}

static void argvlist_free(struct argvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		argvpat_free(&l->v[i]);
	free(l->v);
}

/* "rw", "read,write", "read write": several accesses in one string are a
 * list to write. */
static bool access_list(const char *s, char *buf, size_t n)
{
	static const char *const letters = "rwcdx";
	static const char *const names[] = {"read", "write", "create", "delete",
					    "exec"};
	size_t o = 0, k = 0;
	buf[0] = '\0';
	if (strlen(s) <= 5 && strspn(s, letters) == strlen(s)) {
		for (const char *c = s; *c && o < n; c++)
			o += (size_t)snprintf(
			    buf + o, n - o, "%s%s", o ? ", " : "",
			    names[strchr(letters, *c) - letters]);
		return o > 0 && o < n;
	}
	for (const char *p = s; *p && o < n; k++) {
		p += strspn(p, ", \t");
		size_t w = strcspn(p, ", \t");
		char word[16];
		unsigned bit;
		if (!w)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)w, p);
		if (w >= sizeof(word) ||
		    policy_access_from_name(word, &bit) < 0)
			return false;
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "",
				      word);
		p += w;
	}
	return k > 1 && o < n;
}

static void unknown_access(struct loader *L, const struct ynode *v,
			   const char *field)
{
	char list[80];
	if (access_list(v->str, list, sizeof(list)))
		loader_err(L, v,
			   "unknown access '%.40s': write a list: %s: [%s]",
			   v->str, field, list);
	else
		loader_err(L, v,
			   "unknown access '%.40s'; use read, write, create, "
			   "delete or exec",
			   v->str);
}

int matcher_access(struct loader *L, const struct ynode *v, const char *field,
		   unsigned *ret)
{
	struct yitems it;
	int r = loader_list(L, v, field, &it);
	if (r < 0)
		return r;
	unsigned acc = 0;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		unsigned bit;
		if (policy_access_from_name(it.v[i]->str, &bit) < 0) {
			unknown_access(L, it.v[i], field);
			rc = -EINVAL;
			continue;
		}
		acc |= bit;
	}
	*ret = acc;
	return rc;
}

bool matcher_check_map(struct loader *L, const struct ynode *n,
		       const char *kind)
{
	if (n->type == YN_MAP && n->n > 0)
		return true;
	/* what matches every event of the kind */
	static const struct {
		const char *kind, *all;
	} every[] = {{"exec", "path: \"/**\""},
		     {"open", "path: \"/**\""},
		     {"connect", "cidr: [0.0.0.0/0, \"::/0\"]"},
		     {"git", "command: \"*\""}};
	const char *all = "path: \"/**\"";
	for (size_t i = 0; i < TG_ARRAY_SIZE(every); i++)
		if (!strcmp(kind, every[i].kind))
			all = every[i].all;
	if (ynode_is_null(n) || n->type == YN_MAP)
		loader_err(L, n,
			   "empty %s matcher: give at least one field (for "
			   "everything, write %s)",
			   kind, all);
	else
		loader_err(L, n, "'%s' must be a mapping of fields, not %s",
			   kind, ynode_type_name(n));
	return false;
}

/* ------------------------- fields as data -------------------------- */

enum field_kind {
	FK_PATHS,  /* path globs: absolute, GLOB_PATH (struct globlist) */
	FK_GLOBS,  /* other globs in .mode (struct globlist) */
	FK_ARGV,   /* argv patterns (struct argvlist) */
	FK_ACCESS, /* access names (unsigned) */
	FK_BOOL,   /* true/false into a -1/0/1 int, inverted when .negated */
	FK_MAX,
};

struct field {
	const char *key;
	enum field_kind kind;
	enum glob_mode mode; /* FK_GLOBS */
	size_t off;	     /* of the member in the matcher struct */
	bool negated;	     /* FK_BOOL */
	enum hint_path path; /* FK_PATHS: what the path names */
};

#define MAX_FIELDS 16

static int compile_field(struct loader *L, const struct field *f,
			 const struct ynode *v, void *m)
{
	void *dst = (char *)m + f->off;
	bool b;
	switch (f->kind) {
	case FK_PATHS:
		return compile_globs(L, v, f->key, GLOB_PATH, f->path, dst);
	case FK_GLOBS:
		return compile_globs(L, v, f->key, f->mode, HINT_PATH_MAX, dst);
	case FK_ARGV:
		return compile_argv(L, v, f->key, dst);
	case FK_ACCESS:
		return matcher_access(L, v, f->key, dst);
	case FK_BOOL:
		if (loader_bool(L, v, f->key, &b) < 0)
			return -EINVAL;
		*(int *)dst = f->negated ? !b : b;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Compiles every key of the mapping n into the matcher m by the table. */
static int compile_fields(struct loader *L, const struct ynode *n,
			  const struct field *fields, size_t nfields,
			  const char *what, void *m)
{
	const char *keys[MAX_FIELDS + 1];
	for (size_t f = 0; f < nfields && f < MAX_FIELDS; f++)
		keys[f] = fields[f].key;
	keys[nfields < MAX_FIELDS ? nfields : MAX_FIELDS] = NULL;
	int rc = loader_check_keys(L, n, keys, what) ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		for (size_t f = 0; f < nfields; f++) {
			if (strcmp(k, fields[f].key) != 0)
				continue;
			int r =
			    compile_field(L, &fields[f], n->items[i + 1], m);
			if (r < 0)
				rc = r;
			break;
		}
	}
	return rc;
}

#define EXEC(key, kind, member, path)                                          \
	{                                                                      \
		key, kind, GLOB_PATH, offsetof(struct exec_m, member), false,  \
		    path                                                       \
	}
static const struct field exec_fields[] = {
    EXEC("path", FK_PATHS, path, HINT_PATH_PROGRAM),
    EXEC("not_path", FK_PATHS, not_path, HINT_PATH_PROGRAM),
    EXEC("argv", FK_ARGV, argv, HINT_PATH_MAX),
    EXEC("not_argv", FK_ARGV, not_argv, HINT_PATH_MAX),
    EXEC("cwd", FK_PATHS, cwd, HINT_PATH_DIR),
    EXEC("not_cwd", FK_PATHS, not_cwd, HINT_PATH_DIR),
};

#define OPEN(key, kind, member)                                                \
	{                                                                      \
		key, kind, GLOB_PATH, offsetof(struct open_m, member), false,  \
		    HINT_PATH_FILE                                             \
	}
static const struct field open_fields[] = {
    OPEN("path", FK_PATHS, path),
    OPEN("not_path", FK_PATHS, not_path),
    OPEN("access", FK_ACCESS, access),
    OPEN("not_access", FK_ACCESS, not_access),
};

#define GIT(key, kind, mode, member, neg)                                      \
	{                                                                      \
		key, kind, mode, offsetof(struct git_m, member), neg,          \
		    HINT_PATH_MAX                                              \
	}
static const struct field git_fields[] = {
    GIT("command", FK_GLOBS, GLOB_TOKEN, command, false),
    GIT("not_command", FK_GLOBS, GLOB_TOKEN, not_command, false),
    GIT("remote", FK_GLOBS, GLOB_NAME, remote, false),
    GIT("not_remote", FK_GLOBS, GLOB_NAME, not_remote, false),
    GIT("branch", FK_GLOBS, GLOB_NAME, branch, false),
    GIT("not_branch", FK_GLOBS, GLOB_NAME, not_branch, false),
    GIT("config_key", FK_GLOBS, GLOB_TOKEN, config_key, false),
    GIT("not_config_key", FK_GLOBS, GLOB_TOKEN, not_config_key, false),
    GIT("args", FK_ARGV, GLOB_TOKEN, args, false),
    GIT("not_args", FK_ARGV, GLOB_TOKEN, not_args, false),
    GIT("force", FK_BOOL, GLOB_TOKEN, force, false),
    GIT("not_force", FK_BOOL, GLOB_TOKEN, force, true),
    GIT("delete", FK_BOOL, GLOB_TOKEN, delete_, false),
    GIT("not_delete", FK_BOOL, GLOB_TOKEN, delete_, true),
};

#define UNIX(key, member)                                                      \
	{                                                                      \
		key, FK_PATHS, GLOB_PATH, offsetof(struct unix_m, member),     \
		    false, HINT_PATH_SOCKET                                    \
	}
static const struct field unix_fields[] = {
    UNIX("unix", path),
    UNIX("not_unix", not_path),
};

_Static_assert(TG_ARRAY_SIZE(git_fields) <= MAX_FIELDS, "too many fields");

/* ---------------------------- matchers ----------------------------- */

/* Frees what the table's fields of m hold, then m. */
static void free_fields(const struct field *fields, size_t nfields, void *m)
{
	if (!m)
		return;
	for (size_t f = 0; f < nfields; f++) {
		void *p = (char *)m + fields[f].off;
		if (fields[f].kind == FK_PATHS || fields[f].kind == FK_GLOBS)
			globlist_free(p);
		else if (fields[f].kind == FK_ARGV)
			argvlist_free(p);
	}
	free(m);
}

/* A zeroed matcher of size bytes for the mapping n, or NULL with *rc. */
static void *matcher_new(struct loader *L, const struct ynode *n,
			 const char *kind, size_t size, int *rc)
{
	*rc = -EINVAL;
	if (!matcher_check_map(L, n, kind))
		return NULL;
	void *m = calloc(1, size);
	*rc = m ? 0 : -ENOMEM;
	return m;
}

int matcher_exec(struct loader *L, const struct ynode *n, struct exec_m **ret)
{
	int rc;
	struct exec_m *m = matcher_new(L, n, "exec", sizeof(*m), &rc);
	if (!m)
		return rc;
	*ret = m;
	return compile_fields(L, n, exec_fields, TG_ARRAY_SIZE(exec_fields),
			      "an exec matcher", m);
}

void matcher_exec_free(struct exec_m *m)
{
	free_fields(exec_fields, TG_ARRAY_SIZE(exec_fields), m);
}

int matcher_open(struct loader *L, const struct ynode *n, struct open_m **ret)
{
	int rc;
	struct open_m *m = matcher_new(L, n, "open", sizeof(*m), &rc);
	if (!m)
		return rc;
	*ret = m;
	m->access = POLICY_ACC_ALL;
	rc = compile_fields(L, n, open_fields, TG_ARRAY_SIZE(open_fields),
			    "an open matcher", m);
	m->access &= ~m->not_access;
	if (rc == 0 && m->access == 0) {
		loader_err(L, n,
			   "this open matcher excludes every access, so it "
			   "can never match: take some out of not_access");
		rc = -EINVAL;
	}
	return rc;
}

void matcher_open_free(struct open_m *m)
{
	free_fields(open_fields, TG_ARRAY_SIZE(open_fields), m);
}

static bool in_list(const char *k, const char *const *v)
{
	for (; *v; v++)
		if (!strcmp(k, *v))
			return true;
	return false;
}

bool matcher_is_unix(const struct ynode *n)
{
	return n->type == YN_MAP &&
	       (ytree_get(n, "unix") || ytree_get(n, "not_unix"));
}

int matcher_unix(struct loader *L, const struct ynode *n, struct unix_m **ret)
{
	int rc;
	struct unix_m *m = matcher_new(L, n, "connect", sizeof(*m), &rc);
	if (!m)
		return rc;
	*ret = m;
	static const char *const keys[] = {
	    "unix",	"not_unix", "host",	"not_host", "cidr",
	    "not_cidr", "port",	    "not_port", "proto",    NULL};
	if (!loader_check_keys(L, n, keys, "a connect matcher"))
		rc = -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct field *f = NULL;
		for (size_t j = 0; j < TG_ARRAY_SIZE(unix_fields); j++)
			if (!strcmp(k, unix_fields[j].key))
				f = &unix_fields[j];
		if (f) {
			if (compile_field(L, f, n->items[i + 1], m) < 0)
				rc = -EINVAL;
			continue;
		}
		/* one rule, one kind of destination: a Unix socket has no
		 * host, address, port or protocol a rule could mean */
		if (in_list(k, keys)) {
			loader_err(L, n->items[i],
				   "'%s' cannot be combined with unix: a "
				   "connect matcher names either Unix sockets "
				   "(unix, not_unix) or network destinations "
				   "(host, cidr, port, proto); write two rules",
				   k);
			rc = -EINVAL;
		}
	}
	return rc;
}

void matcher_unix_free(struct unix_m *m)
{
	free_fields(unix_fields, TG_ARRAY_SIZE(unix_fields), m);
}

int matcher_git(struct loader *L, const struct ynode *n, struct git_m **ret)
{
	int rc;
	struct git_m *m = matcher_new(L, n, "git", sizeof(*m), &rc);
	if (!m)
		return rc;
	*ret = m;
	m->force = -1;
	m->delete_ = -1;
	return compile_fields(L, n, git_fields, TG_ARRAY_SIZE(git_fields),
			      "a git matcher", m);
}

void matcher_git_free(struct git_m *m)
{
	free_fields(git_fields, TG_ARRAY_SIZE(git_fields), m);
}
