/* SPDX-License-Identifier: MIT */
/*
 * Programs known by content (engine/progid.c, policy_decide_ids.c), a
 * loader known by what it is (sys.c), and an exec of git decided by the
 * exec and the git rules together (git_exec_decide).
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
#include <time.h>
#include <unistd.h>

#include "gitparse.h"
#include "policy.h"
#include "progid.h"
#include "sys.h"
#include "tmpdir.h"
#include "util.h"

TG_TEST_TMPDIR(T, "/tmp/tg-progid-XXXXXX")

static const char *at(const char *name)
{
	static char buf[4][512];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 512, "%s/%s", T, name);
	return b;
}

static void sh(const char *fmt, const char *a, const char *b)
{
	char cmd[2 * TG_PATH_MAX + 64];
	int n = snprintf(cmd, sizeof(cmd), fmt, a, b);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

/* Files younger than the ctime settle time are hashed but not cached;
 * either way the answers must be the same. */
static struct progid_file file_of(const char *path)
{
	struct progid_file f = {.path = path};
	assert_int_equal(stat(path, &f.st), 0);
	return f;
}

static void test_identity(void **state)
{
	(void)state;
	const char *orig = at("orig"), *copy = at("copy"), *link = at("link");
	const char *longer = at("longer");
	sh("cp /usr/bin/true '%s' && cp /usr/bin/true '%s'", orig, copy);
	sh("ln '%s' '%s'", orig, link);
	sh("cp /usr/bin/true '%s' && printf x >> '%s'", longer, longer);
	struct progid id;
	assert_int_equal(progid_of_path(orig, &id), 0);
	struct progid_file f = file_of(copy);
	assert_true(progid_file_is(&f, &id, false)); /* same bytes */
	f = file_of(link);
	assert_true(progid_file_is(&f, &id, false)); /* same file */
	f = file_of(longer);
	assert_false(progid_file_is(&f, &id, true)); /* not read: sizes */
	/* same size, other bytes (true and false are often the same size) */
	sh("cp /usr/bin/true '%s' && printf x | dd of='%s' bs=1 seek=100 "
	   "conv=notrunc 2>/dev/null",
	   copy, copy);
	f = file_of(copy);
	assert_false(progid_file_is(&f, &id, true));
	/* again, from the cache once settled */
	struct timespec ts = {0, 150 * 1000 * 1000};
	nanosleep(&ts, NULL);
	f = file_of(copy);
	assert_false(progid_file_is(&f, &id, true));
	f = file_of(link);
	assert_true(progid_file_is(&f, &id, false));
	assert_int_equal(progid_of_path(T, &id), -EINVAL);
}

static struct policy *load(const char *text)
{
	struct policy_diags d = {0};
	struct policy *p = NULL;
	struct policy_vars v = {
	    .home = "/h", .user = "u", .pwd = T, .tmpdir = "/tmp"};
	int r = policy_load_buffer("t.yaml", text, strlen(text), &v, &d, &p);
	for (size_t i = 0; i < d.n; i++)
		print_message("%d:%d: %s\n", d.v[i].line, d.v[i].col,
			      d.v[i].msg);
	policy_diags_free(&d);
	assert_int_equal(r, 0);
	return p;
}

/* An exec of path with argv decided as policyd decides it: by names, and
 * by content when with_file. */
static const char *decide(const struct policy *p, const char *path,
			  const char *argv0, bool with_file)
{
	const char *argv[] = {argv0, "x"};
	const char *names[] = {path};
	struct progid_file f = {.path = path};
	assert_int_equal(stat(path, &f.st), 0);
	struct policy_event ev = {.kind = POLICY_EV_EXEC,
				  .path = path,
				  .argv = argv,
				  .argc = 2,
				  .names = names,
				  .nnames = 1,
				  .cwd = T,
				  .prog = with_file ? &f : NULL};
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	return d.rule_id;
}

static void test_rules_by_content(void **state)
{
	(void)state;
	char pol[2048];
	sh("cp /usr/bin/true '%s'%s", at("denied"), "");
	sh("ln '%s' '%s'", at("denied"), at("hard"));
	sh("cp /usr/bin/true '%s' && cp /usr/bin/false '%s'", at("copy"),
	   at("other"));
	sh("cp /usr/bin/true '%s' && printf x >> '%s'", at("appended"),
	   at("appended"));
	snprintf(pol, sizeof(pol),
		 "version: 1\n"
		 "settings: { default: allow }\n"
		 "rules:\n"
		 "  - { id: by-path, action: deny, exec: { path: ['%s'] } }\n"
		 "  - { id: by-name, action: prompt, exec: { argv: "
		 "['sleep **'] } }\n",
		 at("denied"));
	struct policy *p = load(pol);
	/* the program itself, a hard link, a copy: the denied program */
	assert_string_equal(decide(p, at("denied"), "denied", true), "by-path");
	assert_string_equal(decide(p, at("hard"), "hard", true), "by-path");
	assert_string_equal(decide(p, at("copy"), "copy", true), "by-path");
	/* by names only, the copy is another program */
	assert_string_equal(decide(p, at("copy"), "copy", false), "default");
	/* other bytes are another program */
	assert_string_equal(decide(p, at("other"), "other", true), "default");
	assert_string_equal(decide(p, at("appended"), "a", true), "default");
	/* a bare name in an argv pattern: the file of that name in PATH */
	char sleep_path[TG_PATH_MAX];
	if (sys_resolve_exe("sleep", "/", NULL, sleep_path,
			    sizeof(sleep_path)) == 0) {
		sh("cp '%s' '%s'", sleep_path, at("nap"));
		assert_string_equal(decide(p, at("nap"), "nap", true),
				    "by-name");
	}
	/* the interposer is told their identities */
	struct sys_git_id ids[8];
	assert_true(policy_ids_export(p, ids, 8) >= 1);
	policy_free(p);
}

static void test_loader_by_kind(void **state)
{
	(void)state;
	const char *ld = "/lib64/ld-linux-x86-64.so.2";
	struct stat st;
	if (stat(ld, &st) < 0)
		skip();
	sh("cp '%s' '%s'", ld, at("myld"));
	sh("printf 'appended bytes' >> '%s'%s", at("myld"), "");
	assert_true(sys_is_loader(at("myld")));
	assert_false(sys_is_loader("/usr/bin/true"));
	sh("printf '#!/bin/sh\\n' > '%s'%s", at("script"), "");
	assert_false(sys_is_loader(at("script")));
}

/* git is known by content, with bytes appended too; not with its first
 * page changed. */
static void test_git_copies(void **state)
{
	(void)state;
	struct stat st;
	if (stat("/usr/bin/git", &st) < 0)
		skip();
	sh("cp /usr/bin/git '%s' && cp /usr/bin/git '%s'", at("g1"), at("g2"));
	assert_true(sys_is_git(at("g1")));
	sh("printf x >> '%s'%s", at("g1"), "");
	assert_true(sys_is_git(at("g1")));
	sh("printf x | dd of='%s' bs=1 seek=200 conv=notrunc 2>/dev/null%s",
	   at("g2"), "");
	assert_false(sys_is_git(at("g2")));
	assert_false(sys_is_git("/usr/bin/true"));
}

/* An exec of git: the exec and the git rules together, strictest wins,
 * the git rules' default counting. */
static void test_git_exec(void **state)
{
	(void)state;
	static const char pol[] =
	    "version: 1\n"
	    "settings: { default: deny }\n"
	    "rules:\n"
	    "  - { id: tools, tier: 1, exec: { path: ['/usr/bin/git'] } }\n"
	    "  - { id: local, tier: 1, git: { command: [status, log] } }\n"
	    "  - { id: remote, tier: 3, git: { command: [push] } }\n"
	    "  - { id: no-log, action: deny, exec: { argv: ['git log **'] } "
	    "}\n";
	struct policy *p = load(pol);
	struct {
		const char *argv[6];
		enum policy_action want;
		const char *rule;
	} cases[] = {
	    {{"git", "status"}, POLICY_ALLOW, "local"},
	    /* no git rule: the git rules' default, not the exec allow */
	    {{"git", "reset", "--hard", "HEAD~3"}, POLICY_DENY, "default"},
	    {{"git", "push", "/srv/x.git", "main"}, POLICY_PROMPT, "remote"},
	    /* what git runs by itself: no git default, the exec rules */
	    {{"git", "pack-objects", "--revs", "--stdout"},
	     POLICY_ALLOW,
	     "tools"},
	    {{"git", "maintenance", "run", "--auto"}, POLICY_ALLOW, "tools"},
	    {{"git", "gc", "--prune=now"}, POLICY_DENY, "default"},
	    /* a git allow never lifts an exec refusal */
	    {{"git", "log", "-1"}, POLICY_DENY, "no-log"},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		size_t argc = 0;
		while (cases[i].argv[argc])
			argc++;
		struct git_ctx ctx = {.cwd = T, .no_files = true};
		struct git_op op;
		assert_int_equal(git_parse_op(cases[i].argv, argc, &ctx, &op),
				 0);
		const char *names[] = {"/usr/bin/git"};
		struct policy_event ev = {.kind = POLICY_EV_EXEC,
					  .path = "/usr/bin/git",
					  .argv = cases[i].argv,
					  .argc = argc,
					  .names = names,
					  .nnames = 1,
					  .cwd = T};
		struct policy_decision d;
		git_exec_decide(p, &ev, &op, &d, NULL);
		if (d.action != cases[i].want ||
		    strcmp(d.rule_id, cases[i].rule))
			fail_msg("case %zu: %s by %s, want %s by %s", i,
				 policy_action_name(d.action), d.rule_id,
				 policy_action_name(cases[i].want),
				 cases[i].rule);
		git_op_free(&op);
	}
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_rules_by_content),
	    cmocka_unit_test(test_loader_by_kind),
	    cmocka_unit_test(test_git_copies),
	    cmocka_unit_test(test_git_exec),
	};
	return cmocka_run_group_tests(tests, T_make, T_remove);
}
