/* SPDX-License-Identifier: MIT */
/* The read fast path (policy_fastpath_build): which reads a process may
 * decide itself, exactly those whose full decision is a silent allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policytext.h"


/* the fast path agrees with the full decision of a read */
static void agrees(const struct policy *p, const char *path)
{
	struct policy_event ev = {0};
	ev.kind = POLICY_EV_OPEN;
	ev.path = path;
	ev.access = POLICY_ACC_READ;
	struct policy_decision d;
	policy_decide(p, &ev, &d);
	bool silent =
	    d.action == POLICY_ALLOW && !policy_settings(p)->audit_allow;
	if (policy_read_is_silent(p, path))
		assert_true(silent);
}

/* default: allow, no rule about a path: its reads are silent allows, and
 * the fast path knows it (a permissive policy asked policyd every read) */
static void test_default_allow(void **state)
{
	(void)state;
	struct policy *p = tg_test_policy(
	    "version: 1\nsettings: { default: allow }\nrules:\n"
	    "  - { id: s, action: deny, open: { path: ['${HOME}/.ssh/**'], "
	    "access: [read] } }\n"
	    "  - { id: l, action: log, open: { path: ['/var/log/**'], "
	    "access: [read] } }\n"
	    "  - { id: w, action: deny, open: { path: ['/etc/**'], "
	    "access: [write] } }\n");
	assert_true(policy_read_is_silent(p, "/usr/include/stdio.h"));
	assert_true(policy_read_is_silent(p, "/etc/passwd")); /* write rule */
	assert_false(policy_read_is_silent(p, "/home/alice/.ssh/id_rsa"));
	assert_false(policy_read_is_silent(p, "/var/log/syslog"));
	agrees(p, "/usr/include/stdio.h");
	agrees(p, "/etc/passwd");
	agrees(p, "/home/alice/.ssh/id_rsa");
	agrees(p, "/var/log/syslog");
	policy_free(p);
}

/* a default that is not a silent allow gives no path to the fast path */
static void test_other_defaults(void **state)
{
	(void)state;
	static const char *const defaults[] = {"log", "prompt", "deny"};
	for (size_t i = 0; i < 3; i++) {
		char text[256];
		snprintf(text, sizeof(text),
			 "version: 1\nsettings: { default: %s }\nrules:\n"
			 "  - { id: u, action: allow, open: { path: "
			 "['/usr/**'], access: [read] } }\n",
			 defaults[i]);
		struct policy *p = tg_test_policy(text);
		assert_true(policy_read_is_silent(p, "/usr/include/stdio.h"));
		assert_false(policy_read_is_silent(p, "/etc/passwd"));
		agrees(p, "/usr/include/stdio.h");
		agrees(p, "/etc/passwd");
		policy_free(p);
	}
	/* audit_allow: every allow is audited, so none is decided locally */
	struct policy *p = tg_test_policy(
	    "version: 1\nsettings: { default: allow, audit_allow: true }\n"
	    "rules: []\n");
	assert_false(policy_read_is_silent(p, "/usr/include/stdio.h"));
	policy_free(p);
	/* a read rule without a path makes every read sensitive */
	p = tg_test_policy("version: 1\nsettings: { default: allow }\nrules:\n"
		      "  - { id: r, action: log, open: { access: [read] } }\n");
	assert_false(policy_read_is_silent(p, "/usr/include/stdio.h"));
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_allow),
	    cmocka_unit_test(test_other_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
