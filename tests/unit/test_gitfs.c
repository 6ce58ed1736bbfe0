/* SPDX-License-Identifier: MIT */
/*
 * gitfs's reads (policyd/engine/gitfs.c): a file is read whole in one read
 * when it comes to its size (one byte more is asked for), a file whose
 * size says nothing (procfs: 0) is read until the end, a file over the cap
 * is refused, the prefix git reads of HEAD is the start of the same
 * content a later whole read gets, and what a decision read once it sees
 * again (the memory) even when the file changed since.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitint.h"

TG_TEST_TMPDIR(tmp, "/tmp/tg-gitfs-XXXXXX")

static void put(const char *name, const char *data, size_t len, char *path,
		size_t pathsz)
{
	snprintf(path, pathsz, "%s/%s", tmp, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void fs_open(struct gitfs *fs)
{
	struct git_ctx ctx = {.root = "", .cwd = "/"};
	assert_int_equal(gitfs_open(fs, &ctx), 0);
}

static void test_whole_file(void **state)
{
	(void)state;
	char p[256];
	put("HEAD", "ref: refs/heads/main\n", 21, p, sizeof(p));
	struct gitfs fs;
	fs_open(&fs);
	char *t = NULL;
	size_t len = 0;
	assert_int_equal(gitfs_read(&fs, p, GIT_FILE_MAX, &t, &len), 0);
	assert_int_equal(len, 21);
	assert_string_equal(t, "ref: refs/heads/main\n");
	free(t);
	/* an empty file: "" */
	put("empty", "", 0, p, sizeof(p));
	assert_int_equal(gitfs_read(&fs, p, GIT_FILE_MAX, &t, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(t, "");
	free(t);
	gitfs_close(&fs);
}

/* procfs files are regular with size 0 and come a record per read: all
 * of one is read, not what its size says */
static void test_size_zero_procfs(void **state)
{
	(void)state;
	struct gitfs fs;
	fs_open(&fs);
	char *t = NULL;
	size_t len = 0;
	struct stat st;
	assert_int_equal(stat("/proc/self/status", &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(
	    gitfs_read(&fs, "/proc/self/status", GIT_FILE_MAX, &t, &len), 0);
	assert_true(len > 200);
	assert_non_null(strstr(t, "Name:"));
	/* the last line of the file (the kernel's order) */
	assert_non_null(strstr(t, "nonvoluntary_ctxt_switches:"));
	assert_int_equal(t[len - 1], '\n');
	free(t);
	/* smaps is over a page: its first read comes short of what was asked
	 * (whole records only), which is not its end */
	assert_int_equal(
	    gitfs_read(&fs, "/proc/self/smaps", GIT_FILE_MAX, &t, &len), 0);
	assert_true(len > 8192);
	char *last = memrchr(t, '\n', len - 1);
	assert_non_null(last);
	assert_int_equal(strncmp(last + 1, "VmFlags:", 8), 0);
	free(t);
	gitfs_close(&fs);
}

static void test_cap_and_prefix(void **state)
{
	(void)state;
	char p[256];
	size_t big = GIT_FILE_MAX + 10;
	char *data = malloc(big);
	assert_non_null(data);
	memset(data, 'a', big);
	memcpy(data, "0123456789", 10);
	put("big", data, big, p, sizeof(p));
	free(data);
	struct gitfs fs;
	fs_open(&fs);
	char *t = NULL;
	size_t len = 0;
	assert_int_equal(gitfs_read(&fs, p, GIT_FILE_MAX, &t, &len), -EFBIG);
	/* git reads HEAD's first 255 bytes whatever its size */
	char buf[256];
	assert_int_equal(gitfs_read_prefix(&fs, p, buf, sizeof(buf)), 255);
	assert_int_equal(strncmp(buf, "0123456789aaa", 13), 0);
	assert_int_equal(strlen(buf), 255);
	gitfs_close(&fs);
}

/* HEAD's prefix, then the whole of it: one content for the decision, even
 * when the file changes between the two */
static void test_prefix_then_whole(void **state)
{
	(void)state;
	char p[256];
	put("HEAD2", "ref: refs/heads/one\n", 20, p, sizeof(p));
	struct gitfs fs;
	fs_open(&fs);
	char buf[8];
	assert_int_equal(gitfs_read_prefix(&fs, p, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "ref: re");
	put("HEAD2", "ref: refs/heads/another-branch\n", 31, p, sizeof(p));
	char *t = NULL;
	size_t len = 0;
	assert_int_equal(gitfs_read(&fs, p, GIT_FILE_MAX, &t, &len), 0);
	assert_string_equal(t, "ref: refs/heads/one\n");
	free(t);
	gitfs_close(&fs);
	/* a new decision reads it anew */
	fs_open(&fs);
	assert_int_equal(gitfs_read(&fs, p, GIT_FILE_MAX, &t, &len), 0);
	assert_int_equal(len, 31);
	assert_string_equal(t, "ref: refs/heads/another-branch\n");
	free(t);
	/* not a regular file: refused as before */
	assert_int_equal(gitfs_read_prefix(&fs, tmp, buf, sizeof(buf)),
			 -EISDIR);
	assert_int_equal(gitfs_read_prefix(&fs, "/dev/null", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "");
	gitfs_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_file),
	    cmocka_unit_test(test_size_zero_procfs),
	    cmocka_unit_test(test_cap_and_prefix),
	    cmocka_unit_test(test_prefix_then_whole),
	};
	return cmocka_run_group_tests(tests, tmp_make, tmp_remove);
}
