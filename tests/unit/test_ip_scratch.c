/* SPDX-License-Identifier: MIT */
/*
 * The session's scratch directory in the interposer (interposer/
 * ip_scratch.c, and TIERGATE_SCRATCH in ip_env.c): names joined and made
 * relative to TG_SCRATCH_FD, what is refused, the descriptor learned,
 * re-used, closed and taken, and real calls made through it, in a fresh
 * temporary directory held at TG_SCRATCH_FD by the test itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ip_env.h"
#include "ip_scratch.h"
#include "ip_state.h"
#include "tg_proto.h"

#define LIB "/usr/lib/tiergate/libtiergate-preload.so"

static char S[128];  /* the scratch directory (real path) */
static char SX[136]; /* S + "X": a sibling that S is a prefix of */
static char cwd0[PATH_MAX];
static char **saved_environ;
static char env_scratch[PATH_MAX + 32];
static char *env[] = {"PATH=/bin", "TIERGATE_SOCKET=/run/tg/agent.sock",
		      env_scratch, "TMPDIR=/tmp/elsewhere", NULL};

/* S + rel (a few at once) */
static const char *at(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, PATH_MAX, "%s%s", S, rel);
	return b;
}

/* TIERGATE_SCRATCH=value (NULL: none) as the session set it */
static void session(const char *value)
{
	if (value)
		snprintf(env_scratch, sizeof(env_scratch),
			 "TIERGATE_SCRATCH=%s", value);
	else
		snprintf(env_scratch, sizeof(env_scratch), "OTHER=1");
	environ = env;
	assert_int_equal(ip_env_init(LIB), 0);
	ip_active = true;
	ip_scratch_forget();
}

static void hold(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, TG_SCRATCH_FD), TG_SCRATCH_FD);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/tg-ipscratch-XXXXXX", real[PATH_MAX];
	if (!getcwd(cwd0, sizeof(cwd0)) || !mkdtemp(tmpl) ||
	    !realpath(tmpl, real) || strlen(real) >= sizeof(S))
		return -1;
	memcpy(S, real, strlen(real) + 1);
	snprintf(SX, sizeof(SX), "%sX", S);
	if (mkdir(SX, 0700) < 0 || mkdir(at("/sub"), 0700) < 0)
		return -1;
	saved_environ = environ;
	hold(S);
	session(S);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[3 * PATH_MAX];
	close(TG_SCRATCH_FD);
	environ = saved_environ;
	ip_active = false;
	if (chdir(cwd0) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", S, SX);
	return system(cmd) == 0 ? 0 : -1;
}

/* rel(dirfd, path) is want (NULL: not turned) */
static void rel_is(int dirfd, const char *path, const char *want)
{
	char buf[PATH_MAX];
	errno = 1234;
	const char *r = ip_scratch_rel(dirfd, path, buf);
	assert_int_equal(errno, 1234);
	if (!want && r)
		fail_msg("%d, %s: turned into %s", dirfd, path, r);
	if (want && (!r || strcmp(r, want)))
		fail_msg("%d, %s: %s, expected %s", dirfd, path,
			 r ? r : "(not turned)", want);
}

static void test_absolute(void **state)
{
	(void)state;
	rel_is(AT_FDCWD, at("/a"), "a");
	rel_is(AT_FDCWD, at("/a/b/"), "a/b/");
	rel_is(AT_FDCWD, at("//a"), "a"); /* never an absolute name */
	rel_is(AT_FDCWD, at("/./a"), "./a");
	rel_is(AT_FDCWD, at("/a/..b"), "a/..b");
	rel_is(AT_FDCWD, at("/..a"), "..a");
	rel_is(5, at("/a"), "a"); /* dirfd does not matter */
	/* the directory itself, or a way out of it */
	rel_is(AT_FDCWD, S, NULL);
	rel_is(AT_FDCWD, at("/"), NULL);
	rel_is(AT_FDCWD, at("///"), NULL);
	rel_is(AT_FDCWD, at("/.."), NULL);
	rel_is(AT_FDCWD, at("/a/../b"), NULL);
	rel_is(AT_FDCWD, at("/a/.."), NULL);
	/* a prefix of the name that is no directory of it */
	rel_is(AT_FDCWD, at("X/a"), NULL);
	rel_is(AT_FDCWD, "/etc/x", NULL);
	rel_is(AT_FDCWD, "", NULL);
	rel_is(AT_FDCWD, NULL, NULL);
	/* as long as the kernel takes: the name as it is */
	static char longp[PATH_MAX + 8];
	memset(longp, 'a', sizeof(longp) - 1);
	memcpy(longp, at("/"), strlen(S) + 1);
	for (size_t i = strlen(S) + 100; i < sizeof(longp) - 1; i += 100)
		longp[i] = '/';
	longp[PATH_MAX - 1] = '\0';
	rel_is(AT_FDCWD, longp, longp + strlen(S) + 1);
	longp[PATH_MAX - 1] = 'a';
	rel_is(AT_FDCWD, longp, NULL); /* ENAMETOOLONG: the normal way */
}

static void test_cwd_relative(void **state)
{
	(void)state;
	assert_int_equal(chdir(at("/sub")), 0);
	rel_is(AT_FDCWD, "x", "sub/x");
	rel_is(AT_FDCWD, "./x/y", "sub/./x/y");
	rel_is(AT_FDCWD, "../x", NULL);
	assert_int_equal(chdir(S), 0);
	rel_is(AT_FDCWD, "x", "x");
	assert_int_equal(chdir("/"), 0);
	rel_is(AT_FDCWD, at("/x") + 1, "x");
	assert_int_equal(chdir(SX), 0);
	rel_is(AT_FDCWD, "x", NULL);
}

static void test_dirfd_relative(void **state)
{
	(void)state;
	int d = open(at("/sub"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(d >= 0);
	rel_is(d, "x", "sub/x");
	rel_is(d, "../x", NULL);
	rel_is(d, at("/y"), "y");
	close(d);
	/* a descriptor of the sibling, and of no directory */
	d = open(SX, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rel_is(d, "x", NULL);
	close(d);
	d = open(at("/f"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	rel_is(d, "x", NULL);
	close(d);
	assert_int_equal(symlink("sub", at("/lnk")), 0);
	d = open(at("/lnk"), O_PATH | O_NOFOLLOW | O_CLOEXEC);
	rel_is(d, "x", NULL); /* the kernel says ENOTDIR, never follows */
	close(d);
	/* a directory removed since: " (deleted)" */
	assert_int_equal(mkdir(at("/gone"), 0700), 0);
	d = open(at("/gone"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(rmdir(at("/gone")), 0);
	rel_is(d, "x", NULL);
	close(d);
	rel_is(d, "x", NULL); /* closed */
	rel_is(-5, "x", NULL);
	/* the scratch descriptor itself */
	rel_is(TG_SCRATCH_FD, "x", "x");
	rel_is(TG_SCRATCH_FD, "a/../b", NULL);
}

static bool exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	int r = 99;
	errno = 1234;
	assert_true(ip_scratch_mkdir(AT_FDCWD, at("/d"), 0700, &r));
	assert_int_equal(r, 0);
	assert_int_equal(errno, 1234);
	struct stat st;
	assert_int_equal(stat(at("/d"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_true(ip_scratch_mkdir(AT_FDCWD, at("/d"), 0700, &r));
	assert_int_equal(r, -1);
	assert_int_equal(errno, EEXIST);

	int fd = -1;
	assert_true(ip_scratch_open(AT_FDCWD, at("/d/f"),
				    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				    0600, &fd));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_true(ip_scratch_open(AT_FDCWD, at("/d/f"),
				    O_WRONLY | O_CREAT | O_EXCL, 0600, &fd));
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EEXIST);

	/* relative to a directory descriptor, and to the cwd */
	int d = open(at("/d"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(ip_scratch_rename(d, "f", AT_FDCWD, at("/d/g"), 0, &r));
	assert_int_equal(r, 0);
	assert_false(exists(at("/d/f")));
	assert_true(exists(at("/d/g")));
	assert_int_equal(chdir(at("/d")), 0);
	assert_true(ip_scratch_link(AT_FDCWD, "g", d, "h", 0, &r));
	assert_int_equal(r, 0);
	assert_int_equal(stat(at("/d/h"), &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_true(ip_scratch_symlink("g", AT_FDCWD, "l", &r));
	assert_int_equal(r, 0);
	char t[16] = "";
	assert_int_equal(readlink(at("/d/l"), t, sizeof(t) - 1), 1);
	assert_string_equal(t, "g");
	assert_true(ip_scratch_rename(d, "g", d, "h", RENAME_NOREPLACE, &r));
	assert_int_equal(errno, EEXIST);
	assert_true(ip_scratch_unlink(d, "g", 0, &r));
	assert_int_equal(r, 0);
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d/g"), 0, &r));
	assert_int_equal(r, -1);
	assert_int_equal(errno, ENOENT);
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d"), AT_REMOVEDIR, &r));
	assert_int_equal(errno, ENOTEMPTY);
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d/h"), AT_REMOVEDIR, &r));
	assert_int_equal(errno, ENOTDIR);
	close(d);
	assert_int_equal(chdir("/"), 0);
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d/h"), 0, &r));
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d/l"), 0, &r));
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/d"), AT_REMOVEDIR, &r));
	assert_int_equal(r, 0);
	assert_false(exists(at("/d")));
}

/* what the filter does not let through, and what may not be turned: the
 * normal way, errno kept, nothing done */
static void test_not_turned(void **state)
{
	(void)state;
	int r = 99;
	errno = 1234;
	assert_false(
	    ip_scratch_open(AT_FDCWD, at("/f"), O_WRONLY | O_CREAT, 0600, &r));
	assert_false(
	    ip_scratch_open(AT_FDCWD, at("/f"), O_WRONLY | O_EXCL, 0600, &r));
	assert_false(ip_scratch_open(AT_FDCWD, S, O_TMPFILE | O_RDWR | O_EXCL,
				     0600, &r));
	assert_false(ip_scratch_unlink(AT_FDCWD, at("/sub"), 0x8000, &r));
	assert_false(ip_scratch_link(AT_FDCWD, at("/sub"), AT_FDCWD, at("/x"),
				     AT_EMPTY_PATH, &r));
	assert_false(ip_scratch_rename(AT_FDCWD, at("/sub"), AT_FDCWD, at("/x"),
				       RENAME_WHITEOUT, &r));
	assert_false(ip_scratch_symlink(NULL, AT_FDCWD, at("/x"), &r));
	/* one of two names elsewhere */
	assert_false(
	    ip_scratch_rename(AT_FDCWD, at("/sub"), AT_FDCWD, SX, 0, &r));
	assert_false(ip_scratch_link(AT_FDCWD, "/etc/passwd", AT_FDCWD,
				     at("/x"), 0, &r));
	assert_false(
	    ip_scratch_rename(AT_FDCWD, at("/sub"), AT_FDCWD, NULL, 0, &r));
	/* inside a decision, or outside a session */
	ip_in_hook++;
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/x"), 0700, &r));
	ip_in_hook--;
	ip_active = false;
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/x"), 0700, &r));
	ip_active = true;
	assert_int_equal(r, 99);
	assert_int_equal(errno, 1234);
	assert_false(exists(at("/x")));
	assert_false(exists(at("/f")));
	assert_true(exists(at("/sub")));

	/* the kernel refuses as Landlock would (EXDEV: a symlink in the
	 * directory leads to another mount): no effect, the normal way */
	assert_int_equal(symlink("/proc", at("/p")), 0);
	int fd = open(at("/f"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	close(fd);
	errno = 1234;
	assert_false(
	    ip_scratch_rename(AT_FDCWD, at("/f"), AT_FDCWD, at("/p/f"), 0, &r));
	assert_int_equal(errno, 1234);
	assert_true(exists(at("/f")));
}

/* the number re-used by the program for another directory: never turned
 * while it is (the names would land there); again once it is back */
static void test_fd_reused(void **state)
{
	(void)state;
	int r;
	assert_true(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	hold(SX);
	errno = 1234;
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/b"), 0700, &r));
	assert_int_equal(errno, 1234);
	assert_false(exists(at("/b")));
	assert_false(exists(at("X/b")));
	hold(S);
	assert_true(ip_scratch_mkdir(AT_FDCWD, at("/b"), 0700, &r));
	assert_int_equal(r, 0);
	/* another directory there from the start: not the scratch one */
	hold(SX);
	ip_scratch_forget();
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/c"), 0700, &r));
	rel_is(AT_FDCWD, at("/c"), NULL);
	hold(S); /* learned once: off for this program */
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/c"), 0700, &r));
}

/* the lowest descriptor number free now */
static int lowest_free(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	close(fd);
	return fd;
}

static void assert_held(void)
{
	struct stat a, b;
	assert_int_equal(fstat(TG_SCRATCH_FD, &a), 0);
	assert_int_equal(stat(S, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	/* inherited by the programs it starts */
	assert_int_equal(fcntl(TG_SCRATCH_FD, F_GETFD), 0);
}

/* the number closed (Python's subprocess, daemons): the directory is put
 * there again from TIERGATE_SCRATCH, at first use or later */
static void test_fd_closed(void **state)
{
	(void)state;
	int r, low = lowest_free();
	close(TG_SCRATCH_FD);
	assert_true(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	assert_int_equal(r, 0);
	assert_held();
	assert_int_equal(lowest_free(), low);
	close(TG_SCRATCH_FD);
	errno = 1234;
	assert_true(ip_scratch_unlink(AT_FDCWD, at("/a"), AT_REMOVEDIR, &r));
	assert_int_equal(r, 0);
	assert_int_equal(errno, 1234);
	assert_held();
	assert_int_equal(lowest_free(), low);
}

/* the number the program's, or out of reach: never taken over */
static void test_fd_taken(void **state)
{
	(void)state;
	int r, low = lowest_free();
	/* a file there */
	int f = open(at("/file"), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_int_equal(dup2(f, TG_SCRATCH_FD), TG_SCRATCH_FD);
	close(f);
	struct stat a, b;
	assert_int_equal(fstat(TG_SCRATCH_FD, &a), 0);
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	assert_int_equal(fstat(TG_SCRATCH_FD, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* closed, but F_DUPFD cannot give that number (RLIMIT_NOFILE) */
	close(TG_SCRATCH_FD);
	struct rlimit rl, low_rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low_rl = rl;
	low_rl.rlim_cur = TG_SCRATCH_FD;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low_rl), 0);
	ip_scratch_forget();
	errno = 1234;
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	assert_int_equal(errno, 1234);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(fcntl(TG_SCRATCH_FD, F_GETFD), -1);
	assert_int_equal(lowest_free(), low);
	assert_false(exists(at("/a")));
	/* TIERGATE_SCRATCH not the directory's own name (a symlink to it,
	 * a relative name): the number is left closed */
	assert_int_equal(symlink(S, at("X/to")), 0);
	session(at("X/to"));
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("X/to/a"), 0700, &r));
	assert_int_equal(fcntl(TG_SCRATCH_FD, F_GETFD), -1);
	session(S + 1);
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	assert_int_equal(fcntl(TG_SCRATCH_FD, F_GETFD), -1);
	assert_int_equal(lowest_free(), low);
	/* no scratch directory in this session: nothing is touched */
	session(NULL);
	assert_null(ip_env_scratch());
	assert_false(ip_scratch_mkdir(AT_FDCWD, at("/a"), 0700, &r));
	rel_is(AT_FDCWD, at("/a"), NULL);
	assert_int_equal(fcntl(TG_SCRATCH_FD, F_GETFD), -1);
	assert_false(exists(at("/a")));
}

/* TIERGATE_SCRATCH: out of the program's environment, back in every
 * exec's, whatever its length; TMPDIR is the program's */
static void test_env(void **state)
{
	(void)state;
	assert_string_equal(ip_env_scratch(), S);
	assert_null(getenv("TIERGATE_SCRATCH"));
	assert_string_equal(getenv("TMPDIR"), "/tmp/elsewhere");
	static struct ip_envbuf b;
	char *mine[] = {"TIERGATE_SCRATCH=/tmp/mine", "A=1", NULL};
	char *const *v = ip_env_for_exec(mine, &b);
	int n = 0;
	for (; *v; v++)
		if (!strncmp(*v, "TIERGATE_SCRATCH=", 17)) {
			assert_string_equal(*v + 17, S);
			n++;
		}
	assert_int_equal(n, 1);
	static char longp[1500];
	memset(longp, 'd', sizeof(longp) - 1);
	longp[0] = '/';
	session(longp);
	assert_string_equal(ip_env_scratch(), longp);
	v = ip_env_for_exec(mine, &b);
	for (n = 0; *v; v++)
		if (!strncmp(*v, "TIERGATE_SCRATCH=", 17)) {
			assert_string_equal(*v + 17, longp);
			n++;
		}
	assert_int_equal(n, 1);
	session("");
	assert_null(ip_env_scratch());
	v = ip_env_for_exec(mine, &b);
	for (; *v; v++)
		assert_false(!strncmp(*v, "TIERGATE_SCRATCH=", 17));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_absolute),	T(test_cwd_relative), T(test_dirfd_relative),
	    T(test_round_trip), T(test_not_turned),   T(test_fd_reused),
	    T(test_fd_closed),	T(test_fd_taken),     T(test_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
