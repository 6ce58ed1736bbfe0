/* SPDX-License-Identifier: MIT */
/*
 * chase: paths resolved as a caller sees them, for fake callers whose cwd,
 * descriptors and root are links in a fake /proc (fakeproc.h) and whose
 * files are a real tree: relative names, dirfds, ".." after a symlink,
 * /proc/self, symlinks followed or not (CHASE_PARENT), another root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chase.h"
#include "fakeproc.h"
#include "procfs.h"
#include "tmpdir.h"

TG_TEST_TMPDIR(top, "/tmp/tg-chase-XXXXXX")

static char W[1024], CHROOT[1024], PROC[1024];

/* above any pid_max (PID_MAX_LIMIT is 4194304): no real process */
#define PID_HERE 4194402      /* cwd W, policyd's root */
#define PID_ELSEWHERE 4194403 /* root CHROOT */

static void mk(const char *fmt, const char *rel)
{
	char p[4200];
	snprintf(p, sizeof(p), fmt, W, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void ln(const char *base, const char *rel, const char *to)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	assert_int_equal(symlink(to, p), 0);
}

static int setup(void **state)
{
	if (top_make(state) < 0)
		return -1;
	char *real_top = realpath(top, NULL);
	if (!real_top)
		return -1;
	snprintf(W, sizeof(W), "%s/w", real_top);
	snprintf(CHROOT, sizeof(CHROOT), "%s/chroot", real_top);
	snprintf(PROC, sizeof(PROC), "%s/proc", real_top);
	free(real_top);
	mkdir(W, 0700);
	mkdir(CHROOT, 0700);
	mk("%s/%s", "sub");
	mk("%s/%s", "sub/deep");
	ln(W, "ln", "sub/deep");       /* ln -> sub/deep */
	ln(W, "dangling", "sub/made"); /* a name that does not exist */
	ln(W, "abs", "/");	       /* an absolute link */
	char p[2048];
	snprintf(p, sizeof(p), "%s/etc", CHROOT);
	mkdir(p, 0700);
	ln(CHROOT, "etc/link", "/etc/target"); /* absolute, in its root */
	struct fake_proc here = {
	    .pid = PID_HERE, .ppid = 1, .cwd = W, .root = "/"};
	struct fake_proc there = {
	    .pid = PID_ELSEWHERE, .ppid = 1, .cwd = "/", .root = CHROOT};
	if (fake_proc(PROC, &here) < 0 || fake_proc(PROC, &there) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sub", W);
	fake_fd(PROC, PID_HERE, 5, p);
	fake_fd(PROC, PID_HERE, 7, "pipe:[4711]");
	procfs_set_root(PROC);
	return 0;
}

static int teardown(void **state)
{
	procfs_set_root(NULL);
	return top_remove(state);
}

struct chase_case {
	pid_t pid;
	int dirfd;
	const char *path;
	unsigned flags;
	int ret;
	const char *want; /* "%W" stands for the workspace */
};

#define HERE PID_HERE
#define THERE PID_ELSEWHERE
#define FOLLOW CHASE_FOLLOW
#define PARENT (CHASE_FOLLOW | CHASE_PARENT)

/* clang-format off */
static const struct chase_case cases[] = {
    /* lexical */
    {HERE, AT_FDCWD, "a/b", 0, 0, "%W/a/b"},
    {HERE, AT_FDCWD, "./a//b/", 0, 0, "%W/a/b"},
    /* ".." after a name that is not there folds; after a symlink it is
     * the parent of the link's target */
    {HERE, AT_FDCWD, "x/../y", 0, 0, "%W/y"},
    {HERE, AT_FDCWD, "ln/../y", 0, 0, "%W/sub/y"},
    {HERE, AT_FDCWD, "/..", 0, 0, "/"},
    /* a lexical result keeps its symlinks */
    {HERE, AT_FDCWD, "ln/z", 0, 0, "%W/ln/z"},
    /* the caller's /proc/self, however spelled */
    {HERE, AT_FDCWD, "/proc/self/fd/3", 0, 0, "/proc/4194402/fd/3"},
    {HERE, AT_FDCWD, "/proc//thread-self/x", 0, 0, "/proc/4194402/x"},
    {HERE, AT_FDCWD, "/proc/selfish", 0, 0, "/proc/selfish"},
    /* relative to a descriptor; none there; not a directory */
    {HERE, 5, "y", 0, 0, "%W/sub/y"},
    {HERE, 6, "y", 0, -ENOENT, NULL},
    {HERE, -5, "y", 0, -EBADF, NULL},
    {HERE, 7, "y", 0, -ENOTDIR, NULL},
    {HERE, 5, "/abs/z", 0, 0, "/abs/z"}, /* absolute: dirfd unused */
    {HERE, AT_FDCWD, "", 0, -ENOENT, NULL},
    /* symlinks followed */
    {HERE, AT_FDCWD, "ln", FOLLOW, 0, "%W/sub/deep"},
    {HERE, AT_FDCWD, "ln/new/file", FOLLOW, 0, "%W/sub/deep/new/file"},
    /* creating through a dangling link creates its target */
    {HERE, AT_FDCWD, "dangling", FOLLOW, 0, "%W/sub/made"},
    {HERE, AT_FDCWD, "abs/tmp", FOLLOW, 0, "/tmp"},
    /* the last component as spelled, its directory followed */
    {HERE, AT_FDCWD, "ln", PARENT, 0, "%W/ln"},
    {HERE, AT_FDCWD, "ln/x", PARENT, 0, "%W/sub/deep/x"},
    {HERE, 5, "../ln", PARENT, 0, "%W/ln"},
    /* a lexical result is absolute */
    {HERE, AT_FDCWD, "w/ln", FOLLOW | CHASE_ABSOLUTE, -EINVAL, NULL},
    /* a caller in another root: absolute links are its root's, and
     * names come back as it sees them */
    {THERE, AT_FDCWD, "/etc/link", FOLLOW, 0, "/etc/target"},
    {THERE, AT_FDCWD, "/etc/new", FOLLOW, 0, "/etc/new"},
    {THERE, AT_FDCWD, "/etc/../..", FOLLOW, 0, "/"},
    {THERE, AT_FDCWD, "/etc/link", PARENT, 0, "/etc/link"},
};
/* clang-format on */

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct chase_case *k = &cases[i];
		struct caller c = {.pid = k->pid, .same_root = -1};
		char out[TG_PATH_MAX], want[TG_PATH_MAX];
		int r = chase(&c, k->dirfd, k->path, k->flags, out);
		if (r != k->ret)
			fail_msg("case %zu (%s): %d, not %d", i, k->path, r,
				 k->ret);
		if (r < 0)
			continue;
		if (!strncmp(k->want, "%W", 2))
			snprintf(want, sizeof(want), "%s%s", W, k->want + 2);
		else
			snprintf(want, sizeof(want), "%s", k->want);
		if (strcmp(out, want))
			fail_msg("case %zu (%s): %s, not %s", i, k->path, out,
				 want);
	}
}

/* ".." as the kernel takes it: a whole component, nothing else */
static void test_last_dotdot(void **state)
{
	(void)state;
	const char *p = "a/../b/../c";
	assert_ptr_equal(chase_last_dotdot(p), p + 9);
	p = "..";
	assert_ptr_equal(chase_last_dotdot(p), p + 2);
	p = "/x/..//y";
	assert_ptr_equal(chase_last_dotdot(p), p + 5);
	assert_null(chase_last_dotdot("a/..b/c"));
	assert_null(chase_last_dotdot("a/b../c"));
	assert_null(chase_last_dotdot("a/.../c"));
	assert_null(chase_last_dotdot("./a/./b"));
	assert_null(chase_last_dotdot(""));
}

static void test_absolute(void **state)
{
	(void)state;
	/* CHASE_ABSOLUTE takes the path as it is (no cwd, no dirfd) */
	struct caller c = {.pid = PID_HERE, .same_root = -1};
	char in[TG_PATH_MAX], out[TG_PATH_MAX];
	snprintf(in, sizeof(in), "%s/ln", W);
	assert_int_equal(chase(&c, 7, in, CHASE_FOLLOW | CHASE_ABSOLUTE, out),
			 0);
	snprintf(in, sizeof(in), "%s/sub/deep", W);
	assert_string_equal(out, in);
	assert_int_equal(chase(&c, 7, "/a/../b", CHASE_ABSOLUTE, out), 0);
	assert_string_equal(out, "/a/../b"); /* not lexical again */
	assert_true(caller_same_root(&c));
}

/* A caller in another root: what policyd names and opens is there. */
static void test_other_root(void **state)
{
	(void)state;
	struct caller c = {.pid = PID_ELSEWHERE, .same_root = -1};
	assert_false(caller_same_root(&c));
	char view[TG_PATH_MAX + 64], want[TG_PATH_MAX + 64];
	chase_view(&c, "/etc/link", view, sizeof(view));
	snprintf(want, sizeof(want), "%s/%d/root/etc/link", PROC,
		 PID_ELSEWHERE);
	assert_string_equal(view, want);
	/* policyd opens names in that root, never outside it */
	uint64_t resolve = 0;
	int rfd = chase_root(&c, &resolve);
	assert_true(rfd >= 0);
	assert_true(resolve & RESOLVE_IN_ROOT);
	assert_true(resolve & RESOLVE_NO_SYMLINKS);
	close(rfd);
	/* whether a name is there is not told for another root */
	assert_int_equal(chase_exists(&c, AT_FDCWD, "/etc", true), 1);
}

static void test_exists_cwd_root(void **state)
{
	(void)state;
	struct caller c = {.pid = PID_HERE, .same_root = -1};
	assert_int_equal(chase_exists(&c, AT_FDCWD, "sub", true), 0);
	assert_int_equal(chase_exists(&c, AT_FDCWD, "nothing", true), -ENOENT);
	assert_int_equal(chase_exists(&c, AT_FDCWD, "dangling", true), -ENOENT);
	assert_int_equal(chase_exists(&c, AT_FDCWD, "dangling", false), 0);
	assert_int_equal(chase_exists(&c, 5, "deep", true), 0);
	/* the caller's own /proc: decided as it is */
	assert_int_equal(chase_exists(&c, AT_FDCWD, "/proc/self/fd/0", true),
			 1);
	uint64_t resolve = 0;
	assert_int_equal(chase_root(&c, &resolve), AT_FDCWD);
	assert_false(resolve & RESOLVE_IN_ROOT);
	struct chase_cwd wd = {.c = &c};
	assert_string_equal(chase_cwd(&wd), W);
	struct caller gone = {.pid = 4194499, .same_root = -1};
	struct chase_cwd wd2 = {.c = &gone};
	assert_string_equal(chase_cwd(&wd2), "/");
	char out[TG_PATH_MAX];
	assert_true(chase(&gone, AT_FDCWD, "x", 0, out) < 0);
}

/* A notified caller's working directory is read once per call: both names
 * of a call and its audit line are resolved against one reading; a
 * connection's caller (not notified) reads it for each request. */
static void test_cwd_once_per_call(void **state)
{
	(void)state;
	char link[2048], out[TG_PATH_MAX], sub[2048];
	snprintf(link, sizeof(link), "%s/%d/cwd", PROC, PID_HERE);
	snprintf(sub, sizeof(sub), "%s/sub", W);
	struct caller k = {.pid = PID_HERE, .same_root = -1, .notified = true};
	struct caller peer = {.pid = PID_HERE, .same_root = -1};
	assert_int_equal(chase(&k, AT_FDCWD, "a", 0, out), 0);
	assert_true(strncmp(out, W, strlen(W)) == 0);
	assert_int_equal(caller_cwd(&peer, out, sizeof(out)), 0);
	assert_string_equal(out, W);
	/* the process changes directory meanwhile (another thread) */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(sub, link), 0);
	char want[4200];
	snprintf(want, sizeof(want), "%s/b", W);
	assert_int_equal(chase(&k, AT_FDCWD, "b", 0, out), 0);
	assert_string_equal(out, want);
	assert_int_equal(caller_cwd(&k, out, sizeof(out)), 0);
	assert_string_equal(out, W);
	assert_int_equal(caller_cwd(&peer, out, sizeof(out)), 0);
	assert_string_equal(out, sub);
	/* the next call (a new struct caller) sees the new one */
	struct caller k2 = {.pid = PID_HERE, .same_root = -1, .notified = true};
	assert_int_equal(caller_cwd(&k2, out, sizeof(out)), 0);
	assert_string_equal(out, sub);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(W, link), 0);
}

/* A notified call's literal open (chase_literal) is the answer its
 * decision's walk of the same name takes, for that call only; a name
 * through a symlink is -ELOOP and walked as before. */
static void test_literal_once_per_call(void **state)
{
	(void)state;
	char f[2048], out[TG_PATH_MAX], deep[2048], ln_abs[2048];
	snprintf(f, sizeof(f), "%s/lit", W);
	snprintf(deep, sizeof(deep), "%s/sub/deep", W);
	snprintf(ln_abs, sizeof(ln_abs), "%s/ln", W);
	int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct caller k = {.pid = PID_HERE, .same_root = -1, .notified = true};
	assert_int_equal(chase_literal(&k, f), 0);
	assert_int_equal(chase_literal(&k, ln_abs), -ELOOP);
	/* not for a connection's caller, nor in /proc */
	struct caller peer = {.pid = PID_HERE, .same_root = -1};
	assert_int_equal(chase_literal(&peer, f), -EINVAL);
	assert_int_equal(chase_literal(&k, "/proc/self"), -EINVAL);
	/* -ELOOP noted: the walk follows the link */
	assert_int_equal(chase(&k, AT_FDCWD, "ln", CHASE_FOLLOW, out), 0);
	assert_string_equal(out, deep);
	/* the name becomes a symlink after this call's literal open: the
	 * call's walk takes the open's answer, the next call sees the link */
	struct caller k1 = {.pid = PID_HERE, .same_root = -1, .notified = true};
	assert_int_equal(chase_literal(&k1, f), 0);
	assert_int_equal(unlink(f), 0);
	assert_int_equal(symlink("sub/deep", f), 0);
	assert_int_equal(chase(&k1, AT_FDCWD, "lit", CHASE_FOLLOW, out), 0);
	assert_string_equal(out, f);
	struct caller k2 = {.pid = PID_HERE, .same_root = -1, .notified = true};
	assert_int_equal(chase(&k2, AT_FDCWD, "lit", CHASE_FOLLOW, out), 0);
	assert_string_equal(out, deep);
	assert_int_equal(unlink(f), 0);
}

/* A file call's decision keeps the directory its walk opened
 * (keep_dir): the same directory, taken once; none through a symlink
 * or for a caller that may not keep one. */
static void test_kept_dir(void **state)
{
	(void)state;
	char sub[2048], out[TG_PATH_MAX], deep[2048];
	snprintf(sub, sizeof(sub), "%s/sub", W);
	snprintf(deep, sizeof(deep), "%s/sub/deep", W);
	struct caller k = {.pid = PID_HERE,
			   .same_root = -1,
			   .notified = true,
			   .keep_dir = true};
	assert_int_equal(
	    chase(&k, AT_FDCWD, "sub/new", CHASE_FOLLOW | CHASE_PARENT, out),
	    0);
	assert_int_equal(chase_kept_dir(&k, deep), -1); /* another one */
	int fd = chase_kept_dir(&k, sub);
	assert_true(fd >= 0);
	struct stat a, b;
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(sub, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(fd);
	assert_int_equal(chase_kept_dir(&k, sub), -1); /* taken */
	/* through a symlink: walked following it, nothing kept */
	struct caller k1 = {.pid = PID_HERE,
			    .same_root = -1,
			    .notified = true,
			    .keep_dir = true};
	assert_int_equal(
	    chase(&k1, AT_FDCWD, "ln/new", CHASE_FOLLOW | CHASE_PARENT, out),
	    0);
	assert_int_equal(chase_kept_dir(&k1, deep), -1);
	chase_kept_close(&k1);
	struct caller k2 = {.pid = PID_HERE, .same_root = -1, .notified = true};
	assert_int_equal(
	    chase(&k2, AT_FDCWD, "sub/new", CHASE_FOLLOW | CHASE_PARENT, out),
	    0);
	assert_int_equal(chase_kept_dir(&k2, sub), -1);
	chase_kept_close(&k2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_last_dotdot),
	    cmocka_unit_test(test_absolute),
	    cmocka_unit_test(test_other_root),
	    cmocka_unit_test(test_exists_cwd_root),
	    cmocka_unit_test(test_cwd_once_per_call),
	    cmocka_unit_test(test_literal_once_per_call),
	    cmocka_unit_test(test_kept_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
