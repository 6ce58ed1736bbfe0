/* SPDX-License-Identifier: MIT */
/* policy_egress: a policy's connect rules as the eBPF layer takes them
 * (CIDR parts, ports less not_port, not_cidr exclusions, rules without a
 * destination, host-only rules), the parts a learned name adds, and which
 * names the DNS forwarder may look up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static struct policy *load(const char *yaml)
{
	struct policy_vars v = {.home = "/h", .user = "u", .pwd = "/w"};
	struct policy_diags d = {0};
	struct policy *p = NULL;
	int r = policy_load_buffer("t.yaml", yaml, strlen(yaml), &v, &d, &p);
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning)
			fprintf(stderr, "%d: %s\n", d.v[i].line, d.v[i].msg);
	policy_diags_free(&d);
	assert_int_equal(r, 0);
	return p;
}

static const char *const POL =
    "version: 1\n"
    "settings: { default: deny }\n"
    "rules:\n"
    "  - { id: web, tier: 1, connect: { cidr: [\"10.0.0.0/8\"], port: "
    "[\"80-90\"], not_port: [\"85\"], proto: tcp, not_cidr: "
    "[\"10.1.0.0/16\"] } }\n"
    "  - { id: any, tier: 2, connect: { port: [53] } }\n"
    "  - { id: gh, tier: 1, connect: { host: [\"*.github.com\"], port: [443] "
    "} }\n"
    "  - { id: evil, action: deny, connect: { host: [evil.test] } }\n"
    "  - { id: smtp, action: deny, connect: { host: [mail.test], port: [25] "
    "} }\n"
    "  - { id: not-gist, tier: 1, connect: { host: [\"*.github.com\"], "
    "not_host: [gist.github.com] } }\n"
    "  - { id: exec, tier: 1, exec: { path: [\"/usr/**\"] } }\n";

static void test_net_parts(void **state)
{
	(void)state;
	struct policy *p = load(POL);
	struct policy_net_part *v = NULL;
	size_t n = 0;
	assert_int_equal(policy_net_parts(p, &v, &n), 0);
	/* web: 80-84 and 86-90 at 10/8, its exclusion; any: 53 at ::/0 */
	assert_int_equal(n, 4);
	assert_int_equal(v[0].rule, 0);
	assert_int_equal(v[0].proto, POLICY_PROTO_TCP);
	assert_int_equal(v[0].cidr.plen, 104); /* /8 of IPv4, mapped */
	assert_false(v[0].exclude);
	uint16_t lo0 = v[0].port_lo, lo1 = v[1].port_lo;
	assert_true((lo0 == 80 && v[0].port_hi == 84 && lo1 == 86 &&
		     v[1].port_hi == 90) ||
		    (lo1 == 80 && v[1].port_hi == 84 && lo0 == 86 &&
		     v[0].port_hi == 90));
	assert_true(v[2].exclude);
	assert_int_equal(v[2].rule, 0);
	assert_int_equal(v[2].cidr.plen, 112);
	assert_int_equal(v[3].rule, 1);
	assert_int_equal(v[3].action, POLICY_LOG);
	assert_int_equal(v[3].cidr.plen, 0); /* both families */
	assert_int_equal(v[3].port_lo, 53);
	assert_int_equal(v[3].port_hi, 53);
	free(v);
	policy_free(p);
}

static void test_host_parts(void **state)
{
	(void)state;
	struct policy *p = load(POL);
	struct policy_net_part *v = NULL;
	size_t n = 0;
	assert_int_equal(policy_host_parts(p, "api.github.com", &v, &n), 0);
	assert_int_equal(n, 2); /* gh (443) and not-gist (any port) */
	assert_int_equal(v[0].rule, 2);
	assert_int_equal(v[0].port_lo, 443);
	assert_int_equal(v[1].rule, 5);
	assert_false(v[1].exclude);
	free(v);
	assert_int_equal(policy_host_parts(p, "gist.github.com", &v, &n), 0);
	assert_int_equal(n, 2); /* gh, and not-gist's exclusion */
	assert_true(v[1].exclude);
	assert_int_equal(v[1].rule, 5);
	free(v);
	assert_int_equal(policy_host_parts(p, "other.test", &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	policy_free(p);
}

static void test_host_lookup(void **state)
{
	(void)state;
	struct policy *p = load(POL);
	int rule;
	assert_int_equal(policy_host_lookup(p, "api.github.com", &rule),
			 POLICY_ALLOW);
	/* denied on every port: refused, with the rule */
	assert_int_equal(policy_host_lookup(p, "evil.test", &rule),
			 POLICY_DENY);
	assert_int_equal(rule, 3);
	/* denied on one port only: other ports may be allowed (rule any) */
	assert_int_equal(policy_host_lookup(p, "mail.test", &rule),
			 POLICY_ALLOW);
	/* named by no rule, but rule any lets port 53 anywhere */
	assert_int_equal(policy_host_lookup(p, "x.test", &rule), POLICY_ALLOW);
	policy_free(p);
	p = load("version: 1\nsettings: { default: deny }\nrules:\n"
		 "  - { id: gh, tier: 1, connect: { host: [github.com] } }\n");
	assert_int_equal(policy_host_lookup(p, "github.com", &rule),
			 POLICY_ALLOW);
	/* nothing could let a connect to it through: not looked up */
	assert_int_equal(policy_host_lookup(p, "leak.example", &rule),
			 POLICY_DENY);
	assert_int_equal(rule, -1);
	policy_free(p);
	p = load("version: 1\nsettings: { default: allow }\nrules: []\n");
	assert_int_equal(policy_host_lookup(p, "any.example", &rule),
			 POLICY_ALLOW);
	policy_free(p);
}

/* What only the layer enforces, where it is written (policyctl check
 * warns there), and the layer's own bounds warned at the limits: key. */
static void test_needs(void **state)
{
	(void)state;
	struct policy_egress_need v[8];
	struct policy *p = load(POL);
	/* no limits: the four rules that name hosts, at their lines */
	assert_int_equal(policy_egress_needs(p, v, 8), 4);
	assert_int_equal(v[0].rule, 2);
	assert_int_equal(v[0].line, 6);
	assert_int_equal(v[3].rule, 5);
	assert_int_equal(v[3].line, 9);
	assert_string_equal(v[0].file, "t.yaml");
	policy_free(p);

	const char *lim = "version: 1\n"
			  "settings: { default: deny }\n"
			  "rules: []\n"
			  "limits:\n"
			  "  connect_rate: 2000000/s\n";
	struct policy_vars vars = {.home = "/h", .user = "u", .pwd = "/w"};
	struct policy_diags d = {0};
	assert_int_equal(
	    policy_load_buffer("t.yaml", lim, strlen(lim), &vars, &d, &p), 0);
	assert_int_equal(policy_egress_needs(p, v, 8), 1);
	assert_int_equal(v[0].rule, -1);
	assert_int_equal(v[0].line, 4);
	assert_int_equal(v[0].col, 1);
	/* only the layer's bound: whether this host runs the layer is not
	 * the engine's to say */
	assert_int_equal(d.n, 1);
	assert_true(d.v[0].warning);
	assert_int_equal(d.v[0].line, 4);
	assert_non_null(strstr(d.v[0].msg, "connect_rate above"));
	policy_diags_free(&d);
	policy_free(p);
	/* a cap of 0 entries still counts them */
	p = load(POL);
	assert_int_equal(policy_egress_needs(p, NULL, 0), 4);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_net_parts),
	    cmocka_unit_test(test_host_parts),
	    cmocka_unit_test(test_host_lookup),
	    cmocka_unit_test(test_needs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
