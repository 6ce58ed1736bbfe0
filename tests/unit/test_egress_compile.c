/* SPDX-License-Identifier: MIT */
/* egress_compile: connect rules and host addresses as LPM prefixes whose
 * first matching entry is the engine's decision. The kernel's lookup is
 * modelled here (longest prefix, first entry matching protocol, port and
 * lifetime) and compared with a direct evaluation of the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egress_compile.h"

static struct egress_rule R(const char *cidr, unsigned protos, uint16_t lo,
			    uint16_t hi, unsigned action, uint32_t rule,
			    bool exclude) {
	struct egress_rule r = {.protos = (uint8_t)protos,
				.port_lo = lo,
				.port_hi = hi,
				.action = (uint8_t)action,
				.rule = rule,
				.exclude = exclude};
	char a[64];
	const char *slash = strchr(cidr, '/');
	snprintf(a, sizeof(a), "%.*s", (int)(slash ? slash - cidr : 63), cidr);
	struct in_addr v4;
	if (inet_pton(AF_INET, a, &v4) == 1) {
		r.addr[10] = r.addr[11] = 0xff;
		memcpy(r.addr + 12, &v4, 4);
		r.plen = (uint8_t)(96 + (slash ? atoi(slash + 1) : 32));
	} else {
		assert_int_equal(inet_pton(AF_INET6, a, r.addr), 1);
		r.plen = (uint8_t)(slash ? atoi(slash + 1) : 128);
	}
	return r;
}

static void
addr(const char *s, uint8_t out[16])
{
	struct egress_rule r = R(s, 1, 0, 0, 0, 0, false);
	memcpy(out, r.addr, 16);
}

/* The kernel's view: longest prefix, then its first matching entry. */
static int lookup(const struct ec_prefix *p, size_t n, const char *a,
		  unsigned pbit, uint16_t port, uint32_t now, uint32_t *rule)
{
	uint8_t ad[16];
	const struct ec_prefix *best = NULL;
	addr(a, ad);
	for (size_t i = 0; i < n; i++)
		if (ec_covers(p[i].addr, p[i].plen, ad, 128) &&
		    (!best || p[i].plen > best->plen))
			best = &p[i];
	if (!best)
		return -1;
	for (uint32_t i = 0; i < best->val.n; i++) {
		const struct tg_entry *e = &best->val.e[i];
		if (!(e->protos & pbit) || port < e->port_lo ||
		    port > e->port_hi || (e->expires && now >= e->expires))
			continue;
		*rule = e->rule;
		return e->action;
	}
	return -1;
}

/* The engine's semantics, directly. */
static int direct(const struct egress_rule *r, size_t n, const char *a,
		  unsigned pbit, uint16_t port, uint32_t *rule)
{
	static const int rank[] = {0, 1, 2, 4, 3}; /* approved above prompt */
	uint8_t ad[16];
	int best = -1;
	addr(a, ad);
	for (size_t i = 0; i < n; i++) {
		if (r[i].exclude || !ec_covers(r[i].addr, r[i].plen, ad, 128) ||
		    !(r[i].protos & pbit) || port < r[i].port_lo ||
		    port > r[i].port_hi)
			continue;
		bool ex = false;
		for (size_t k = 0; k < n; k++)
			ex |= r[k].exclude && r[k].rule == r[i].rule &&
			      ec_covers(r[k].addr, r[k].plen, ad, 128);
		if (ex)
			continue;
		if (best < 0 || rank[r[i].action] > rank[best] ||
		    (r[i].action == best && r[i].rule < *rule)) {
			best = r[i].action;
			*rule = r[i].rule;
		}
	}
	return best;
}

static void test_matches_engine(void **state)
{
	(void)state;
	const struct egress_rule r[] = {
	    R("127.0.0.0/8", 7, 1024, 65535, EGRESS_ALLOW, 0, false),
	    R("::1", 7, 1024, 65535, EGRESS_ALLOW, 0, false),
	    R("10.0.0.1", 3, 53, 53, EGRESS_ALLOW, 1, false),
	    R("169.254.0.0/16", 7, 0, 65535, EGRESS_DENY, 2, false),
	    R("10.0.0.0/8", 7, 0, 65535, EGRESS_DENY, 3, false),
	    R("10.0.0.1", 0, 0, 0, 0, 3, true), /* not_cidr */
	    R("::/0", 7, 1, 65535, EGRESS_LOG, 4, false),
	    R("10.1.0.0/16", 1, 443, 443, EGRESS_PROMPT, 5, false),
	    R("10.1.2.0/24", 1, 443, 443, EGRESS_ALLOW, 6, false),
	};
	size_t n = sizeof(r) / sizeof(r[0]);
	struct ec_prefix *p;
	size_t np;
	char err[200];
	assert_int_equal(ec_compile(r, n, NULL, 0, &p, &np, err, sizeof(err)),
			 0);
	const char *addrs[] = {"127.0.0.1",	 "10.0.0.1", "10.0.0.2",
			       "10.1.2.3",	 "10.1.9.9", "169.254.169.254",
			       "8.8.8.8",	 "::1",	     "2001:db8::1",
			       "::ffff:10.0.0.1"};
	const uint16_t ports[] = {0, 22, 53, 443, 8080};
	for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++)
		for (unsigned pb = 1; pb <= 4; pb <<= 1)
			for (size_t k = 0; k < 5; k++) {
				uint32_t r1 = 99, r2 = 99;
				int d =
				    direct(r, n, addrs[a], pb, ports[k], &r2);
				int l = lookup(p, np, addrs[a], pb, ports[k], 0,
					       &r1);
				if (d != l || (d >= 0 && r1 != r2))
					fail_msg("%s proto %u port %u: engine "
						 "%d/%u, trie %d/%u",
						 addrs[a], pb, ports[k], d, r2,
						 l, r1);
			}
	free(p);
}

static void test_hosts_and_expiry(void **state)
{
	(void)state;
	const struct egress_rule r[] = {
	    R("0.0.0.0/0", 7, 0, 65535, EGRESS_DENY, 1, false),
	    R("::/0", 7, 0, 65535, EGRESS_PROMPT, 2, false),
	};
	struct ec_host h[2] = {
	    {.h = {.protos = 1,
		   .action = EGRESS_APPROVED,
		   .port_lo = 443,
		   .port_hi = 443,
		   .rule = 7},
	     .expires = 100},
	    {.h = {.protos = 1,
		   .action = EGRESS_ALLOW,
		   .port_lo = 443,
		   .port_hi = 443,
		   .rule = 8},
	     .expires = 0},
	};
	addr("2001:db8::5", h[0].h.addr);
	addr("2001:db8::5", h[1].h.addr);
	struct tg_rule_val v;
	bool needed;
	char err[200];
	assert_int_equal(ec_host_prefix(r, 2, h, 2, h[0].h.addr, &v, &needed,
					err, sizeof(err)),
			 0);
	assert_true(needed);
	/* the approval outranks the prompt rule; the allow is dropped: the
	 * prompt (every port, for good) always matches before it, while an
	 * approval that expires covers nothing for good */
	assert_int_equal(v.n, 2);
	assert_int_equal(v.e[0].action, EGRESS_APPROVED);
	assert_int_equal(v.e[0].expires, 100);
	assert_int_equal(v.e[1].action, EGRESS_PROMPT);
	assert_int_equal(v.e[1].expires, 0);
	/* an approval never outranks a deny: 0.0.0.0/0 is the mapped range */
	addr("10.9.9.9", h[0].h.addr);
	assert_int_equal(ec_host_prefix(r, 2, h, 1, h[0].h.addr, &v, &needed,
					err, sizeof(err)),
			 0);
	assert_int_equal(v.e[0].action, EGRESS_DENY);
	/* no host, no rule at this /128: the key goes */
	assert_int_equal(ec_host_prefix(r, 2, NULL, 0, h[0].h.addr, &v, &needed,
					err, sizeof(err)),
			 0);
	assert_false(needed);
}

static void test_dedup_and_overflow(void **state)
{
	(void)state;
	struct egress_rule r[40];
	for (int i = 0; i < 20; i++)
		r[i] = R("10.0.0.0/8", 7, 0, 65535, EGRESS_DENY, (uint32_t)i,
			 false);
	struct ec_prefix *p;
	size_t np;
	char err[200];
	/* twenty identical denies: the first covers the rest */
	assert_int_equal(ec_compile(r, 20, NULL, 0, &p, &np, err, sizeof(err)),
			 0);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].val.n, 1);
	assert_int_equal(p[0].val.e[0].rule, 0);
	free(p);
	/* seventeen distinct ports over one block: too many for a prefix */
	for (int i = 0; i < 17; i++)
		r[i] = R("10.0.0.0/8", 1, (uint16_t)(100 + i),
			 (uint16_t)(100 + i), EGRESS_ALLOW, (uint32_t)i, false);
	assert_int_equal(ec_compile(r, 17, NULL, 0, &p, &np, err, sizeof(err)),
			 -E2BIG);
	assert_non_null(strstr(err, "10.0.0.0/8"));
	/* bad input */
	r[0] = R("10.0.0.0/8", 1, 5, 4, EGRESS_ALLOW, 0, false);
	assert_int_equal(ec_compile(r, 1, NULL, 0, &p, &np, err, sizeof(err)),
			 -EINVAL);
	r[0] = R("10.0.0.1/8", 1, 0, 4, EGRESS_ALLOW, 0, false);
	assert_int_equal(ec_compile(r, 1, NULL, 0, &p, &np, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "host bits"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matches_engine),
	    cmocka_unit_test(test_hosts_and_expiry),
	    cmocka_unit_test(test_dedup_and_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
