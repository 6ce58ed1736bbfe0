/* SPDX-License-Identifier: MIT */
/* The diagnostics list of a policy load: each finding once, capped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policy_diag.h"

static void test_each_finding_once(void **state)
{
	(void)state;
	struct policy_diags d = {0};
	for (int i = 0; i < 4; i++)
		assert_int_equal(policy_diag_add(&d, "p.yaml", 8, 5, true,
						 "rule '%s' can never decide",
						 "b"),
				 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.nerrors, 0);
	/* another place, another severity, another text or another file
	 * is another finding */
	policy_diag_add(&d, "p.yaml", 8, 6, true, "rule 'b' can never decide");
	policy_diag_add(&d, "p.yaml", 9, 5, true, "rule 'b' can never decide");
	policy_diag_add(&d, "p.yaml", 8, 5, false, "rule 'b' can never decide");
	policy_diag_add(&d, "p.yaml", 8, 5, true, "rule 'c' can never decide");
	policy_diag_add(&d, "q.yaml", 8, 5, true, "rule 'b' can never decide");
	assert_int_equal(d.n, 6);
	assert_int_equal(d.nwarnings, 5);
	assert_int_equal(d.nerrors, 1);
	/* no file: "<policy>", the same finding as one named so */
	policy_diag_add(&d, NULL, 1, 1, false, "x");
	policy_diag_add(&d, "<policy>", 1, 1, false, "x");
	assert_int_equal(d.n, 7);
	assert_string_equal(d.v[6].file, "<policy>");
	policy_diags_free(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.v);
}

static void test_cap(void **state)
{
	(void)state;
	struct policy_diags d = {0};
	for (int i = 0; i < POLICY_MAX_DIAGS + 5; i++)
		policy_diag_add(&d, "p.yaml", i + 1, 1, false, "error %d", i);
	assert_int_equal(d.n, POLICY_MAX_DIAGS);
	assert_int_equal(d.nerrors, POLICY_MAX_DIAGS + 5);
	assert_true(d.truncated);
	assert_string_equal(d.v[POLICY_MAX_DIAGS - 1].msg, "error 199");
	policy_diags_free(&d);
	/* NULL list: nothing kept, no crash */
	assert_int_equal(policy_diag_add(NULL, "p", 1, 1, true, "w"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_finding_once),
	    cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
