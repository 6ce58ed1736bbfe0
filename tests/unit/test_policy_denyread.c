/* SPDX-License-Identifier: MIT */
/* policy_denyread: the paths the kernel deny-read layer masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "policy.h"
#include "policytext.h"


static bool has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void test_literal_tree_glob(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(
	    "version: 1\nrules:\n"
	    "  - { id: c, action: deny, open: { path: ['${HOME}/.netrc', "
	    "'${HOME}/.gnupg/**', '${HOME}/.ssh/id_*', '/etc/shadow'], "
	    "access: [read, write] } }\n"
	    /* deny without read: nothing to mask */
	    "  - { id: w, action: deny, open: { path: ['/etc/passwd'], "
	    "access: [write] } }\n"
	    /* prompt-tier reads stay with the interposer */
	    "  - { id: q, tier: 3, open: { path: ['/srv/secret'], access: "
	    "[read] } }\n"
	    /* an allow rule cannot undo a deny: still masked */
	    "  - { id: a, tier: 1, open: { path: ['/etc/shadow'] } }\n");
	struct policy_denyread dr;
	assert_int_equal(policy_denyread_plan(p, &dr), 0);
	assert_true(has(dr.path, dr.npath, "/home/alice/.netrc"));
	assert_true(has(dr.path, dr.npath, "/etc/shadow"));
	assert_false(has(dr.path, dr.npath, "/etc/passwd"));
	assert_false(has(dr.path, dr.npath, "/srv/secret"));
	assert_int_equal(dr.npath, 2);
	assert_int_equal(dr.ntree, 1);
	assert_string_equal(dr.tree[0], "/home/alice/.gnupg");
	assert_int_equal(dr.nglobs, 1);
	assert_string_equal(dr.globs[0], "/home/alice/.ssh/id_*");
	policy_denyread_free(&dr);
	policy_free(p);
}

/* not_path exceptions: a literal they match is not denied; a tree they
 * could reach into is not masked whole (the interposer decides it). */
static void test_exceptions(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(
	    "version: 1\nrules:\n"
	    "  - { id: c, action: deny, open: { path: ['/data/**', "
	    "'/keys/a', '/keys/b', '/other/**'], not_path: ['/data/pub/*', "
	    "'/keys/b'], access: [read] } }\n"
	    "  - { id: all, action: deny, open: { access: [read], not_path: "
	    "['/**'] } }\n"
	    "  - { id: root, action: deny, open: { path: ['/**'], access: "
	    "[read, write] } }\n");
	struct policy_denyread dr;
	assert_int_equal(policy_denyread_plan(p, &dr), 0);
	assert_true(has(dr.path, dr.npath, "/keys/a"));
	assert_false(has(dr.path, dr.npath, "/keys/b"));
	assert_false(has(dr.tree, dr.ntree, "/data"));
	assert_true(has(dr.globs, dr.nglobs, "/data/**"));
	assert_true(has(dr.tree, dr.ntree, "/other"));
	/* no path, or the whole tree: never masked */
	assert_true(has(dr.globs, dr.nglobs, "**"));
	assert_true(has(dr.globs, dr.nglobs, "/**"));
	assert_int_equal(dr.ntree, 1);
	policy_denyread_free(&dr);
	policy_denyread_free(&dr); /* a freed plan is zeroed */
	policy_free(p);
}

/* No deny-read rule: nothing to do (the session gets no namespace). */
static void test_nothing_to_mask(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy("version: 1\nrules:\n"
				     "  - { id: r, tier: 1, open: { path: "
				     "['/**'], access: [read] } }\n");
	struct policy_denyread dr;
	assert_int_equal(policy_denyread_plan(p, &dr), 0);
	assert_int_equal(dr.npath + dr.ntree + dr.nglobs, 0);
	policy_denyread_free(&dr);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_tree_glob),
	    cmocka_unit_test(test_exceptions),
	    cmocka_unit_test(test_nothing_to_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
