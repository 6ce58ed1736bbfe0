/* SPDX-License-Identifier: MIT */
/* dnsmsg: names, pointers, records, strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "dnsmsg.h"

static int read_at(const uint8_t *m, size_t len, size_t off, bool strict,
		   char *out, size_t *end)
{
	size_t o = off;
	int r = dns_name_read(m, len, &o, strict, out);
	if (end)
		*end = o;
	return r;
}

static void test_plain_and_case(void **state)
{
	(void)state;
	const uint8_t m[] = {3,	  'W', 'w', 'W', 7,   'E', 'x', 'a', 'm',
			     'p', 'l', 'e', 3,	 'c', 'O', 'm', 0};
	char out[DNS_NAME_BUF];
	size_t end;
	assert_int_equal(read_at(m, sizeof(m), 0, true, out, &end), 0);
	assert_string_equal(out, "www.example.com");
	assert_int_equal(end, sizeof(m));
	const uint8_t root[] = {0};
	assert_int_equal(read_at(root, 1, 0, true, out, &end), 0);
	assert_string_equal(out, "");
	assert_int_equal(end, 1);
}

static void test_pointers(void **state)
{
	(void)state;
	/* "example.com" at 0, then "www" + pointer to 0 at 13 */
	const uint8_t m[] = {7,	  'e', 'x', 'a', 'm', 'p', 'l', 'e',  3, 'c',
			     'o', 'm', 0,   3,	 'w', 'w', 'w', 0xc0, 0};
	char out[DNS_NAME_BUF];
	size_t end;
	assert_int_equal(read_at(m, sizeof(m), 13, true, out, &end), 0);
	assert_string_equal(out, "www.example.com");
	assert_int_equal(end, sizeof(m)); /* past the pointer, not its target */
	/* a pointer to itself, and one forwards */
	const uint8_t self[] = {0xc0, 0};
	assert_int_equal(read_at(self, 2, 0, true, out, NULL), -ELOOP);
	const uint8_t fwd[] = {0xc0, 2, 0};
	assert_int_equal(read_at(fwd, 3, 0, true, out, NULL), -ELOOP);
	/* backwards pointers that go round: 2: "a" then pointer to 2 (at 4,
	 * pointing back to 2): every jump is backwards, the count stops it */
	const uint8_t loop[] = {0, 0, 1, 'a', 0xc0, 2, 0xc0, 4};
	assert_int_equal(read_at(loop, sizeof(loop), 6, true, out, NULL),
			 -ELOOP);
	/* a pointer cut short */
	const uint8_t cut[] = {3, 'w', 'w', 'w', 0xc0};
	assert_int_equal(read_at(cut, sizeof(cut), 0, true, out, NULL),
			 -EBADMSG);
}

static void test_bounds(void **state)
{
	(void)state;
	char out[DNS_NAME_BUF];
	/* label longer than the message */
	const uint8_t m1[] = {5, 'a', 'b'};
	assert_int_equal(read_at(m1, sizeof(m1), 0, true, out, NULL), -EBADMSG);
	/* no terminating zero */
	const uint8_t m2[] = {1, 'a'};
	assert_int_equal(read_at(m2, sizeof(m2), 0, true, out, NULL), -EBADMSG);
	/* extended label types 0x40 and 0x80 */
	const uint8_t m3[] = {0x41, 'a', 0};
	assert_int_equal(read_at(m3, sizeof(m3), 0, true, out, NULL), -EBADMSG);
	const uint8_t m4[] = {0x80, 0};
	assert_int_equal(read_at(m4, sizeof(m4), 0, true, out, NULL), -EBADMSG);
	/* 256 bytes on the wire: four labels of 63 (4 * 64 = 256) */
	uint8_t big[300];
	size_t o = 0;
	for (int i = 0; i < 4; i++) {
		big[o++] = 63;
		memset(big + o, 'a', 63);
		o += 63;
	}
	big[o++] = 0;
	assert_int_equal(read_at(big, o, 0, false, out, NULL), -EBADMSG);
	/* 255 bytes: three of 63 and one of 61 */
	big[3 * 64] = 61;
	memset(big + 3 * 64 + 1, 'b', 61);
	big[3 * 64 + 62] = 0;
	assert_int_equal(read_at(big, 3 * 64 + 63, 0, true, out, NULL), 0);
	assert_int_equal(strlen(out), 253);
}

static void test_strict(void **state)
{
	(void)state;
	char out[DNS_NAME_BUF];
	const uint8_t dot[] = {3, 'a', '.', 'b', 0};
	assert_int_equal(read_at(dot, sizeof(dot), 0, true, out, NULL),
			 -EINVAL);
	assert_int_equal(read_at(dot, sizeof(dot), 0, false, out, NULL), 0);
	assert_string_equal(out, "a?b");
	const uint8_t nul[] = {2, 'a', 0, 0};
	assert_int_equal(read_at(nul, sizeof(nul), 0, true, out, NULL),
			 -EINVAL);
	const uint8_t ok[] = {5, '_', 'a', '-', '9', 'Z', 0};
	assert_int_equal(read_at(ok, sizeof(ok), 0, true, out, NULL), 0);
	assert_string_equal(out, "_a-9z");
}

static void test_write(void **state)
{
	(void)state;
	uint8_t buf[300];
	char out[DNS_NAME_BUF];
	size_t n, off = 0;
	assert_int_equal(
	    dns_name_write("api.example.org", buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 17);
	assert_int_equal(dns_name_read(buf, n, &off, true, out), 0);
	assert_string_equal(out, "api.example.org");
	assert_int_equal(dns_name_write("a..b", buf, sizeof(buf), &n), -EINVAL);
	char longlabel[80];
	memset(longlabel, 'x', 64);
	longlabel[64] = '\0';
	assert_int_equal(dns_name_write(longlabel, buf, sizeof(buf), &n),
			 -EINVAL);
	assert_int_equal(dns_name_write("abc", buf, 4, &n), -ENOSPC);
	assert_int_equal(dns_name_write("", buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 1);
}

static void test_rr(void **state)
{
	(void)state;
	const uint8_t m[] = {1,	   'a',	 0, 0, 1,  0, 1, 0, 0,
			     0x0e, 0x10, 0, 4, 10, 0, 0, 1};
	struct dns_rr rr;
	size_t off = 0;
	assert_int_equal(dns_rr_read(m, sizeof(m), &off, &rr), 0);
	assert_string_equal(rr.name, "a");
	assert_int_equal(rr.type, DNS_T_A);
	assert_int_equal(rr.ttl, 3600);
	assert_int_equal(rr.rdlen, 4);
	assert_int_equal(off, sizeof(m));
	/* rdata past the end */
	off = 0;
	assert_int_equal(dns_rr_read(m, sizeof(m) - 1, &off, &rr), -EBADMSG);
	struct dns_hdr h;
	assert_int_equal(dns_hdr_read(m, 11, &h), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_and_case),
	    cmocka_unit_test(test_pointers),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_strict),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test(test_rr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
