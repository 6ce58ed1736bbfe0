/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "util.h"

static const char *norm(const char *cwd, const char *p)
{
	static char out[TG_PATH_MAX];
	int r = tg_path_normalize(cwd, p, out, sizeof(out));
	if (r < 0)
		return NULL;
	return out;
}

static void test_normalize(void **state)
{
	(void)state;
	assert_string_equal(norm("/", "/a//b/./c/"), "/a/b/c");
	assert_string_equal(norm("/", "/a/b/../c"), "/a/c");
	assert_string_equal(norm("/", "/../../x"), "/x");
	assert_string_equal(norm("/home/u/w", "src/../lib/./x.c"),
			    "/home/u/w/lib/x.c");
	assert_string_equal(norm("/home/u/w", "../../.ssh/id_rsa"),
			    "/home/.ssh/id_rsa");
	assert_string_equal(norm("/", "/"), "/");
	assert_string_equal(norm("/a", ".."), "/");
	assert_string_equal(norm("/a/b", "."), "/a/b");
	assert_string_equal(norm("/", "/a/...b/.."), "/a");
	assert_null(norm(NULL, "relative"));
	assert_null(norm("/", ""));
	char small[8];
	assert_int_equal(
	    tg_path_normalize("/", "/abcdefghijk", small, sizeof(small)),
	    -ENAMETOOLONG);
}

static void test_units(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(tg_parse_duration_ms("120s", &v), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(tg_parse_duration_ms("2m", &v), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(tg_parse_duration_ms("90", &v), 0);
	assert_int_equal(v, 90000);
	assert_int_equal(tg_parse_duration_ms("250ms", &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(tg_parse_duration_ms("1h", &v), 0);
	assert_int_equal(v, 3600000);
	assert_int_equal(tg_parse_duration_ms("soon", &v), -EINVAL);
	assert_int_equal(tg_parse_duration_ms("5 parsecs", &v), -EINVAL);
	assert_int_equal(tg_parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(tg_parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(tg_parse_size("10MB", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(tg_parse_size("99999999999999999999GiB", &v), -ERANGE);
	assert_int_equal(tg_parse_rate("10MiB/s", true, &v), 0);
	assert_int_equal(v, 10u << 20);
	assert_int_equal(tg_parse_rate("50/s", false, &v), 0);
	assert_int_equal(v, 50);
	assert_int_equal(tg_parse_rate("600/m", false, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(tg_parse_rate("1/h", false, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(tg_parse_rate("50", false, &v), -EINVAL);
	assert_int_equal(tg_parse_rate("x/s", false, &v), -EINVAL);
}

static void test_split(void **state)
{
	(void)state;
	char **v;
	size_t n;
	assert_int_equal(
	    tg_split_words("git  commit -m 'a b' \"c\\\"d\"", false, &v, &n),
	    0);
	assert_int_equal(n, 5);
	assert_string_equal(v[3], "a b");
	assert_string_equal(v[4], "c\"d");
	tg_strv_free(v);
	/* quoted glob characters become escaped in pattern mode */
	assert_int_equal(tg_split_words("rm '*'", true, &v, &n), 0);
	assert_string_equal(v[1], "\\*");
	tg_strv_free(v);
	assert_int_equal(tg_split_words("unterminated 'quote", false, &v, &n),
			 -EINVAL);
	assert_int_equal(tg_split_words("trailing \\", false, &v, &n), -EINVAL);
	assert_int_equal(tg_split_words("   ", false, &v, &n), 0);
	assert_int_equal(n, 0);
	tg_strv_free(v);
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(tg_edit_distance("acess", "access", 2), 1);
	assert_int_equal(tg_edit_distance("pth", "path", 2), 1);
	assert_int_equal(tg_edit_distance("completely", "different", 2), 3);
}

static void test_strbuf(void **state)
{
	(void)state;
	struct strbuf b = {0};
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%d,", i);
	assert_true(b.len > 3000);
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&b, "%s", big);
	char *s = strbuf_steal(&b);
	assert_non_null(s);
	assert_int_equal(s[strlen(s) - 1], 'x');
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_edit_distance),
	    cmocka_unit_test(test_strbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
