/* SPDX-License-Identifier: MIT */
/*
 * settings.notify (engine/policy_notify.c): a webhook with its format, a
 * command (absolute program, a list), a timeout and an account, and each
 * mistake reported at its line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static struct policy *load(const char *notify, struct policy_diags *d)
{
	char buf[2048];
	snprintf(buf, sizeof(buf),
		 "version: 1\nsettings:\n  notify:\n%s\nrules: []\n", notify);
	struct policy *p = NULL;
	memset(d, 0, sizeof(*d));
	if (policy_load_buffer("t.yaml", buf, strlen(buf), NULL, d, &p) < 0)
		return NULL;
	return p;
}

static void test_good(void **state)
{
	(void)state;
	struct policy_diags d;
	struct policy *p = load("    webhook: https://hooks.example/x\n"
				"    format: slack\n"
				"    command: [\"/usr/bin/logger\", \"-t\", \"tg\"]\n"
				"    timeout: 2s\n"
				"    user: tg-notify",
				&d);
	assert_non_null(p);
	const struct policy_notify *n = policy_settings(p)->notify;
	assert_non_null(n);
	assert_string_equal(n->webhook, "https://hooks.example/x");
	assert_true(n->slack);
	assert_string_equal(n->command[0], "/usr/bin/logger");
	assert_string_equal(n->command[2], "tg");
	assert_null(n->command[3]);
	assert_int_equal(n->timeout_ms, 2000);
	assert_string_equal(n->user, "tg-notify");
	policy_free(p);
	policy_diags_free(&d);
	p = load("    command: [\"/bin/true\"]", &d);
	assert_non_null(p);
	n = policy_settings(p)->notify;
	assert_null(n->webhook);
	assert_int_equal(n->timeout_ms, 5000);
	policy_free(p);
	policy_diags_free(&d);
}

static void bad(const char *notify, int line, const char *msg)
{
	struct policy_diags d;
	struct policy *p = load(notify, &d);
	assert_null(p);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning && d.v[i].line == line && d.v[i].col > 0 &&
		    strstr(d.v[i].msg, msg))
			found = true;
	if (!found)
		fail_msg("no error at line %d saying '%s' (%zu diags, first: "
			 "%d: %s)",
			 line, msg, d.n, d.n ? d.v[0].line : 0,
			 d.n ? d.v[0].msg : "");
	policy_diags_free(&d);
}

static void test_bad(void **state)
{
	(void)state;
	bad("    webhook: ftp://x/y", 4, "http:// or https://");
	bad("    webhook: http://x/y z", 4, "without spaces");
	bad("    command: notify-send", 4, "must be a list");
	bad("    command: [\"notify-send\", \"x\"]", 4, "absolute path");
	bad("    command: [\"/bin/true\"]\n    timeout: 5m", 5,
	    "100ms to 60s");
	bad("    command: [\"/bin/true\"]\n    user: \"a b\"", 5,
	    "account name");
	bad("    format: slack\n    command: [\"/bin/true\"]", 4,
	    "give a webhook too");
	bad("    webhook: http://x/\n    format: xml", 5, "xml");
	bad("    timeout: 2s", 4, "needs a webhook or a command");
	bad("    webhook: http://x/\n    retries: 3", 5, "retries");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
