/* SPDX-License-Identifier: MIT */
/* The write trees a session's Landlock domain was given (landlock.c): a
 * name is covered when it, or a directory above it, is one of the trees
 * that existed when they were recorded, by device and inode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock.h"
#include "tmpdir.h"

TG_TEST_TMPDIR(top, "/tmp/tg-landlock-XXXXXX")

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
	return buf[i];
}

static void test_covers(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("ws"), 0700), 0);
	assert_int_equal(mkdir(at("ws/sub"), 0700), 0);
	assert_int_equal(mkdir(at("other"), 0700), 0);
	assert_int_equal(symlink("ws", at("link")), 0);
	const char *trees[] = {at("ws"), at("late"), at("link")};
	struct ll_bound *b = ll_bound_new(trees, 3);
	assert_non_null(b);
	/* a tree made after the bound was recorded is not in it */
	assert_int_equal(mkdir(at("late"), 0700), 0);
	assert_true(ll_bound_covers(b, at("ws"), 0));
	assert_true(ll_bound_covers(b, at("ws/sub/new-file"), 0));
	assert_true(ll_bound_covers(b, at("ws/missing/dir/f"), 0));
	assert_false(ll_bound_covers(b, at("other/f"), 0));
	assert_false(ll_bound_covers(b, at("late/f"), 0));
	assert_false(ll_bound_covers(b, at("f"), 0));
	/* a prefix standing for the caller's root: never walked above it */
	size_t root = strlen(top);
	assert_false(ll_bound_covers(b, at("other/f"), root));
	assert_true(ll_bound_covers(b, at("ws/f"), root));
	char d[2048];
	ll_bound_describe(b, d, sizeof(d));
	char want[2048];
	snprintf(want, sizeof(want), "%s, %s", at("ws"), at("link"));
	assert_string_equal(d, want);
	ll_bound_describe(b, d, 12);
	assert_string_equal(d + 8, "...");
	ll_bound_free(b);
	ll_bound_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_covers, top_make, top_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
