/* SPDX-License-Identifier: MIT */
/*
 * A policy given as text, for the engine's unit tests: loaded from a buffer
 * with alice's variables (home /home/alice, workspace /home/alice/work,
 * TMPDIR /tmp); a policy that does not load fails the test with its
 * diagnostics printed.
 *
 *   struct policy *p = tg_test_policy("version: 1\n...");
 */
#ifndef TG_TEST_POLICYTEXT_H
#define TG_TEST_POLICYTEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

static const struct policy_vars tg_test_vars = {
    .home = "/home/alice",
    .user = "alice",
    .pwd = "/home/alice/work",
    .tmpdir = "/tmp",
};

static inline struct policy *tg_test_policy(const char *text)
{
	struct policy_diags d = {0};
	struct policy *p = NULL;
	int r = policy_load_buffer("p.yaml", text, strlen(text), &tg_test_vars,
				   &d, &p);
	for (size_t i = 0; r < 0 && i < d.n; i++)
		print_message("%d:%d: %s\n", d.v[i].line, d.v[i].col,
			      d.v[i].msg);
	policy_diags_free(&d);
	assert_int_equal(r, 0);
	assert_non_null(p);
	return p;
}

#endif
