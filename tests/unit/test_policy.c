/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gitparse.h"
#include "glob.h"
#include "policy.h"
#include "util.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tg-unit-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const struct policy_vars vars = {
    .home = "/home/alice",
    .user = "alice",
    .pwd = "/home/alice/work",
    .tmpdir = "/tmp",
};

static struct policy *load_text(const char *text, struct policy_diags *d)
{
	const char *path = write_file("p.yaml", text);
	struct policy *p = NULL;
	int r = policy_load(path, &vars, d, &p);
	if (r < 0)
		return NULL;
	return p;
}

static struct policy *must_load(const char *text)
{
	struct policy_diags d = {0};
	struct policy *p = load_text(text, &d);
	if (!p)
		for (size_t i = 0; i < d.n; i++)
			print_message("%d:%d: %s\n", d.v[i].line, d.v[i].col,
				      d.v[i].msg);
	policy_diags_free(&d);
	assert_non_null(p);
	return p;
}

/* Expects a load error containing msg at line:col. */
static void expect_error(const char *text, int line, int col, const char *msg)
{
	struct policy_diags d = {0};
	struct policy *p = load_text(text, &d);
	assert_null(p);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning && strstr(d.v[i].msg, msg) &&
		    (line == 0 || (d.v[i].line == line && d.v[i].col == col)))
			found = true;
	if (!found) {
		for (size_t i = 0; i < d.n; i++)
			print_message("got %d:%d: %s\n", d.v[i].line,
				      d.v[i].col, d.v[i].msg);
		fail_msg("no error '%s' at %d:%d", msg, line, col);
	}
	policy_diags_free(&d);
}

static const char *open_dec(const struct policy *p, const char *path,
			    unsigned acc, enum policy_action *a)
{
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = path, .access = acc};
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	*a = d.action;
	return d.rule_id;
}

static const char *exec_dec(const struct policy *p, const char *path,
			    const char *const *argv, size_t argc,
			    enum policy_action *a)
{
	struct policy_event ev = {.kind = POLICY_EV_EXEC,
				  .path = path,
				  .argv = argv,
				  .argc = argc,
				  .cwd = "/home/alice/work"};
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	*a = d.action;
	return d.rule_id;
}

static const char *conn_dec(const struct policy *p, const char *host,
			    const char *addr, uint16_t port,
			    enum policy_proto proto, enum policy_action *a)
{
	struct tg_addr ad;
	struct policy_event ev = {.kind = POLICY_EV_CONNECT,
				  .host = host,
				  .port = port,
				  .proto = proto};
	if (addr) {
		assert_int_equal(tg_addr_parse(addr, &ad), 0);
		ev.addr = &ad;
	}
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	*a = d.action;
	return d.rule_id;
}

static void test_precedence(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: deny }\n"
	    "rules:\n"
	    "  - { id: a1, tier: 1, open: { path: ['/w/**'] } }\n"
	    "  - { id: l1, tier: 2, open: { path: ['/w/log/**'] } }\n"
	    "  - { id: p1, tier: 3, open: { path: ['/w/log/p/**'] } }\n"
	    "  - { id: d1, action: deny, open: { path: ['/w/log/p/d'] } }\n"
	    "  - { id: p2, tier: 3, open: { path: ['/w/log/p/**'] } }\n"
	    "  - { id: a2, action: allow, open: { path: ['/w/log/p/**'] } }\n");
	enum policy_action a;
	assert_string_equal(open_dec(p, "/w/x", POLICY_ACC_READ, &a), "a1");
	assert_int_equal(a, POLICY_ALLOW);
	assert_string_equal(open_dec(p, "/w/log/x", POLICY_ACC_READ, &a), "l1");
	assert_int_equal(a, POLICY_LOG);
	/* two prompts match: the first in file order is reported */
	assert_string_equal(open_dec(p, "/w/log/p/x", POLICY_ACC_READ, &a),
			    "p1");
	assert_int_equal(a, POLICY_PROMPT);
	/* deny beats everything, even when written later */
	assert_string_equal(open_dec(p, "/w/log/p/d", POLICY_ACC_READ, &a),
			    "d1");
	assert_int_equal(a, POLICY_DENY);
	/* no match: settings.default */
	assert_string_equal(open_dec(p, "/elsewhere", POLICY_ACC_READ, &a),
			    "default");
	assert_int_equal(a, POLICY_DENY);
	policy_free(p);
}

static void test_open_access_and_not(void **state)
{
	(void)state;
	struct policy *p =
	    must_load("version: 1\n"
		      "rules:\n"
		      "  - id: ws\n"
		      "    tier: 1\n"
		      "    open: { path: ['${PWD}/**'], not_path: "
		      "['${PWD}/secret/**'], access: [read, write] }\n"
		      "  - id: nodel\n"
		      "    action: deny\n"
		      "    open: { path: ['${PWD}/**'], not_access: [read, "
		      "write, create, exec] }\n");
	enum policy_action a;
	assert_string_equal(
	    open_dec(p, "/home/alice/work/a.c", POLICY_ACC_WRITE, &a), "ws");
	assert_string_equal(
	    open_dec(p, "/home/alice/work/secret/k", POLICY_ACC_READ, &a),
	    "default");
	assert_int_equal(a, POLICY_PROMPT);
	assert_string_equal(
	    open_dec(p, "/home/alice/work/a.c", POLICY_ACC_CREATE, &a),
	    "default");
	assert_string_equal(
	    open_dec(p, "/home/alice/work/a.c", POLICY_ACC_DELETE, &a),
	    "nodel");
	/* a combined access matches any rule that lists one of its bits */
	assert_string_equal(open_dec(p, "/home/alice/work/a.c",
				     POLICY_ACC_READ | POLICY_ACC_DELETE, &a),
			    "nodel");
	policy_free(p);
}

/* O_RDWR: the read and the write are two questions; a read rule does not
 * answer for the write, which falls to a write rule or to the default. */
static void test_open_read_write(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: prompt }\n"
	    "rules:\n"
	    "  - { id: read-all, tier: 1, open: { path: ['/**'], access: "
	    "[read] } }\n"
	    "  - { id: ws, tier: 1, open: { path: ['${PWD}/**'], access: "
	    "[write, create] } }\n"
	    "  - { id: logw, tier: 2, open: { path: ['${PWD}/log/**'], "
	    "access: [write] } }\n"
	    "  - { id: secret, action: deny, open: { path: ['/etc/secret'], "
	    "access: [read] } }\n");
	enum policy_action a;
	unsigned rw = POLICY_ACC_READ | POLICY_ACC_WRITE;
	assert_string_equal(open_dec(p, "/usr/share/x", rw, &a), "default");
	assert_int_equal(a, POLICY_PROMPT);
	assert_string_equal(
	    open_dec(p, "/usr/share/x", rw | POLICY_ACC_CREATE, &a), "default");
	/* both parts allowed: the first rule in strictness order */
	assert_string_equal(open_dec(p, "/home/alice/work/a.c", rw, &a),
			    "read-all");
	assert_int_equal(a, POLICY_ALLOW);
	assert_string_equal(open_dec(p, "/home/alice/work/log/l", rw, &a),
			    "logw");
	assert_int_equal(a, POLICY_LOG);
	/* a refused read refuses the whole open */
	assert_string_equal(open_dec(p, "/etc/secret", rw, &a), "secret");
	assert_int_equal(a, POLICY_DENY);
	/* one part alone is as before */
	assert_string_equal(open_dec(p, "/usr/share/x", POLICY_ACC_READ, &a),
			    "read-all");
	policy_free(p);
}

static void test_exec(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: deny }\n"
	    "rules:\n"
	    "  - { id: make, tier: 1, exec: { path: [/usr/bin/make] } }\n"
	    "  - { id: gcc, tier: 1, exec: { path: ['/usr/bin/gcc*'] } }\n"
	    "  - { id: rmrf, action: deny, exec: { argv: ['rm ** -rf **', 'rm "
	    "** -fr **'] } }\n"
	    "  - { id: rm, tier: 2, exec: { argv: ['rm **'] } }\n"
	    "  - { id: py, tier: 1, exec: { argv: ['python3 -c *'], not_argv: "
	    "['** *socket*'] } }\n"
	    "  - { id: incwd, tier: 1, exec: { argv: [ls], cwd: ['${PWD}/**'] "
	    "} }\n"
	    "  - { id: noexec, action: deny, open: { path: ['/opt/bad/**'], "
	    "access: [exec] } }\n"
	    "  - { id: quoted, tier: 1, exec: { argv: ['echo \"a b\" x*'] } "
	    "}\n");
	enum policy_action a;
	const char *mk[] = {"make", "-j2"};
	assert_string_equal(exec_dec(p, "/usr/bin/make", mk, 2, &a), "make");
	const char *gcc[] = {"gcc-12", "-c", "x.c"};
	assert_string_equal(exec_dec(p, "/usr/bin/gcc-12", gcc, 3, &a), "gcc");
	const char *rm1[] = {"/bin/rm", "-rf", "/"};
	assert_string_equal(exec_dec(p, "/usr/bin/rm", rm1, 3, &a), "rmrf");
	const char *rm2[] = {"rm", "-v", "x", "-fr", "y"};
	assert_string_equal(exec_dec(p, "/usr/bin/rm", rm2, 5, &a), "rmrf");
	const char *rm3[] = {"rm", "x"};
	assert_string_equal(exec_dec(p, "/usr/bin/rm", rm3, 2, &a), "rm");
	assert_int_equal(a, POLICY_LOG);
	const char *rm0[] = {"rm"};
	assert_string_equal(exec_dec(p, "/usr/bin/rm", rm0, 1, &a), "rm");
	const char *py1[] = {"python3", "-c", "print(1)"};
	assert_string_equal(exec_dec(p, "/usr/bin/python3", py1, 3, &a), "py");
	const char *py2[] = {"python3", "-c", "import socket"};
	assert_string_equal(exec_dec(p, "/usr/bin/python3", py2, 3, &a),
			    "default");
	const char *py3[] = {"python3", "-c", "x", "extra"};
	assert_string_equal(exec_dec(p, "/usr/bin/python3", py3, 4, &a),
			    "default");
	const char *ls[] = {"ls"};
	assert_string_equal(exec_dec(p, "/usr/bin/ls", ls, 1, &a), "incwd");
	const char *bad[] = {"tool"};
	assert_string_equal(exec_dec(p, "/opt/bad/tool", bad, 1, &a), "noexec");
	const char *q[] = {"echo", "a b", "xyz"};
	assert_string_equal(exec_dec(p, "/usr/bin/echo", q, 3, &a), "quoted");
	const char *q2[] = {"echo", "a", "b", "xyz"};
	assert_string_equal(exec_dec(p, "/usr/bin/echo", q2, 4, &a), "default");
	policy_free(p);
}

/* An exec of the program at path (as spelled and as resolved) with argv,
 * the program's names filled in as policyd fills them. */
struct named_exec {
	const char *names[2];
	struct policy_event ev;
};

static const struct policy_event *named_exec(struct named_exec *x,
					     const char *path,
					     const char *const *argv,
					     size_t argc)
{
	x->names[0] = x->names[1] = path;
	x->ev = (struct policy_event){.kind = POLICY_EV_EXEC,
				      .path = path,
				      .argv = argv,
				      .argc = argc,
				      .names = x->names,
				      .nnames = 2};
	return &x->ev;
}

/* The first argv token names the program by argv[0] or by its own path:
 * a spoofed argv[0] does not escape a deny rule, and an argv rule that can
 * only match through argv[0] does not make the decision argv-dependent. */
static void test_exec_names(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: allow }\n"
	    "rules:\n"
	    "  - { id: nokill, action: deny, exec: { argv: ['pkill **'] } }\n"
	    "  - { id: pip, tier: 2, exec: { argv: ['pip install **'] } }\n"
	    "  - { id: full, action: deny, exec: { argv: ['/opt/x/tool **'] } "
	    "}\n");
	struct named_exec x;
	struct policy_decision d;
	const char *spoof[] = {"innocent", "policyd"};
	policy_decide(p, named_exec(&x, "/usr/bin/pkill", spoof, 2), &d);
	assert_string_equal(d.rule_id, "nokill");
	/* a token with a slash matches the program's full path */
	const char *targ[] = {"t", "-v"};
	policy_decide(p, named_exec(&x, "/opt/x/tool", targ, 2), &d);
	assert_string_equal(d.rule_id, "full");
	/* /usr/bin/true: "pip install" could only match through argv[0] */
	const char *targv[] = {"true"};
	policy_decide(p, named_exec(&x, "/usr/bin/true", targv, 1), &d);
	assert_int_equal(d.action, POLICY_ALLOW);
	assert_false(policy_exec_argv_dependent(p, &x.ev, &d));
	/* /usr/bin/pip: another argv could make it a logged install */
	const char *pargv[] = {"pip", "list"};
	policy_decide(p, named_exec(&x, "/usr/bin/pip", pargv, 2), &d);
	assert_int_equal(d.action, POLICY_ALLOW);
	assert_true(policy_exec_argv_dependent(p, &x.ev, &d));
	policy_free(p);
}

/* cidr: [nameservers] is resolv.conf's name servers, read at load; the
 * warnings about them it gave */
static int ns_warnings;
static struct policy *load_with_resolv(const char *text, const char *resolv)
{
	const char *rp = resolv ? write_file("resolv.conf", resolv) : NULL;
	char rpath[512];
	snprintf(rpath, sizeof(rpath), "%s", rp ? rp : "/nonexistent/resolv");
	struct policy_vars v = vars;
	v.resolv_conf = rpath;
	const char *path = write_file("p.yaml", text);
	struct policy *p = NULL;
	struct policy_diags d = {0};
	int r = policy_load(path, &v, &d, &p);
	ns_warnings = 0;
	for (size_t i = 0; i < d.n; i++) {
		if (r < 0)
			print_message("%d:%d: %s\n", d.v[i].line, d.v[i].col,
				      d.v[i].msg);
		ns_warnings +=
		    d.v[i].warning && strstr(d.v[i].msg, "matches no address");
	}
	policy_diags_free(&d);
	assert_int_equal(r, 0);
	return p;
}

static void test_connect_nameservers(void **state)
{
	(void)state;
	const char *text =
	    "version: 1\n"
	    "settings: { default: prompt }\n"
	    "rules:\n"
	    "  - { id: dns, tier: 1, connect: { cidr: [nameservers], port: "
	    "[53] } }\n"
	    "  - { id: priv, action: deny, connect: { cidr: [10.0.0.0/8, "
	    "'fe80::/10'], not_cidr: [nameservers, 10.9.9.9] } }\n";
	struct policy *p = load_with_resolv(
	    text, "# a comment\nsearch example.org\nnameserver 10.1.2.3\n"
		  "  nameserver\tfe80::1%eth0\nnameserver not-an-address\n"
		  "nameserver 10.0.0.0/8\noptions ndots:2\n");
	assert_int_equal(ns_warnings, 0);
	struct ns_case {
		const char *addr;
		uint16_t port;
		enum policy_proto proto;
		const char *rule;
	};
	static const struct ns_case with[] = {
	    {"10.1.2.3", 53, POLICY_PROTO_UDP, "dns"},
	    {"10.1.2.3", 53, POLICY_PROTO_TCP, "dns"},
	    {"fe80::1", 53, POLICY_PROTO_UDP, "dns"},
	    /* another port of a name server: not DNS, and not the private
	     * range rule either (its not_cidr) */
	    {"10.1.2.3", 443, POLICY_PROTO_TCP, "default"},
	    /* not a name server: a line that is no address adds nothing, a
	     * CIDR in resolv.conf is no name server */
	    {"10.1.2.4", 53, POLICY_PROTO_UDP, "priv"},
	    {"203.0.113.7", 53, POLICY_PROTO_UDP, "default"},
	    /* the entries after it in the same list still count */
	    {"10.9.9.9", 443, POLICY_PROTO_TCP, "default"},
	};
	/* no resolv.conf, or none in it: the list matches no address (an
	 * empty cidr list is not "any address") */
	static const struct ns_case without[] = {
	    {"203.0.113.7", 53, POLICY_PROTO_UDP, "default"},
	    {"10.1.2.3", 53, POLICY_PROTO_UDP, "priv"},
	};
	enum policy_action a;
	for (size_t i = 0; i < TG_ARRAY_SIZE(with); i++)
		assert_string_equal(conn_dec(p, NULL, with[i].addr,
					     with[i].port, with[i].proto, &a),
				    with[i].rule);
	policy_free(p);
	for (int k = 0; k < 2; k++) {
		p = load_with_resolv(text, k ? "search example.org\n" : NULL);
		assert_int_equal(ns_warnings, 2); /* both rules say so */
		for (size_t i = 0; i < TG_ARRAY_SIZE(without); i++)
			assert_string_equal(conn_dec(p, NULL, without[i].addr,
						     without[i].port,
						     without[i].proto, &a),
					    without[i].rule);
		policy_free(p);
	}
}

static void test_connect(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: deny }\n"
	    "rules:\n"
	    "  - id: reg\n"
	    "    tier: 1\n"
	    "    connect:\n"
	    "      host: [registry.example.org, '*.example.org']\n"
	    "      cidr: [10.1.0.0/16, 'fd00::/8']\n"
	    "      port: [443, '8000-8100']\n"
	    "      proto: tcp\n"
	    "  - { id: dns, tier: 1, connect: { port: [53], proto: udp } }\n"
	    "  - { id: lit, tier: 2, connect: { host: ['192.0.2.7'] } }\n"
	    "  - { id: no22, action: deny, connect: { not_port: ['1-21', "
	    "'23-65535'] } }\n");
	enum policy_action a;
	assert_string_equal(conn_dec(p, "registry.example.org", NULL, 443,
				     POLICY_PROTO_TCP, &a),
			    "reg");
	assert_string_equal(
	    conn_dec(p, "a.b.example.org", NULL, 8050, POLICY_PROTO_TCP, &a),
	    "reg");
	assert_string_equal(
	    conn_dec(p, "example.org", NULL, 443, POLICY_PROTO_TCP, &a),
	    "default");
	assert_string_equal(conn_dec(p, "registry.example.org", NULL, 8101,
				     POLICY_PROTO_TCP, &a),
			    "default");
	assert_string_equal(conn_dec(p, "registry.example.org", NULL, 443,
				     POLICY_PROTO_UDP, &a),
			    "default");
	assert_string_equal(
	    conn_dec(p, NULL, "10.1.200.3", 443, POLICY_PROTO_TCP, &a), "reg");
	assert_string_equal(
	    conn_dec(p, NULL, "::ffff:10.1.200.3", 443, POLICY_PROTO_TCP, &a),
	    "reg");
	assert_string_equal(
	    conn_dec(p, NULL, "fd99::1", 8000, POLICY_PROTO_TCP, &a), "reg");
	assert_string_equal(
	    conn_dec(p, NULL, "10.2.0.1", 443, POLICY_PROTO_TCP, &a),
	    "default");
	assert_string_equal(
	    conn_dec(p, NULL, "8.8.8.8", 53, POLICY_PROTO_UDP, &a), "dns");
	assert_string_equal(
	    conn_dec(p, NULL, "192.0.2.7", 80, POLICY_PROTO_TCP, &a), "lit");
	assert_string_equal(
	    conn_dec(p, NULL, "192.0.2.7", 22, POLICY_PROTO_TCP, &a), "no22");
	/* names worth a lookup: those a host pattern matches */
	assert_true(policy_host_named(p, "registry.example.org"));
	assert_true(policy_host_named(p, "deep.sub.example.org"));
	assert_false(policy_host_named(p, "example.org"));
	assert_false(policy_host_named(p, "exfil-4f2a.attacker.test"));
	assert_false(policy_host_named(p, NULL));
	policy_free(p);
	p = must_load("version: 1\n"
		      "rules:\n"
		      "  - { id: nh, action: deny, connect: { not_host: "
		      "[safe.test], port: [80] } }\n"
		      "  - { id: any, tier: 2, connect: { host: ['*'] } }\n");
	assert_true(policy_host_named(p, "safe.test"));
	assert_true(policy_host_named(p, "anything.test")); /* host: '*' */
	policy_free(p);
	p = must_load("version: 1\n"
		      "rules:\n"
		      "  - { id: nh, action: deny, connect: { not_host: "
		      "[safe.test], port: [80] } }\n");
	assert_true(policy_host_named(p, "safe.test"));
	assert_false(policy_host_named(p, "other.test"));
	policy_free(p);
}

static struct git_event gitev(const char *const *argv, size_t argc)
{
	struct git_event g;
	assert_true(git_parse(argv, argc, "/nonexistent", NULL, &g) >= 0);
	return g;
}

struct git_case {
	const char *argv[8];
	size_t argc;
	const char *rule; /* the rule that must decide */
};

static void git_cases(const struct policy *p, const struct git_case *c,
		      size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct git_event g = gitev(c[i].argv, c[i].argc);
		struct policy_event ev = {.kind = POLICY_EV_GIT, .git = &g};
		struct policy_decision d;
		policy_decide(p, &ev, &d);
		if (strcmp(d.rule_id, c[i].rule))
			fail_msg("%s case %zu: got %s, want %s", what, i,
				 d.rule_id, c[i].rule);
		git_event_free(&g);
	}
}

static void test_git(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: allow }\n"
	    "rules:\n"
	    "  - id: push-origin\n"
	    "    tier: 3\n"
	    "    git: { command: push, remote: [origin, "
	    "'https://github.com/acme/*'], branch: [main, 'release/*'], force: "
	    "false }\n"
	    "  - id: force-main\n"
	    "    action: deny\n"
	    "    git: { command: push, branch: [main], force: true }\n"
	    "  - id: amend\n"
	    "    tier: 2\n"
	    "    git: { command: commit, args: ['** --amend **'] }\n");
	static const struct git_case cases[] = {
	    {{"git", "push", "origin", "main"}, 4, "push-origin"},
	    {{"git", "push", "origin", "release/2"}, 4, "push-origin"},
	    {{"git", "push", "origin", "feature"}, 4, "default"},
	    {{"git", "push", "https://github.com/acme/x", "main"},
	     4,
	     "push-origin"},
	    {{"git", "push", "https://github.com/other/x", "main"},
	     4,
	     "default"},
	    {{"git", "push", "-f", "origin", "main"}, 5, "force-main"},
	    {{"git", "push", "origin", "+HEAD:main"}, 4, "force-main"},
	    {{"git", "push", "--force-with-lease", "origin", "x:main"},
	     5,
	     "force-main"},
	    {{"git", "-C", "/tmp", "-c", "a.b=c", "push", "--mirror", "origin"},
	     8,
	     "force-main"},
	    {{"git", "commit", "-m", "x", "--amend"}, 5, "amend"},
	    {{"git", "commit", "-m", "x"}, 4, "default"},
	};
	git_cases(p, cases, TG_ARRAY_SIZE(cases), "git");
	policy_free(p);
}

/* config_key: a refusing rule matches what may write a key it names, an
 * allowing one only what surely writes only keys it names. */
static void test_git_config_key(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\n"
	    "settings: { default: prompt }\n"
	    "rules:\n"
	    "  - id: hooks\n"
	    "    action: deny\n"
	    "    git: { command: config, config_key: [core.hookspath, "
	    "'includeif.*.path'] }\n"
	    "  - id: user\n"
	    "    action: allow\n"
	    "    git: { command: config, config_key: ['user.*', alias.st] }\n");
	static const struct git_case cases[] = {
	    {{"git", "config", "CORE.HOOKSPATH", "x"}, 4, "hooks"},
	    {{"git", "config", "--rename-section", "foo", "core"}, 5, "hooks"},
	    {{"git", "config", "--rename-section", "core", "foo"}, 5, "hooks"},
	    {{"git", "config", "--remove-section", "includeIf.gitdir:/x"},
	     4,
	     "hooks"},
	    {{"git", "config", "-e"}, 3, "hooks"},
	    {{"git", "config", "User.Name", "x"}, 4, "user"},
	    {{"git", "config", "alias.ST", "status"}, 4, "user"},
	    /* every key of [user]: the allowing rule names them all */
	    {{"git", "config", "--rename-section", "user", "USER"}, 5, "user"},
	    /* ... but not those of [foo], gone */
	    {{"git", "config", "--rename-section", "foo", "USER"},
	     5,
	     "default"},
	    /* every key of [alias]: alias.st alone does not cover it */
	    {{"git", "config", "--rename-section", "foo", "alias"},
	     5,
	     "default"},
	    {{"git", "config", "--rename-section", "foo", "core"}, 5, "hooks"},
	    {{"git", "config", "core.editor", "vi"}, 4, "default"},
	    {{"git", "config", "--remove-section", "core"}, 4, "hooks"},
	    {{"git", "config", "--get", "core.hooksPath"}, 4, "default"},
	    {{"git", "config", "--get", "user.name"}, 4, "default"},
	};
	git_cases(p, cases, TG_ARRAY_SIZE(cases), "git");
	policy_free(p);
	/* not_config_key: a write of keys all outside the list; a read
	 * writes none and matches neither */
	p = must_load("version: 1\n"
		      "settings: { default: allow }\n"
		      "rules:\n"
		      "  - id: only-user\n"
		      "    action: deny\n"
		      "    git: { command: config, not_config_key: ['user.*'] "
		      "}\n");
	static const struct git_case nc[] = {
	    {{"git", "config", "User.Name", "x"}, 4, "default"},
	    {{"git", "config", "core.x", "y"}, 4, "only-user"},
	    /* as not_branch: every key outside; user.* is not */
	    {{"git", "config", "--rename-section", "foo", "user"},
	     5,
	     "default"},
	    {{"git", "config", "--rename-section", "foo", "bar"},
	     5,
	     "only-user"},
	    {{"git", "config", "--edit"}, 3, "only-user"},
	    {{"git", "config", "--get", "core.x"}, 4, "default"},
	};
	git_cases(p, nc, TG_ARRAY_SIZE(nc), "not_config_key");
	policy_free(p);
}

static void test_variables(void **state)
{
	(void)state;
	struct policy *p =
	    must_load("version: 1\n"
		      "variables:\n"
		      "  WS: ${PWD}\n"
		      "  SRC: ${WS}/src\n"
		      "  PRICE: $$5\n"
		      "rules:\n"
		      "  - { id: src, tier: 2, message: 'costs ${PRICE} for "
		      "${USER}', open: { path: ['${SRC}/**'] } }\n");
	enum policy_action a;
	assert_string_equal(
	    open_dec(p, "/home/alice/work/src/x.c", POLICY_ACC_READ, &a),
	    "src");
	assert_string_equal(policy_rule_message(p, 0), "costs $5 for alice");
	policy_free(p);
	/* built-in values are literal, even when they contain glob characters
	 */
	struct policy_vars v = vars;
	v.home = "/home/we*rd";
	const char *path =
	    write_file("v.yaml", "version: 1\nrules:\n  - { id: h, action: "
				 "deny, open: { path: ['${HOME}/x'] } }\n");
	struct policy_diags d = {0};
	assert_int_equal(policy_load(path, &v, &d, &p), 0);
	policy_diags_free(&d);
	assert_string_equal(open_dec(p, "/home/we*rd/x", POLICY_ACC_READ, &a),
			    "h");
	assert_string_equal(open_dec(p, "/home/weXXrd/x", POLICY_ACC_READ, &a),
			    "default");
	policy_free(p);
	/* overrides */
	const char *ov[] = {"PWD=/srv/ws", "EXTRA=/opt"};
	v = vars;
	v.overrides = ov;
	v.noverrides = 2;
	path = write_file("o.yaml",
			  "version: 1\nrules:\n  - { id: o, tier: 2, open: { "
			  "path: ['${PWD}/**', '${EXTRA}/x'] } }\n");
	assert_int_equal(policy_load(path, &v, &d, &p), 0);
	policy_diags_free(&d);
	assert_string_equal(open_dec(p, "/srv/ws/a", POLICY_ACC_READ, &a), "o");
	assert_string_equal(open_dec(p, "/opt/x", POLICY_ACC_READ, &a), "o");
	policy_free(p);
}

static void test_variable_errors(void **state)
{
	(void)state;
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['${NOPE}/x'] } }\n",
		     3, 39, "undefined variable 'NOPE'");
	expect_error("version: 1\nvariables:\n  A: ${B}\n  B: ${A}\nrules:\n  "
		     "- { id: a, tier: 1, open: { path: ['${A}'] } }\n",
		     0, 0, "refers to itself");
	expect_error("version: 1\nvariables:\n  HOME: /x\nrules: []\n", 3, 3,
		     "built-in");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['${oops'] } }\n",
		     0, 0, "malformed variable");
	/* a typo gets the nearest name (a swap of two letters is near) */
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['${HOEM}/x'] } }\n",
		     3, 39, "undefined variable 'HOEM'; did you mean 'HOME'?");
	expect_error("version: 1\nvariables: { WORKSPACE: /w }\nrules:\n  - { "
		     "id: a, tier: 1, open: { path: ['${WORKSAPCE}/x'] } }\n",
		     4, 39, "did you mean 'WORKSPACE'?");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['${ZZZ}/x'] } }\n",
		     3, 39, "define it under variables:");
	expect_error("version: 1\nvariables:\n  A: /a\n  A2: /b\nvariables2: "
		     "1\n",
		     5, 1,
		     "unknown key 'variables2' in the policy; did you mean "
		     "'variables'?");
}

static void test_includes(void **state)
{
	(void)state;
	write_file(
	    "inc1.yaml",
	    "version: 1\nvariables: { REG: reg.example.org }\nrules:\n"
	    "  - { id: from-inc, tier: 2, connect: { host: ['${REG}'] } }\n");
	write_file("top.yaml",
		   "version: 1\ninclude: [inc1.yaml]\nrules:\n"
		   "  - { id: top, tier: 2, connect: { host: ['${REG}'] } }\n");
	char path[512];
	snprintf(path, sizeof(path), "%s/top.yaml", tmpdir);
	struct policy *p = NULL;
	struct policy_diags d = {0};
	assert_int_equal(policy_load(path, &vars, &d, &p), 0);
	enum policy_action a;
	/* included rules come first in file order */
	assert_string_equal(
	    conn_dec(p, "reg.example.org", NULL, 443, POLICY_PROTO_TCP, &a),
	    "from-inc");
	policy_free(p);
	policy_diags_free(&d);

	write_file("c1.yaml", "version: 1\ninclude: [c2.yaml]\nrules: []\n");
	write_file("c2.yaml", "version: 1\ninclude: [c1.yaml]\nrules: []\n");
	snprintf(path, sizeof(path), "%s/c1.yaml", tmpdir);
	assert_true(policy_load(path, &vars, &d, &p) < 0);
	bool cyc = false;
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].msg, "include cycle") && d.v[i].line == 2 &&
		    d.v[i].col == 11)
			cyc = true;
	assert_true(cyc);
	policy_diags_free(&d);

	expect_error("version: 1\ninclude: [missing.yaml]\nrules: []\n", 2, 11,
		     "cannot include");
	write_file("dup.yaml", "version: 1\nrules:\n  - { id: top, tier: 1, "
			       "open: { path: ['/x'] } }\n");
	expect_error("version: 1\ninclude: [dup.yaml]\nrules:\n  - { id: top, "
		     "tier: 1, open: { path: ['/y'] } }\n",
		     4, 11, "duplicate rule id 'top'");
	expect_error("version: 1\ninclude: [dup.yaml]\nrules:\n  - { id: top, "
		     "tier: 1, open: { path: ['/y'] } }\n",
		     4, 11, "dup.yaml:3): rename one of them");
	write_file("var.yaml", "variables: { WS: /srv/a }\n");
	expect_error("version: 1\ninclude: [var.yaml]\nvariables: { WS: /srv/b "
		     "}\nrules: []\n",
		     3, 14, "var.yaml:1; keep one definition");
	write_file("set.yaml", "version: 1\nsettings: { default: allow }\n");
	expect_error("version: 1\ninclude: [set.yaml]\nrules: []\n", 0, 0,
		     "top-level policy");
}

static void test_schema_errors(void **state)
{
	(void)state;
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { pth: "
		     "['/x'] } }\n",
		     3, 31, "did you mean 'path'");
	expect_error("version: 1\nrulez: []\n", 2, 1, "did you mean 'rules'");
	expect_error(
	    "version: 1\nrules:\n  - { id: a, open: { path: ['/x'] } }\n", 3, 5,
	    "neither 'tier' nor 'action'");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 4, open: { path: "
		     "['/x'] } }\n",
		     3, 20, "tier must be 1");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, action: deny, "
		     "open: { path: ['/x'] } }\n",
		     3, 31, "disagree");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1 }\n", 3, 5,
		     "no matcher");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, exec: {} }\n",
		     3, 29, "empty exec matcher");
	expect_error(
	    "version: 1\nrules:\n  - { id: a, tier: 1, open: { path: [] } }\n",
	    3, 37, "empty list");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['/x/[ab'] } }\n",
		     3, 38, "unterminated character class");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['rel/x'] } }\n",
		     3, 38, "must be absolute");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "cidr: ['10.0.0.1/8'] } }\n",
		     3, 41, "bad CIDR");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "port: ['90-80'] } }\n",
		     3, 41, "low end");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "port: [0] } }\n",
		     3, 41, "bad port");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "host: ['a.*.org'] } }\n",
		     3, 41, "bad host pattern");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "'/x', access: [rwx] } }\n",
		     3, 52, "unknown access");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "{ x: 1 } } }\n",
		     3, 37, "must be a string or a list");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['/x'] } }\n"
		     "  - { id: a, tier: 1, open: { path: ['/y'] } }\n",
		     4, 11, "duplicate rule id");
	expect_error("version: 2\nrules: []\n", 1, 10,
		     "unsupported policy version");
	expect_error("rules: []\n", 1, 1, "missing 'version: 1'");
	expect_error("version: 1\nsettings: { default: maybe }\n", 2, 22,
		     "unknown default");
	expect_error("version: 1\nsettings: { prompt_timeout: soon }\n", 2, 29,
		     "bad duration");
	expect_error("version: 1\nlimits: { egress_rate: fast }\n", 2, 24,
		     "bad rate");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, git: { force: "
		     "maybe } }\n",
		     3, 37, "true or false");
	expect_error("version: 1\ntests:\n  - { open: /x }\n", 3, 5,
		     "no 'expect'");
}

/* Values written the way people often get them wrong: each error says what
 * to write instead, at the value (the messages themselves are in
 * test_policy_hints.c). */
static void test_value_hints(void **state)
{
	(void)state;
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "host: ['https://pypi.org'] } }\n",
		     3, 41,
		     "it is a URL, not a host name: write host: pypi.org");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "host: ['pypi.org:443'] } }\n",
		     3, 41, "write host: pypi.org and port: 443");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "not_host: ['10.1.2.3/16'] } }\n",
		     3, 45, "write 10.1.0.0/16 for the block");
	/* an all-numeric name was taken as a name before, and matched
	 * nothing */
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "host: ['10.0.0.256'] } }\n",
		     3, 41, "each part of an IPv4 address is 0-255");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "cidr: ['${NET}'] } }\nvariables: { NET: pypi.org }\n",
		     3, 41, "write host: pypi.org");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		     "port: ['8000:8100'] } }\n",
		     3, 41, "port: \"8000-8100\"");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, exec: { path: "
		     "['git'] } }\n",
		     3, 38, "match it by name with argv: [\"git **\"]");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, exec: { cwd: "
		     "['src'] } }\n",
		     3, 37, "write cwd: \"${PWD}/src\"");
	expect_error("version: 1\nrules:\n  - { id: a, tier: 1, open: { path: "
		     "['~/.aws/**'] } }\n",
		     3, 38, "write path: \"${HOME}/.aws/**\"");
	/* names that look odd but are names stay names */
	struct policy *p =
	    must_load("version: 1\nrules:\n  - { id: a, tier: 1, connect: { "
		      "host: ['1password.com', '10.0.0.0/8', 'fd00::1'] } }\n");
	policy_free(p);
}

static void test_shadow_warning(void **state)
{
	(void)state;
	struct policy_diags d = {0};
	struct policy *p = load_text(
	    "version: 1\nrules:\n"
	    "  - { id: all, action: deny, open: { path: ['/etc/**'] } }\n"
	    "  - { id: some, tier: 1, open: { path: ['/etc/passwd'], access: "
	    "[read] } }\n"
	    "  - { id: other, tier: 1, open: { path: ['/usr/**'] } }\n",
	    &d);
	assert_non_null(p);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.v[0].line, 4);
	assert_non_null(strstr(d.v[0].msg, "rule 'some' can never decide"));
	policy_diags_free(&d);
	policy_free(p);
}

static void test_fastpath(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\nrules:\n"
	    "  - { id: r, tier: 1, open: { path: ['/**'], access: [read] } }\n"
	    "  - { id: k, action: deny, open: { path: ['/home/alice/.ssh/**'] "
	    "} }\n"
	    "  - { id: l, tier: 2, open: { path: ['/var/log/**'], access: "
	    "[read] } }\n"
	    "  - { id: w, tier: 3, open: { path: ['/etc/**'], access: [write] "
	    "} }\n");
	const char *paths[] = {"/usr/lib/x.so",	   "/home/alice/.ssh/id_rsa",
			       "/var/log/syslog",  "/etc/passwd",
			       "/home/alice/.ssh", "/var/logs"};
	for (size_t i = 0; i < 6; i++) {
		enum policy_action a;
		open_dec(p, paths[i], POLICY_ACC_READ, &a);
		bool silent = policy_read_is_silent(p, paths[i]);
		/* the fast path may only say "silent" when the full decision
		 * is a tier-1 allow */
		if (silent)
			assert_int_equal(a, POLICY_ALLOW);
	}
	assert_true(policy_read_is_silent(p, "/usr/lib/x.so"));
	assert_true(policy_read_is_silent(p, "/etc/passwd"));
	assert_false(policy_read_is_silent(p, "/home/alice/.ssh/id_rsa"));
	assert_false(policy_read_is_silent(p, "/var/log/syslog"));
	policy_free(p);
	p = must_load("version: 1\nsettings: { audit_allow: true }\nrules:\n"
		      "  - { id: r, tier: 1, open: { path: ['/**'] } }\n");
	assert_false(policy_read_is_silent(p, "/usr/lib/x.so"));
	policy_free(p);
}

struct bf {
	int best;
	enum policy_action a;
};

static void bf_cb(const struct policy *p, int rule, enum policy_kind k,
		  void *ud)
{
	(void)k;
	struct bf *b = ud;
	enum policy_action a = policy_rule_action(p, rule);
	if (b->best < 0 || a > b->a) {
		b->best = rule;
		b->a = a;
	}
}

/* The exec fast-path criteria never call an exec silent that the full
 * engine would not silently allow. */
static void test_exec_fastpath(void **state)
{
	(void)state;
	struct policy *p = must_load(
	    "version: 1\nsettings: { default: prompt }\nrules:\n"
	    "  - { id: sys, tier: 1, exec: { path: ['/usr/bin/**', '/bin/**'] "
	    "} }\n"
	    "  - { id: ws, tier: 1, exec: { path: ['/w/**'] } }\n"
	    "  - { id: rm, action: deny, exec: { argv: ['rm ** -rf **'] } }\n"
	    "  - { id: sudo, tier: 3, exec: { path: ['/usr/bin/sudo'] } }\n"
	    "  - { id: pip, tier: 2, exec: { argv: ['pip install **'] } }\n"
	    "  - { id: noexec, action: deny, open: { path: ['/w/bad/**'], "
	    "access: [exec] } }\n"
	    "  - { id: withargv, tier: 1, exec: { path: ['/opt/**'], argv: "
	    "['tool **'] } }\n");
	const char *const *xa, *const *xs, *const *x0;
	size_t na, ns, n0;
	bool ok;
	policy_exec_fastpath(p, &xa, &na, &xs, &ns, &x0, &n0, &ok);
	assert_true(ok);
	struct glob *ga[16], *gs[16], *g0[16];
	const char *err;
	size_t pos;
	assert_true(na <= 16 && ns <= 16 && n0 <= 16);
	for (size_t i = 0; i < na; i++)
		assert_int_equal(
		    glob_compile(xa[i], GLOB_PATH, &ga[i], &err, &pos), 0);
	for (size_t i = 0; i < ns; i++)
		assert_int_equal(
		    glob_compile(xs[i], GLOB_PATH, &gs[i], &err, &pos), 0);
	for (size_t i = 0; i < n0; i++)
		assert_int_equal(
		    glob_compile(x0[i], GLOB_TOKEN, &g0[i], &err, &pos), 0);
	const char *paths[] = {"/usr/bin/true", "/usr/bin/sudo", "/w/x",
			       "/w/bad/x",	"/opt/tool",	 "/usr/bin/rm",
			       "/usr/bin/pip"};
	const char *a0s[] = {"true", "sudo", "x", "rm", "pip", "tool"};
	int silent_seen = 0;
	for (size_t i = 0; i < 7; i++)
		for (size_t j = 0; j < 6; j++) {
			const char *argv[] = {a0s[j], "install", "-rf", "x"};
			bool m = false, sens = false;
			for (size_t k = 0; k < na; k++)
				m |= glob_match(ga[k], paths[i]);
			for (size_t k = 0; k < ns; k++)
				sens |= glob_match(gs[k], paths[i]);
			for (size_t k = 0; k < n0; k++)
				sens |= glob_match(g0[k], a0s[j]);
			enum policy_action a;
			exec_dec(p, paths[i], argv, 4, &a);
			if (m && !sens) {
				silent_seen++;
				assert_int_equal(a, POLICY_ALLOW);
			}
		}
	assert_true(silent_seen > 5);
	for (size_t i = 0; i < na; i++)
		glob_free(ga[i]);
	for (size_t i = 0; i < ns; i++)
		glob_free(gs[i]);
	for (size_t i = 0; i < n0; i++)
		glob_free(g0[i]);
	policy_free(p);
	/* a cwd-only refusing rule could match any exec: no fast path */
	p = must_load(
	    "version: 1\nrules:\n"
	    "  - { id: a, tier: 1, exec: { path: ['/**'] } }\n"
	    "  - { id: b, action: deny, exec: { cwd: ['/secret/**'] } }\n");
	policy_exec_fastpath(p, &xa, &na, &xs, &ns, &x0, &n0, &ok);
	assert_false(ok);
	policy_free(p);
}

static bool has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Which parts of a policy Landlock can enforce. */
static void test_landlock_plan(void **state)
{
	(void)state;
	struct policy_landlock ll;
	struct policy *p = must_load(
	    "version: 1\nsettings: { default: deny }\nrules:\n"
	    "  - { id: r, tier: 1, open: { path: ['/**'], access: [read] } }\n"
	    "  - { id: w, tier: 1, open: { path: ['${PWD}/**', '/tmp/*.log', "
	    "'/dev/null'], access: [write, create] } }\n"
	    "  - { id: d, action: deny, open: { path: ['/etc/**'], access: "
	    "[write] } }\n"
	    "  - { id: x, tier: 1, exec: { path: ['/usr/bin/**', '/opt/tool'] "
	    "} }\n"
	    "  - { id: p, tier: 3, open: { path: ['/home/alice/.bashrc'], "
	    "access: [write] } }\n");
	assert_int_equal(policy_landlock_plan(p, &ll), 0);
	assert_false(ll.write_all);
	assert_false(ll.exec_all);
	assert_true(has(ll.write, ll.nwrite, "/home/alice/work"));
	assert_true(has(ll.write, ll.nwrite, "/tmp"));
	assert_true(has(ll.write, ll.nwrite, "/dev/null"));
	assert_true(has(ll.write, ll.nwrite,
			"/home/alice/.bashrc")); /* a prompt may be approved */
	assert_false(
	    has(ll.write, ll.nwrite, "/etc")); /* deny rules grant nothing */
	assert_true(has(ll.exec, ll.nexec, "/usr/bin"));
	assert_true(has(ll.exec, ll.nexec, "/opt/tool"));
	policy_landlock_free(&ll);
	policy_free(p);
	/* default prompt: anything may be approved, so nothing is restricted */
	p = must_load("version: 1\nrules:\n  - { id: w, tier: 1, open: { path: "
		      "['/w/**'] } }\n");
	assert_int_equal(policy_landlock_plan(p, &ll), 0);
	assert_true(ll.write_all && ll.exec_all);
	policy_landlock_free(&ll);
	policy_free(p);
	/* a glob with no literal directory, or an argv-only exec rule */
	p = must_load("version: 1\nsettings: { default: deny }\nrules:\n"
		      "  - { id: w, tier: 2, open: { path: ['**/.cache/**'], "
		      "access: [write] } }\n"
		      "  - { id: x, tier: 1, exec: { argv: ['make **'] } }\n");
	assert_int_equal(policy_landlock_plan(p, &ll), 0);
	assert_true(ll.write_all && ll.exec_all);
	policy_landlock_free(&ll);
	policy_free(p);
}

/* Many rules: the indexed decision equals a brute-force scan. */
static void test_index_matches_bruteforce(void **state)
{
	(void)state;
	char *text = malloc(1 << 20);
	size_t o = (size_t)sprintf(text, "version: 1\nrules:\n");
	static const char *const acts[] = {"allow", "log", "prompt", "deny"};
	for (int i = 0; i < 400; i++) {
		const char *act = acts[(i * 7) % 4];
		switch (i % 5) {
		case 0:
			o += (size_t)sprintf(text + o,
					     "  - { id: r%d, action: %s, open: "
					     "{ path: ['/d%d/**'] } }\n",
					     i, act, i % 37);
			break;
		case 1:
			o += (size_t)sprintf(
			    text + o,
			    "  - { id: r%d, action: %s, open: { path: "
			    "['/d%d/*.c'], access: [write] } }\n",
			    i, act, i % 41);
			break;
		case 2:
			o += (size_t)sprintf(text + o,
					     "  - { id: r%d, action: %s, exec: "
					     "{ argv: ['t%d **'] } }\n",
					     i, act, i % 13);
			break;
		case 3:
			o += (size_t)sprintf(
			    text + o,
			    "  - { id: r%d, action: %s, connect: { host: "
			    "['*.h%d.org'], port: [%d] } }\n",
			    i, act, i % 17, 400 + i % 3);
			break;
		default:
			o += (size_t)sprintf(
			    text + o,
			    "  - { id: r%d, action: %s, connect: { cidr: "
			    "['10.%d.0.0/16'] } }\n",
			    i, act, i % 23);
		}
	}
	struct policy *p = must_load(text);
	free(text);
	srand(7);
	for (int n = 0; n < 20000; n++) {
		char path[64], host[64], argv0[16], prog[32];
		const char *progv[] = {prog};
		struct tg_addr ad;
		char as[32];
		struct policy_event ev = {0};
		const char *argv[2];
		switch (n % 3) {
		case 0:
			snprintf(path, sizeof(path), "/d%d/x%d.%s", rand() % 45,
				 rand() % 3, rand() % 2 ? "c" : "h");
			ev.kind = POLICY_EV_OPEN;
			ev.path = path;
			ev.access = 1u << (rand() % 5);
			break;
		case 1:
			snprintf(argv0, sizeof(argv0), "t%d", rand() % 15);
			argv[0] = argv0;
			argv[1] = "arg";
			ev.kind = POLICY_EV_EXEC;
			ev.path = "/usr/bin/x";
			ev.argv = argv;
			ev.argc = 2;
			/* the program's own name counts as argv[0] too */
			snprintf(prog, sizeof(prog), "/usr/bin/t%d",
				 rand() % 15);
			ev.names = progv;
			ev.nnames = rand() % 2;
			break;
		default:
			snprintf(host, sizeof(host), "a.h%d.org", rand() % 20);
			snprintf(as, sizeof(as), "10.%d.1.1", rand() % 30);
			tg_addr_parse(as, &ad);
			ev.kind = POLICY_EV_CONNECT;
			ev.host = rand() % 2 ? host : NULL;
			ev.addr = &ad;
			ev.port = (uint16_t)(400 + rand() % 4);
			ev.proto = POLICY_PROTO_TCP;
		}
		struct policy_decision d;
		policy_decide(p, &ev, &d);
		/* brute force over every rule: strictest, then first */
		struct bf best = {-1, POLICY_ALLOW};
		policy_match_all(p, &ev, bf_cb, &best);
		assert_int_equal(d.rule, best.best);
		if (best.best >= 0)
			assert_int_equal(d.action, best.a);
	}
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_open_access_and_not),
	    cmocka_unit_test(test_open_read_write),
	    cmocka_unit_test(test_exec),
	    cmocka_unit_test(test_exec_names),
	    cmocka_unit_test(test_connect),
	    cmocka_unit_test(test_connect_nameservers),
	    cmocka_unit_test(test_git),
	    cmocka_unit_test(test_git_config_key),
	    cmocka_unit_test(test_variables),
	    cmocka_unit_test(test_variable_errors),
	    cmocka_unit_test(test_includes),
	    cmocka_unit_test(test_schema_errors),
	    cmocka_unit_test(test_value_hints),
	    cmocka_unit_test(test_shadow_warning),
	    cmocka_unit_test(test_fastpath),
	    cmocka_unit_test(test_exec_fastpath),
	    cmocka_unit_test(test_landlock_plan),
	    cmocka_unit_test(test_index_matches_bruteforce),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
