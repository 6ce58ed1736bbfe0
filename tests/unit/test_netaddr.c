/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "netaddr.h"

static bool in(const char *cidr, const char *addr)
{
	struct tg_cidr c;
	struct tg_addr a;
	const char *err;
	if (tg_cidr_parse(cidr, &c, &err) < 0)
		fail_msg("cidr %s: %s", cidr, err);
	if (tg_addr_parse(addr, &a) < 0)
		fail_msg("addr %s", addr);
	return tg_cidr_contains(&c, &a);
}

static void test_v4(void **state)
{
	(void)state;
	assert_true(in("10.1.0.0/16", "10.1.2.3"));
	assert_false(in("10.1.0.0/16", "10.2.0.1"));
	assert_true(in("0.0.0.0/0", "8.8.8.8"));
	assert_true(in("192.168.1.7", "192.168.1.7"));
	assert_false(in("192.168.1.7", "192.168.1.8"));
	assert_true(in("172.16.0.0/12", "172.31.255.255"));
	assert_false(in("172.16.0.0/12", "172.32.0.0"));
	assert_true(in("10.0.0.0/9", "10.127.0.1"));
	assert_false(in("10.0.0.0/9", "10.128.0.1"));
}

static void test_v6_and_mapped(void **state)
{
	(void)state;
	assert_true(in("fd00::/8", "fd12:3456::1"));
	assert_false(in("fd00::/8", "fe80::1"));
	assert_true(in("::1/128", "::1"));
	/* IPv4-mapped IPv6 is the IPv4 address */
	assert_true(in("10.1.0.0/16", "::ffff:10.1.2.3"));
	assert_true(in("::ffff:10.1.0.0/112", "10.1.9.9"));
	assert_false(in("10.1.0.0/16", "::ffff:10.2.0.1"));
	/* a v4 CIDR never matches a real v6 address */
	assert_false(in("0.0.0.0/0", "2001:db8::1"));
	assert_true(in("::/0", "10.0.0.1"));
	assert_true(in("[::1]", "::1"));
}

static void test_errors(void **state)
{
	(void)state;
	struct tg_cidr c;
	const char *err;
	assert_int_equal(tg_cidr_parse("10.1.2.3/16", &c, &err), -EINVAL);
	assert_non_null(strstr(err, "bits set"));
	assert_int_equal(tg_cidr_parse("10.0.0.0/33", &c, &err), -EINVAL);
	assert_int_equal(tg_cidr_parse("fd00::/129", &c, &err), -EINVAL);
	assert_int_equal(tg_cidr_parse("10.0.0/8", &c, &err), -EINVAL);
	assert_int_equal(tg_cidr_parse("10.0.0.0/", &c, &err), -EINVAL);
	assert_int_equal(tg_cidr_parse("10.0.0.0/8x", &c, &err), -EINVAL);
	assert_int_equal(tg_cidr_parse("nonsense", &c, &err), -EINVAL);
	struct tg_addr a;
	assert_int_equal(tg_addr_parse("1.2.3.4.5", &a), -EINVAL);
	assert_int_equal(tg_addr_parse("", &a), -EINVAL);
}

static void test_covers(void **state)
{
	(void)state;
	struct tg_cidr a, b;
	const char *err;
	assert_int_equal(tg_cidr_parse("10.0.0.0/8", &a, &err), 0);
	assert_int_equal(tg_cidr_parse("10.1.0.0/16", &b, &err), 0);
	assert_true(tg_cidr_covers(&a, &b));
	assert_false(tg_cidr_covers(&b, &a));
}

static void test_hosts(void **state)
{
	(void)state;
	const char *err;
	assert_int_equal(tg_host_pattern_check("registry.example.org", &err),
			 0);
	assert_int_equal(tg_host_pattern_check("*.example.org", &err), 0);
	assert_int_equal(tg_host_pattern_check("*", &err), 0);
	assert_int_equal(tg_host_pattern_check("a.*.org", &err), -EINVAL);
	assert_int_equal(tg_host_pattern_check("Example.org", &err), -EINVAL);
	assert_int_equal(tg_host_pattern_check("a..b", &err), -EINVAL);
	assert_int_equal(tg_host_pattern_check("bad host", &err), -EINVAL);
	char h[256];
	assert_int_equal(tg_host_normalize("API.Example.ORG.", h, sizeof(h)),
			 0);
	assert_string_equal(h, "api.example.org");
	assert_true(tg_host_match("*.example.org", "api.example.org"));
	assert_true(tg_host_match("*.example.org", "a.b.example.org"));
	assert_false(tg_host_match("*.example.org", "example.org"));
	assert_false(tg_host_match("*.example.org", "badexample.org"));
	assert_true(tg_host_match("example.org", "example.org"));
	assert_false(tg_host_match("example.org", "www.example.org"));
	assert_true(tg_host_match("*", "anything.at.all"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v4),	   cmocka_unit_test(test_v6_and_mapped),
	    cmocka_unit_test(test_errors), cmocka_unit_test(test_covers),
	    cmocka_unit_test(test_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
