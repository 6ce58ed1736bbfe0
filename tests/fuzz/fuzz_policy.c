/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the policy loader: any bytes must give a policy or
 * errors, never a crash, leak or hang; a policy that loads must decide. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gitparse.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct policy_vars vars = {
	    .home = "/home/f", .user = "f", .pwd = "/w", .tmpdir = "/tmp"};
	struct policy_diags d = {0};
	struct policy *p = NULL;
	if (policy_load_buffer("fuzz.yaml", (const char *)data, size, &vars, &d,
			       &p) == 0) {
		const char *argv[] = {"git", "push", "--force", "origin",
				      "main"};
		struct git_event g;
		struct policy_decision dec;
		if (git_parse(argv, 5, "/w", NULL, &g) >= 0) {
			struct policy_event ev = {.kind = POLICY_EV_EXEC,
						  .path = "/usr/bin/git",
						  .argv = argv,
						  .argc = 5,
						  .cwd = "/w",
						  .git = &g};
			policy_decide(p, &ev, &dec);
			git_event_free(&g);
		}
		struct policy_event o = {.kind = POLICY_EV_OPEN,
					 .path = "/home/f/.ssh/id_rsa",
					 .access = POLICY_ACC_READ};
		policy_decide(p, &o, &dec);
		(void)policy_read_is_silent(p, "/w/x");
		struct tg_addr a;
		tg_addr_parse("10.1.2.3", &a);
		struct policy_event c = {.kind = POLICY_EV_CONNECT,
					 .host = "a.example.org",
					 .addr = &a,
					 .port = 443,
					 .proto = POLICY_PROTO_TCP};
		policy_decide(p, &c, &dec);
		for (size_t i = 0; i < policy_test_count(p); i++)
			(void)policy_test_get(p, i);
		policy_free(p);
	}
	policy_diags_free(&d);
	return 0;
}
