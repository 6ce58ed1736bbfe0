/* SPDX-License-Identifier: MIT */
/* connect rules for Unix sockets (connect: {unix: [...]}): loading,
 * deciding together with the write rules of a socket's file, the index
 * against every rule, and the abstract names' spelling; and the rules
 * that could protect something below a renamed directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy.h"
#include "policytext.h"
#include "tg_proto.h"

static struct policy *load(const char *text, struct policy_diags *d)
{
	struct policy *p = NULL;
	policy_load_buffer("p.yaml", text, strlen(text), &tg_test_vars, d,
			   &p);
	return p;
}


/* An error containing msg at line:col. */
static void expect_error(const char *text, int line, int col, const char *msg)
{
	struct policy_diags d = {0};
	struct policy *p = load(text, &d);
	assert_null(p);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		found |= !d.v[i].warning && strstr(d.v[i].msg, msg) &&
			 d.v[i].line == line && d.v[i].col == col;
	for (size_t i = 0; !found && i < d.n; i++)
		print_message("got %d:%d: %s\n", d.v[i].line, d.v[i].col,
			      d.v[i].msg);
	policy_diags_free(&d);
	if (!found)
		fail_msg("no error '%s' at %d:%d", msg, line, col);
}

/* A connect to the Unix socket s ("/PATH" or "@NAME"): the deciding rule
 * and its action. */
static const char *unix_dec(const struct policy *p, const char *s,
			    enum policy_action *a)
{
	struct policy_event ev = {.kind = POLICY_EV_CONNECT, .unix_path = s};
	if (s[0] == '/')
		ev.path = s;
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	*a = d.action;
	return d.rule_id;
}

static const char policy_text[] =
    "version: 1\n"
    "settings: { default: prompt }\n"
    "rules:\n"
    "  - { id: ws, tier: 1, open: { path: ['/home/alice/work/**'], "
    "access: [write, create] } }\n"
    "  - { id: ws-read, tier: 1, open: { path: ['/srv/**'], "
    "access: [read] } }\n"
    "  - { id: logsock, tier: 1, open: { path: ['/dev/log'], "
    "access: write } }\n"
    "  - { id: agents, tier: 3, connect: { unix: ['/tmp/ssh-*/agent.*'] } "
    "}\n"
    "  - { id: engines, action: deny, connect: { unix: "
    "['/run/docker.sock', '/run/containerd/**', '@/tmp/dbus-*'] } }\n"
    "  - { id: abstract, tier: 2, connect: { unix: ['@**'], not_unix: "
    "['@secret*'] } }\n"
    "  - { id: ws-deny, action: deny, connect: { unix: "
    "['/home/alice/work/.hidden/*'] } }\n"
    "  - { id: anyip, tier: 1, connect: { cidr: ['0.0.0.0/0', '::/0'] } "
    "}\n";

static void test_unix_decide(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(policy_text);
	enum policy_action a;
	/* the connect rules */
	assert_string_equal(unix_dec(p, "/tmp/ssh-x1/agent.77", &a), "agents");
	assert_int_equal(a, POLICY_PROMPT);
	assert_string_equal(unix_dec(p, "/run/docker.sock", &a), "engines");
	assert_int_equal(a, POLICY_DENY);
	assert_string_equal(unix_dec(p, "/run/containerd/containerd.sock", &a),
			    "engines");
	/* a named socket's write rules decide too; the stricter wins */
	assert_string_equal(unix_dec(p, "/dev/log", &a), "logsock");
	assert_int_equal(a, POLICY_ALLOW);
	assert_string_equal(unix_dec(p, "/home/alice/work/s.sock", &a), "ws");
	assert_int_equal(a, POLICY_ALLOW);
	assert_string_equal(unix_dec(p, "/home/alice/work/.hidden/s", &a),
			    "ws-deny");
	assert_int_equal(a, POLICY_DENY);
	/* a read rule is not a write: the default */
	assert_string_equal(unix_dec(p, "/srv/app.sock", &a), "default");
	assert_int_equal(a, POLICY_PROMPT);
	/* abstract names: by their @ spelling; an IP rule matching every
	 * address never matches a Unix socket */
	assert_string_equal(unix_dec(p, "@/tmp/dbus-AbC", &a), "engines");
	assert_string_equal(unix_dec(p, "@myapp", &a), "abstract");
	assert_int_equal(a, POLICY_LOG);
	assert_string_equal(unix_dec(p, "@secret-x", &a), "default");
	/* a named socket called "@x" in a directory is a path, not a name */
	assert_string_equal(unix_dec(p, "/home/alice/work/@x", &a), "ws");
	/* and an IP connect is never a Unix rule's */
	struct tg_addr ad;
	assert_int_equal(tg_addr_parse("10.1.2.3", &ad), 0);
	struct policy_event ev = {.kind = POLICY_EV_CONNECT,
				  .addr = &ad,
				  .port = 443,
				  .proto = POLICY_PROTO_TCP};
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	assert_string_equal(d.rule_id, "anyip");
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

/* The index gives every rule that matches (decide == brute force). */
static void test_unix_index(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(policy_text);
	static const char *const socks[] = {
	    "/tmp/ssh-a/agent.1",
	    "/run/docker.sock",
	    "/run/containerd/x",
	    "/dev/log",
	    "/home/alice/work/a",
	    "/home/alice/work/.hidden/b",
	    "/srv/x",
	    "/elsewhere",
	    "@/tmp/dbus-q",
	    "@x",
	    "@secretive",
	    "@",
	};
	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		struct policy_event ev = {.kind = POLICY_EV_CONNECT,
					  .unix_path = socks[i],
					  .path = socks[i][0] == '/' ? socks[i]
								     : NULL};
		struct policy_decision d;
		policy_decide(p, &ev, &d);
		struct bf best = {-1, POLICY_ALLOW};
		policy_match_all(p, &ev, bf_cb, &best);
		assert_int_equal(d.rule, best.best);
	}
	policy_free(p);
}

static void test_unix_errors(void **state)
{
	(void)state;
	expect_error("version: 1\nrules:\n  - id: a\n    action: deny\n"
		     "    connect: { unix: [run/docker.sock] }\n",
		     5, 23, "must be an absolute path or an abstract name");
	expect_error("version: 1\nrules:\n  - id: a\n    action: deny\n"
		     "    connect: { unix: ['/x'], port: 22 }\n",
		     5, 30, "'port' cannot be combined with unix");
	expect_error("version: 1\nrules:\n  - id: a\n    action: deny\n"
		     "    connect: { host: [a.org], unxi: ['/x'] }\n",
		     5, 31, "did you mean 'unix'?");
	expect_error("version: 1\nrules:\n  - { id: a, action: deny, "
		     "connect: { unix: ['/x'] } }\n"
		     "tests:\n  - { connect: { unix: rel }, expect: deny }\n",
		     5, 24, "a Unix socket is named by its absolute path");
	/* a test case in both spellings */
	struct policy *p =
	    tg_test_policy("version: 1\nrules:\n  - { id: a, action: deny, "
		      "connect: { unix: ['/x', '@y'] } }\n"
		      "tests:\n  - { connect: /x, expect: deny }\n"
		      "  - { connect: { unix: '@y' }, expect: deny }\n");
	assert_int_equal(policy_test_count(p), 2);
	assert_string_equal(policy_test_get(p, 0)->unix_path, "/x");
	assert_string_equal(policy_test_get(p, 1)->unix_path, "@y");
	policy_free(p);
}

/* Abstract names: every byte, NULs too, spelled so that no two names
 * share a spelling. */
static void test_unix_abstract_spelling(void **state)
{
	(void)state;
	char out[TGP_UNIX_ABSTRACT_MAX];
	tgp_unix_abstract("a\0b", 3, out);
	assert_string_equal(out, "@a\\x00b");
	tgp_unix_abstract("a", 1, out);
	assert_string_equal(out, "@a");
	tgp_unix_abstract("x\\x00 y", 7, out);
	assert_string_equal(out, "@x\\x5cx00\\x20y");
	char big[108];
	memset(big, 0xff, sizeof(big));
	tgp_unix_abstract(big, sizeof(big), out);
	assert_int_equal(strlen(out), 1 + 108 * 4);
}

/* policy_below (renames of directories): the strictest rule that could
 * protect something inside a directory, open rules and Unix-socket
 * connect rules alike. */
static void test_below(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(
	    "version: 1\nrules:\n"
	    "  - { id: ws, tier: 1, open: { path: ['/w/**'], access: write } "
	    "}\n"
	    "  - { id: hooks, tier: 3, open: { path: ['**/.git/hooks/**'], "
	    "not_path: ['**/*.sample'], access: [write, create, delete] } }\n"
	    "  - { id: etc, action: deny, open: { path: ['/etc/**'], access: "
	    "read } }\n"
	    "  - { id: sock, action: deny, connect: { unix: "
	    "['/tmp/ssh-*/agent.*'] } }\n");
	unsigned acc = POLICY_ACC_WRITE | POLICY_ACC_CREATE | POLICY_ACC_DELETE;
	struct policy_decision d;
	policy_below(p, "/w/.gitx", acc, &d);
	assert_string_equal(d.rule_id, "hooks");
	assert_int_equal(d.action, POLICY_PROMPT);
	policy_below(p, "/tmp/ssh-AbC", acc, &d);
	assert_string_equal(d.rule_id, "sock");
	/* a read rule protects nothing a rename changes */
	policy_below(p, "/etc/x", POLICY_ACC_WRITE, &d);
	assert_string_equal(d.rule_id, "hooks"); /* (** could be below) */
	policy_free(p);
	p = tg_test_policy(
	    "version: 1\nrules:\n"
	    "  - { id: ws, tier: 1, open: { path: ['/w/**'] } }\n"
	    "  - { id: h, tier: 3, open: { path: ['/w/.git/hooks/**'], "
	    "access: write } }\n");
	policy_below(p, "/w/src", acc, &d);
	assert_string_equal(d.rule_id, "ws");
	policy_below(p, "/w/.git", acc, &d);
	assert_string_equal(d.rule_id, "h");
	policy_below(p, "/elsewhere", acc, &d);
	assert_int_equal(d.rule, -1);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unix_decide),
	    cmocka_unit_test(test_unix_index),
	    cmocka_unit_test(test_unix_errors),
	    cmocka_unit_test(test_unix_abstract_spelling),
	    cmocka_unit_test(test_below),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
