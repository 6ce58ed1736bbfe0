/* SPDX-License-Identifier: MIT */
/*
 * Grants (engine/policy_grants.c): what an exact and a --like grant
 * cover (same rule, kind and access; argv patterns for execs, globs for
 * targets), the overlay written and read back, corrupt overlays reported
 * with line and column, and the overlay's name beside a policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "policy_grants.h"
#include "tmpdir.h"
#include "util.h"

TG_TEST_TMPDIR(top, "/tmp/tg-grants-XXXXXX")

static const char *const push_main[] = {"git", "push", "origin", "main"};
static const char *const push_feat[] = {"git", "push", "origin",
					"feature/x"};
static const char *const push_feat2[] = {"/usr/bin/git", "push", "origin",
					 "feature/y"};
static const char *const push_deep[] = {"git", "push", "origin",
					"feature/x/y"};
static const char *const push_more[] = {"git", "push", "origin",
					"feature/x", "--force"};

static struct policy_grant_call exec_call(const char *const *argv, size_t n)
{
	return (struct policy_grant_call){.rule = "push",
					  .kind = "exec",
					  .target = "/usr/bin/git",
					  .argv = argv,
					  .argc = n};
}

static void test_exact(void **state)
{
	(void)state;
	struct policy_grant_call c = exec_call(push_main, 4);
	struct policy_grant *g = NULL;
	const char *err = NULL;
	assert_int_equal(policy_grant_new(&c, NULL, &g, &err), 0);
	assert_true(policy_grant_matches(g, &c));
	struct policy_grant_call d = exec_call(push_feat, 4);
	assert_false(policy_grant_matches(g, &d));
	d = c;
	d.rule = "other"; /* a grant answers its rule's prompts only */
	assert_false(policy_grant_matches(g, &d));
	d = c;
	d.target = "/tmp/git"; /* another program */
	assert_false(policy_grant_matches(g, &d));
	d = c;
	d.kind = "open";
	assert_false(policy_grant_matches(g, &d));
	policy_grant_free(g);

	struct policy_grant_call o = {.rule = "ask",
				      .kind = "open",
				      .target = "/ws/a",
				      .access = POLICY_ACC_WRITE};
	assert_int_equal(policy_grant_new(&o, NULL, &g, &err), 0);
	assert_true(policy_grant_matches(g, &o));
	d = o;
	d.access = POLICY_ACC_WRITE | POLICY_ACC_READ; /* more access */
	assert_false(policy_grant_matches(g, &d));
	policy_grant_free(g);
}

static void test_like(void **state)
{
	(void)state;
	struct policy_grant_call c = exec_call(push_feat, 4);
	struct policy_grant *g = NULL;
	const char *err = NULL;
	assert_int_equal(
	    policy_grant_new(&c, "git push origin feature/*", &g, &err), 0);
	struct policy_grant_call d = exec_call(push_feat2, 4);
	assert_true(policy_grant_matches(g, &d)); /* basename of argv[0] */
	d = exec_call(push_deep, 4); /* '*' in argv tokens: anything */
	assert_true(policy_grant_matches(g, &d));
	d = exec_call(push_main, 4);
	assert_false(policy_grant_matches(g, &d));
	d = exec_call(push_more, 5); /* one more argument */
	assert_false(policy_grant_matches(g, &d));
	policy_grant_free(g);
	/* "**": any run of arguments */
	assert_int_equal(
	    policy_grant_new(&c, "git push origin feature/* **", &g, &err), 0);
	d = exec_call(push_more, 5);
	assert_true(policy_grant_matches(g, &d));
	policy_grant_free(g);
	/* the pattern must cover the call asked about */
	g = NULL;
	assert_int_equal(policy_grant_new(&c, "git fetch **", &g, &err),
			 -EINVAL);
	assert_null(g);
	assert_non_null(strstr(err, "does not cover"));
	assert_int_equal(policy_grant_new(&c, "", &g, &err), -EINVAL);
	assert_int_equal(policy_grant_new(&c, "git 'push", &g, &err), -EINVAL);
	/* targets: a path glob, '*' stops at '/' */
	struct policy_grant_call o = {
	    .rule = "ask", .kind = "open", .target = "/ws/ask/a.txt",
	    .access = POLICY_ACC_WRITE};
	assert_int_equal(policy_grant_new(&o, "/ws/ask/*.txt", &g, &err), 0);
	struct policy_grant_call p = o;
	p.target = "/ws/ask/b.txt";
	assert_true(policy_grant_matches(g, &p));
	p.target = "/ws/ask/sub/b.txt";
	assert_false(policy_grant_matches(g, &p));
	p.target = "/ws/ask/b.txt";
	p.access = POLICY_ACC_DELETE;
	assert_false(policy_grant_matches(g, &p));
	policy_grant_free(g);
}

static void test_overlay_roundtrip(void **state)
{
	(void)state;
	char pol[300], path[320];
	snprintf(pol, sizeof(pol), "%s/pol.yaml", top);
	assert_int_equal(policy_grants_path(pol, path, sizeof(path)), 0);
	char want[320];
	snprintf(want, sizeof(want), "%s/pol.grants.yaml", top);
	assert_string_equal(path, want);
	struct policy_grants gs = {0};
	struct yerror e;
	assert_int_equal(policy_grants_load(path, &gs, &e), -ENOENT);

	/* an argv with quotes, a backslash and a newline */
	static const char *const odd[] = {"git", "commit", "-m",
					  "say \"hi\"\\\n\tbye"};
	struct policy_grant_call c = exec_call(odd, 4);
	struct policy_grant *g = NULL;
	const char *err = NULL;
	assert_int_equal(policy_grant_new(&c, NULL, &g, &err), 0);
	g->id = strdup("always-1");
	g->by = strdup("alice");
	g->uid = 1000;
	assert_int_equal(policy_grants_add(&gs, g), 0);
	policy_grant_free(g);
	struct policy_grant_call f = exec_call(push_feat, 4);
	assert_int_equal(
	    policy_grant_new(&f, "git push origin feature/*", &g, &err), 0);
	g->id = strdup("always-2");
	assert_int_equal(policy_grants_add(&gs, g), 0);
	policy_grant_free(g);
	assert_int_equal(policy_grants_write(path, &gs), 0);
	policy_grants_free(&gs);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(policy_grants_load(path, &gs, &e), 0);
	assert_int_equal(gs.n, 2);
	assert_string_equal(gs.v[0].by, "alice");
	assert_int_equal(gs.v[0].uid, 1000);
	assert_true(gs.v[0].line > 0);
	const struct policy_grant *hit = policy_grants_find(&gs, &c);
	assert_non_null(hit);
	assert_string_equal(hit->id, "always-1");
	struct policy_grant_call d = exec_call(push_deep, 4);
	hit = policy_grants_find(&gs, &d);
	assert_non_null(hit);
	assert_string_equal(hit->id, "always-2");
	assert_int_equal(policy_grants_remove(&gs, "always-1"), 0);
	assert_int_equal(policy_grants_remove(&gs, "always-1"), -ENOENT);
	assert_null(policy_grants_find(&gs, &c));
	policy_grants_free(&gs);
}

static void corrupt(const char *text, int line, const char *msg)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/bad.grants.yaml", top);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	struct policy_grants gs = {0};
	struct yerror e = {0};
	assert_int_equal(policy_grants_load(path, &gs, &e), -EINVAL);
	assert_int_equal(e.line, line);
	assert_true(e.col > 0);
	if (!strstr(e.msg, msg))
		fail_msg("'%s' does not say '%s'", e.msg, msg);
	assert_int_equal(gs.n, 0);
}

static void test_corrupt(void **state)
{
	(void)state;
	corrupt("version: 2\ngrants: []\n", 1, "version: 1");
	corrupt("version: 1\ngrants:\n  - { id: a, rule: r, kind: open }\n",
		3, "without 'target'");
	corrupt("version: 1\ngrants:\n  - { id: a, rule: r, kind: exec, "
		"target: /g }\n",
		3, "without 'argv'");
	corrupt("version: 1\ngrants:\n  - { id: a, rule: r, kind: open, "
		"target: /g, access: \"read,fly\" }\n",
		3, "unknown access");
	corrupt("version: 1\ngrants:\n  - { id: a, rule: r, kind: open,\n"
		"      target: /g, grant_all: true }\n",
		4, "unknown field 'grant_all'");
	corrupt("version: 1\ngrants:\n  - { id: a, rule: r, kind: open, "
		"target: /g, like: \"/a/[\" }\n",
		3, "bad pattern");
	corrupt("version: 1\ngrants: [ {\n", 3, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact),
	    cmocka_unit_test(test_like),
	    cmocka_unit_test(test_overlay_roundtrip),
	    cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, top_make, top_remove);
}
