/* SPDX-License-Identifier: MIT */
/* sys.c: programs known by identity, and renamed copies of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

#define LDSO "/lib64/ld-linux-x86-64.so.2"

static void write_file(const char *path, const void *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
}

static void test_loader_copies(void **state)
{
	(void)state;
	assert_true(sys_is_loader(LDSO));
	struct stat ls;
	assert_int_equal(stat(LDSO, &ls), 0);
	size_t n = (size_t)ls.st_size;
	char *orig = malloc(n), *zero = calloc(1, n);
	assert_non_null(orig);
	assert_non_null(zero);
	FILE *f = fopen(LDSO, "rb");
	assert_non_null(f);
	assert_int_equal(fread(orig, 1, n, f), n);
	fclose(f);

	char tmp[] = "/tmp/tg-test-sys-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	/* the loader's size, other bytes: not the loader (and remembered) */
	write_file(tmp, zero, n);
	/* answers are kept only for files whose ctime has settled */
	struct stat fresh;
	assert_int_equal(stat(tmp, &fresh), 0);
	assert_false(sys_ctime_settled(&fresh));
	usleep(150 * 1000);
	assert_true(sys_ctime_settled(&fresh));
	assert_false(sys_is_loader(tmp));
	struct stat before;
	assert_int_equal(stat(tmp, &before), 0);
	/* the loader's bytes, with the old mtime put back: the answer must
	 * not come from the cache (its key is ctime, which cannot be reset) */
	write_file(tmp, orig, n);
	struct timespec ts[2] = {before.st_atim, before.st_mtim};
	assert_int_equal(utimensat(AT_FDCWD, tmp, ts, 0), 0);
	assert_true(sys_is_loader(tmp));
	assert_false(sys_is_git(tmp));
	/* a small file and a directory are nothing */
	assert_false(sys_is_loader("/etc/hostname"));
	assert_false(sys_is_loader("/tmp"));
	assert_false(sys_is_loader("/nonexistent/ld.so"));
	unlink(tmp);
	free(orig);
	free(zero);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loader_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
