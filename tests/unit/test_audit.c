/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

static void test_format_escapes(void **state)
{
	(void)state;
	const char *argv[] = {"echo", "a\"b\\c\nd\x01"};
	struct audit_rec r = {.ts_us = 1700000000123456ULL,
			      .session = "s1",
			      .pid = 10,
			      .ppid = 9,
			      .uid = 1000,
			      .exe = "/bin/echo",
			      .argv = argv,
			      .argc = 2,
			      .cwd = "/w",
			      .kind = "exec",
			      .target = "/bin/echo",
			      .rule = "r1",
			      .tier = 2,
			      .action = "log",
			      .decision = "allowed",
			      .latency_us = 42};
	char *s = audit_format(&r);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"ts\":\"2023-11-14T22:13:20.123456Z\""));
	assert_non_null(
	    strstr(s, "\"argv\":[\"echo\",\"a\\\"b\\\\c\\nd\\u0001\"]"));
	assert_non_null(strstr(s, "\"tier\":2,\"action\":\"log\",\"decision\":"
				  "\"allowed\",\"latency_us\":42"));
	/* exactly one line */
	assert_int_equal(strchr(s, '\n') - s, (long)strlen(s) - 1);
	free(s);
}

static void test_truncation(void **state)
{
	(void)state;
	char *big = malloc(10000);
	memset(big, 'x', 9999);
	big[9999] = '\0';
	struct audit_rec r = {
	    .session = "s", .kind = "open", .target = big, .tier = -1};
	char *s = audit_format(&r);
	assert_non_null(strstr(s, "...[+5903 bytes]"));
	assert_non_null(strstr(s, "\"tier\":null"));
	free(s);
	free(big);
}

TG_TEST_TMPDIR(dir, "/tmp/tg-audit-XXXXXX")

static void test_rotation(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof(path), "%s/audit.jsonl", dir);
	struct audit *a = NULL;
	assert_int_equal(audit_open(path, 4096, &a), 0);
	struct audit_rec r = {.session = "s",
			      .kind = "open",
			      .target = "/some/path",
			      .rule = "r",
			      .tier = 2,
			      .action = "log",
			      .decision = "allowed"};
	for (int i = 0; i < 200; i++)
		assert_int_equal(audit_write(a, &r), 0);
	audit_close(a);
	struct stat st;
	char p1[300], p6[300];
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p6, sizeof(p6), "%s.6", path);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 4096);
	assert_int_equal(stat(p1, &st), 0);
	assert_true(st.st_size <= 4096);
	assert_int_not_equal(stat(p6, &st), 0); /* keeps 5 */
	/* every line in every file is whole */
	for (int k = 0; k <= 5; k++) {
		char f[300];
		if (k)
			snprintf(f, sizeof(f), "%s.%d", path, k);
		else
			snprintf(f, sizeof(f), "%s", path);
		FILE *fp = fopen(f, "re");
		if (!fp)
			continue;
		char line[4096];
		while (fgets(line, sizeof(line), fp)) {
			assert_int_equal(line[0], '{');
			assert_int_equal(line[strlen(line) - 1], '\n');
		}
		fclose(fp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_escapes),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test_setup_teardown(test_rotation, dir_make,
					    dir_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
