/* SPDX-License-Identifier: MIT */
/* policy_tests: one test of `tests:`. */
#include "policy_tests.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy_hints.h"
#include "policy_matchers.h"
#include "policy_vars.h"

/* A command line (split like a shell) or a list of arguments. */
static int argv_from_node(struct loader *L, const struct ynode *n,
			  const char *field, char ***ret, size_t *ret_n)
{
	if (n->type == YN_SCALAR && !ynode_is_null(n)) {
		_cleanup_free_ char *s = vars_expand(L, n, false);
		if (!s)
			return -EINVAL;
		if (tg_split_words(s, false, ret, ret_n) < 0 || *ret_n == 0) {
			loader_err(L, n,
				   "'%s' needs a command line, such as "
				   "\"git status\", or a list of arguments",
				   field);
			return -EINVAL;
		}
		return 0;
	}
	struct yitems it;
	if (loader_list(L, n, field, &it) < 0)
		return -EINVAL;
	char **v = calloc(it.n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < it.n; i++) {
		v[i] = vars_expand(L, it.v[i], false);
		if (!v[i]) {
			tg_strv_free(v);
			return -EINVAL;
		}
	}
	*ret = v;
	*ret_n = it.n;
	return 0;
}

/* A scalar, its variables expanded, into *ret (replacing what was there). */
static int test_string(struct loader *L, const struct ynode *v,
		       const char *field, char **ret)
{
	if (!loader_scalar(L, v, field))
		return -EINVAL;
	free(*ret);
	*ret = vars_expand(L, v, false);
	return *ret ? 0 : -EINVAL;
}

/* name, cwd and path: what every kind of test may give. */
static int test_common(struct loader *L, const struct ynode *n,
		       struct policy_test *t)
{
	const struct ynode *v;
	int rc = 0;
	if ((v = ytree_get(n, "name")) && loader_scalar(L, v, "name"))
		t->name = strdup(v->str);
	if ((v = ytree_get(n, "cwd"))) {
		if (test_string(L, v, "cwd", &t->cwd) < 0) {
			rc = -EINVAL;
		} else if (t->cwd[0] != '/') {
			loader_err(L, v,
				   "cwd must be absolute: write a path such as "
				   "\"${PWD}/src\"");
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(n, "path")) && test_string(L, v, "path", &t->path))
		rc = -EINVAL;
	return rc;
}

static int test_exec(struct loader *L, const struct ynode *v,
		     struct policy_test *t)
{
	t->kind = POLICY_EV_EXEC;
	return argv_from_node(L, v, "exec", &t->argv, &t->argc);
}

static int test_git(struct loader *L, const struct ynode *v,
		    struct policy_test *t)
{
	t->kind = POLICY_EV_GIT;
	/* a test with exec too is an error later; the first argv must not
	 * leak */
	tg_strv_free(t->argv);
	t->argv = NULL;
	t->argc = 0;
	return argv_from_node(L, v, "git", &t->argv, &t->argc);
}

/* open: PATH or {path, access} (read when not given). */
static int test_open(struct loader *L, const struct ynode *v,
		     struct policy_test *t)
{
	static const char *const keys[] = {"path", "access", NULL};
	t->kind = POLICY_EV_OPEN;
	t->access = POLICY_ACC_READ;
	int rc = 0;
	if (v->type == YN_SCALAR && !ynode_is_null(v)) {
		free(t->path);
		t->path = vars_expand(L, v, false);
		if (!t->path)
			rc = -EINVAL;
	} else if (v->type == YN_MAP) {
		if (!loader_check_keys(L, v, keys, "an open test"))
			rc = -EINVAL;
		const struct ynode *pp = ytree_get(v, "path");
		const struct ynode *aa = ytree_get(v, "access");
		if (!pp) {
			loader_err(L, v,
				   "open test needs a path: add path: /FILE");
			rc = -EINVAL;
		} else if (test_string(L, pp, "path", &t->path) < 0) {
			rc = -EINVAL;
		}
		if (aa && matcher_access(L, aa, "access", &t->access) < 0)
			rc = -EINVAL;
	} else {
		loader_err(L, v, "open test must be a path or {path, access}");
		rc = -EINVAL;
	}
	if (t->path && t->path[0] != '/' && !t->cwd) {
		loader_err(L, v,
			   "open test path must be absolute (or give cwd): "
			   "write \"${PWD}/%.100s\"",
			   t->path);
		rc = -EINVAL;
	}
	return rc;
}

#define HOSTBUF 300

/* connect: "HOST:PORT" or "[v6]:PORT"; the host into hostbuf. */
static int connect_scalar(struct loader *L, const struct ynode *v,
			  struct policy_test *t, char *hostbuf)
{
	const char *s = v->str;
	const char *colon = strrchr(s, ':');
	char uh[256];
	unsigned up;
	if (hints_url_target(s, uh, sizeof(uh), &up)) {
		bool v6 = strchr(uh, ':') != NULL;
		char target[300];
		if (up)
			snprintf(target, sizeof(target), "%s%s%s:%u",
				 v6 ? "[" : "", uh, v6 ? "]" : "", up);
		else
			snprintf(target, sizeof(target), "%s%s%s:PORT",
				 v6 ? "[" : "", uh, v6 ? "]" : "");
		loader_err(L, v,
			   "connect test '%.100s' is a URL: write connect: "
			   "\"%s\"",
			   s, target);
		return -EINVAL;
	}
	if (!colon || strlen(s) >= HOSTBUF) {
		loader_err(L, v,
			   "connect test must be HOST:PORT, such as "
			   "pypi.org:443 or \"[::1]:8080\"");
		return -EINVAL;
	}
	memcpy(hostbuf, s, (size_t)(colon - s));
	hostbuf[colon - s] = '\0';
	uint64_t port = 0;
	if (tg_parse_u64(colon + 1, 65535, &port) < 0) {
		loader_err(L, v,
			   "bad port in '%.80s': write HOST:PORT with a port "
			   "1-65535",
			   s);
		return -EINVAL;
	}
	t->port = (uint16_t)port;
	return 0;
}

static int connect_port(struct loader *L, const struct ynode *v,
			const struct ynode *pp, struct policy_test *t)
{
	if (!pp) {
		loader_err(L, v, "connect test needs a port: add port: 443");
		return -EINVAL;
	}
	if (!loader_scalar(L, pp, "port"))
		return -EINVAL;
	uint64_t port = 0;
	if (tg_parse_u64(pp->str, 65535, &port) < 0) {
		loader_err(L, pp, "bad port '%.20s': ports are 1-65535",
			   pp->str);
		return -EINVAL;
	}
	t->port = (uint16_t)port;
	return 0;
}

/* connect: {host, addr, port, proto}; the host into hostbuf. */
static int connect_map(struct loader *L, const struct ynode *v,
		       struct policy_test *t, char *hostbuf)
{
	static const char *const keys[] = {"host", "addr", "port", "proto",
					   NULL};
	int rc = loader_check_keys(L, v, keys, "a connect test") ? 0 : -EINVAL;
	const struct ynode *hh = ytree_get(v, "host");
	const struct ynode *aa = ytree_get(v, "addr");
	const struct ynode *pr = ytree_get(v, "proto");
	if (hh && loader_scalar(L, hh, "host"))
		snprintf(hostbuf, HOSTBUF, "%s", hh->str);
	if (connect_port(L, v, ytree_get(v, "port"), t) < 0)
		rc = -EINVAL;
	if (aa) {
		if (!loader_scalar(L, aa, "addr") ||
		    tg_addr_parse(aa->str, &t->addr) < 0) {
			loader_err(L, aa,
				   "bad address: write an IPv4 or IPv6 "
				   "address, such as 10.0.0.1 or \"::1\"");
			rc = -EINVAL;
		} else {
			t->has_addr = true;
		}
	}
	if (pr && (!loader_scalar(L, pr, "proto") ||
		   policy_proto_from_name(pr->str, &t->proto) < 0)) {
		loader_err(L, pr, "bad proto '%.20s': use tcp, udp or any",
			   pr->type == YN_SCALAR ? pr->str : "?");
		rc = -EINVAL;
	}
	return rc;
}

/* The host of a connect test: an address, or a name to normalise. */
static int connect_host(struct loader *L, const struct ynode *v,
			struct policy_test *t, const char *host)
{
	struct tg_addr a;
	if (tg_addr_parse(host, &a) == 0) {
		t->addr = a;
		t->has_addr = true;
		return 0;
	}
	char norm[256];
	if (tg_host_normalize(host, norm, sizeof(norm)) < 0) {
		loader_err(L, v,
			   "bad host name '%.80s': write a name such as "
			   "pypi.org, or an address",
			   host);
		return -EINVAL;
	}
	t->host = strdup(norm);
	return 0;
}

/* A Unix socket: "/PATH" or "@NAME" (variables expanded), from v. */
static int connect_unix(struct loader *L, const struct ynode *v,
			struct policy_test *t)
{
	_cleanup_free_ char *s = vars_expand(L, v, false);
	if (!s)
		return -EINVAL;
	if ((s[0] != '/' && s[0] != '@') || strlen(s) >= TG_PATH_MAX) {
		loader_err(L, v,
			   "a Unix socket is named by its absolute path "
			   "(/run/docker.sock) or, abstract, by @NAME");
		return -EINVAL;
	}
	t->unix_path = steal_pointer(&s);
	return 0;
}

static int test_connect(struct loader *L, const struct ynode *v,
			struct policy_test *t)
{
	t->kind = POLICY_EV_CONNECT;
	t->proto = POLICY_PROTO_TCP;
	char hostbuf[HOSTBUF] = "";
	int rc;
	const struct ynode *un =
	    v->type == YN_MAP ? ytree_get(v, "unix") : NULL;
	if (v->type == YN_SCALAR &&
	    (v->str[0] == '/' || v->str[0] == '@' || !strncmp(v->str, "${", 2)))
		return connect_unix(L, v, t);
	if (un) {
		if (v->n != 2) {
			loader_err(L, v,
				   "a Unix socket connect test has only "
				   "unix: PATH");
			return -EINVAL;
		}
		return loader_scalar(L, un, "unix") ? connect_unix(L, un, t)
						    : -EINVAL;
	}
	if (v->type == YN_SCALAR && !ynode_is_null(v)) {
		rc = connect_scalar(L, v, t, hostbuf);
	} else if (v->type == YN_MAP) {
		rc = connect_map(L, v, t, hostbuf);
	} else {
		loader_err(L, v, "connect test must be HOST:PORT or a mapping");
		rc = -EINVAL;
	}
	if (hostbuf[0] && connect_host(L, v, t, hostbuf) < 0)
		rc = -EINVAL;
	return rc;
}

static const struct {
	const char *key;
	int (*compile)(struct loader *L, const struct ynode *v,
		       struct policy_test *t);
} kinds[] = {
    {"exec", test_exec},
    {"git", test_git},
    {"open", test_open},
    {"connect", test_connect},
};

/* expect (and the optional rule that must decide). */
static int test_expect(struct loader *L, const struct ynode *n,
		       struct policy_test *t)
{
	int rc = 0;
	const struct ynode *v = ytree_get(n, "expect");
	if (!v) {
		loader_err(L, n,
			   "test has no 'expect': add expect: allow, log, "
			   "prompt or deny");
		rc = -EINVAL;
	} else {
		const char *s = loader_scalar(L, v, "expect");
		if (!s) {
			rc = -EINVAL;
		} else if (policy_action_from_name(s, &t->expect) < 0) {
			loader_err(L, v,
				   "expect must be allow, log, prompt or deny, "
				   "not '%.40s'",
				   s);
			rc = -EINVAL;
		}
	}
	if ((v = ytree_get(n, "rule"))) {
		if (loader_scalar(L, v, "rule"))
			t->expect_rule = strdup(v->str);
		else
			rc = -EINVAL;
	}
	return rc;
}

/* A new zeroed test at the end of the policy's list, or NULL (OOM). */
static struct policy_test *test_new(struct loader *L, const struct ynode *n)
{
	struct policy *p = L->p;
	struct policy_test *nt =
	    realloc(p->tests, (p->ntests + 1) * sizeof(*p->tests));
	if (!nt)
		return NULL;
	p->tests = nt;
	struct policy_test *t = &p->tests[p->ntests++];
	memset(t, 0, sizeof(*t));
	t->line = n->line;
	t->col = n->col;
	t->file = strdup(L->cur_file);
	return t->file ? t : NULL;
}

int tests_compile(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = {"name",    "exec", "git",  "open",
					   "connect", "cwd",  "path", "expect",
					   "rule",    NULL};
	if (n->type != YN_MAP) {
		loader_err(L, n,
			   "each test must be a mapping, not %s: write "
			   "- open: /FILE, then expect: indented below it",
			   ynode_type_name(n));
		return -EINVAL;
	}
	struct policy_test *t = test_new(L, n);
	if (!t)
		return -ENOMEM;
	int rc = loader_check_keys(L, n, keys, "a test") ? 0 : -EINVAL;
	if (test_common(L, n, t) < 0)
		rc = -EINVAL;
	int nkinds = 0;
	for (size_t i = 0; i < TG_ARRAY_SIZE(kinds); i++) {
		const struct ynode *v = ytree_get(n, kinds[i].key);
		if (!v)
			continue;
		nkinds++;
		if (kinds[i].compile(L, v, t) < 0)
			rc = -EINVAL;
	}
	if (nkinds != 1) {
		char given[64] = "";
		for (size_t i = 0, o = 0; i < TG_ARRAY_SIZE(kinds); i++)
			if (ytree_get(n, kinds[i].key))
				o += (size_t)snprintf(
				    given + o, sizeof(given) - o, "%s%s",
				    o ? " and " : "", kinds[i].key);
		if (nkinds == 0)
			loader_err(L, n,
				   "a test needs exactly one of exec, git, "
				   "open or connect: add the event to test");
		else
			loader_err(L, n,
				   "a test needs exactly one of exec, git, "
				   "open or connect: this one gives %s; split "
				   "it into one test each",
				   given);
		rc = -EINVAL;
	}
	if (test_expect(L, n, t) < 0)
		rc = -EINVAL;
	return rc;
}

void tests_free_one(struct policy_test *t)
{
	free(t->file);
	free(t->name);
	tg_strv_free(t->argv);
	free(t->path);
	free(t->cwd);
	free(t->host);
	free(t->unix_path);
	free(t->expect_rule);
}
