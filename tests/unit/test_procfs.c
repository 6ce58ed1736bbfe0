/* SPDX-License-Identifier: MIT */
/* procfs.c against the kernel's own view of this test process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chase.h"
#include "procfs.h"

static void test_status_is_ours(void **state)
{
	(void)state;
	mode_t old = umask(027);
	struct proc_status st;
	assert_int_equal(procfs_status(getpid(), &st), 0);
	umask(old);
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.euid, geteuid());
	assert_int_equal(st.fsuid, geteuid());
	assert_int_equal(st.fsgid, getegid());
	assert_int_equal(st.umask, 027);
	assert_int_equal(st.threads, 1);
	gid_t g[64];
	int n = getgroups(64, g);
	assert_true(n >= 0);
	assert_int_equal(st.ngroups, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(st.groups[i], g[i]);
}

/* The status file procfs keeps open for a process is read anew each time
 * (a umask changed between two reads is seen), and a process that ended
 * reads as gone, never as it was. */
static void test_status_kept_fresh(void **state)
{
	(void)state;
	int go[2], ack[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ack), 0);
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		char b;
		umask(077);
		(void)!write(ack[1], "r", 1);
		(void)!read(go[0], &b, 1);
		umask(022);
		(void)!write(ack[1], "r", 1);
		(void)!read(go[0], &b, 1);
		_exit(0);
	}
	char b;
	assert_int_equal(read(ack[0], &b, 1), 1);
	struct proc_status st;
	assert_int_equal(procfs_status(c, &st), 0);
	assert_int_equal(st.umask, 077);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(read(ack[0], &b, 1), 1);
	assert_int_equal(procfs_status(c, &st), 0);
	assert_int_equal(st.umask, 022);
	assert_int_equal(procfs_status(c, &st), 0);
	assert_int_equal(st.ppid, getpid());
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(c, NULL, 0), c);
	assert_true(procfs_status(c, &st) < 0);
	assert_true(procfs_status(c, &st) < 0);
	close(go[0]), close(go[1]), close(ack[0]), close(ack[1]);
}

static volatile pid_t thread_tid;

static void *parked(void *arg)
{
	int *fds = arg;
	char c;
	thread_tid = (pid_t)syscall(SYS_gettid);
	(void)!read(fds[0], &c, 1);
	return NULL;
}

static void test_brief_counts_threads(void **state)
{
	(void)state;
	struct proc_status st;
	assert_int_equal(procfs_status(getpid(), &st), 0);
	assert_int_equal(st.threads, 1);
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.euid, geteuid());
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parked, fds), 0);
	assert_int_equal(procfs_status(getpid(), &st), 0);
	assert_int_equal(st.threads, 4);
	/* a thread id (not the leader's) works too, and names the same
	 * thread group: notifications carry the calling thread's id */
	while (!thread_tid)
		usleep(1000);
	assert_int_not_equal(thread_tid, getpid());
	assert_int_equal(procfs_status(thread_tid, &st), 0);
	assert_int_equal(st.threads, 4);
	assert_int_equal(st.ppid, getppid());
	int pfd = procfs_pidfd_open(thread_tid);
	assert_true(pfd >= 0);
	close(pfd);
	struct proc_status full;
	assert_int_equal(procfs_status(getpid(), &full), 0);
	assert_int_equal(full.threads, 4);
	assert_int_equal(write(fds[1], "xxx", 3), 3);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	close(fds[0]);
	close(fds[1]);
	assert_true(procfs_status(999999999, &st) < 0);
	assert_true(procfs_status(999999999, &st) < 0);
}

static void shared_writable(int (*fn)(pid_t, const uint64_t *, size_t))
{
	char *shw = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *shr =
	    mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *prv = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(shw != MAP_FAILED && shr != MAP_FAILED &&
		    prv != MAP_FAILED);
	char stack = 0;
	uint64_t a[4] = {(uint64_t)(uintptr_t)&stack, (uint64_t)(uintptr_t)prv,
			 (uint64_t)(uintptr_t)shr,
			 (uint64_t)(uintptr_t)(shw + 4100)};
	assert_int_equal(fn(getpid(), a, 3), 0); /* private or read-only */
	assert_int_equal(fn(getpid(), a, 4), 1); /* the last one is shared */
	assert_int_equal(fn(getpid(), a + 3, 1), 1);
	/* the mappings come back in turns, as path, argv and argv[0] do;
	 * the shared one last, after more mappings than are remembered */
	char *p2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p3 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p2 != MAP_FAILED && p3 != MAP_FAILED);
	uint64_t t[] = {a[0],
			a[1],
			a[0] + 8,
			a[1] + 8,
			a[2],
			(uint64_t)(uintptr_t)p2,
			(uint64_t)(uintptr_t)p3,
			a[1] + 16,
			a[0],
			(uint64_t)(uintptr_t)shw};
	size_t nt = sizeof(t) / sizeof(t[0]);
	assert_int_equal(fn(getpid(), t, nt - 1), 0);
	assert_int_equal(fn(getpid(), t, nt), 1);
	munmap(p2, 4096);
	munmap(p3, 4096);
	uint64_t unmapped = 8; /* the zero page is never mapped */
	assert_int_equal(fn(getpid(), &unmapped, 1), 0);
	assert_true(fn(999999999, a, 1) < 0);
	munmap(shw, 8192);
	munmap(shr, 4096);
	munmap(prv, 4096);
}

static void test_shared_writable(void **state)
{
	(void)state;
	shared_writable(procfs_shared_writable);
	shared_writable(procfs_shared_writable_text);
}

/* chase (CHASE_FOLLOW) against a real tree: what a create would reach
 * for names that do not exist yet, through dangling symlinks (at the end,
 * in the middle, chained), in the own root and through /proc/PID/root */
TG_TEST_TMPDIR(top, "/tmp/tg-procfs-XXXXXX")

static void test_realpath_missing(void **state)
{
	(void)state;
	char real_top[4096];
	assert_non_null(realpath(top, real_top));
	char p[4200], q[4200], out[4096], want[4300];
#define AT(buf, rel) snprintf(buf, sizeof(buf), "%s/%s", top, rel)
	AT(p, "d");
	assert_int_equal(mkdir(p, 0700), 0);
	AT(p, "d/last"); /* d/last -> ../t/created */
	assert_int_equal(symlink("../t/created", p), 0);
	AT(p, "d/mid"); /* d/mid -> nodir (missing directory) */
	assert_int_equal(symlink("nodir", p), 0);
	AT(p, "d/c1"); /* a chain: c1 -> c2 -> /TOP/t2 */
	assert_int_equal(symlink("c2", p), 0);
	AT(p, "d/c2");
	AT(q, "t2");
	assert_int_equal(symlink(q, p), 0);
	AT(p, "d/loop"); /* a loop of dangling links */
	assert_int_equal(symlink("loop", p), 0);
	AT(p, "t3");
	assert_int_equal(mkdir(p, 0700), 0);
	AT(p, "t3/file");
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	AT(p, "d/dirlink"); /* an existing directory through a symlink */
	assert_int_equal(symlink("../t3", p), 0);
	AT(p, "d/filelink"); /* an existing file through one */
	assert_int_equal(symlink("../t3/file", p), 0);
	for (int own = 1; own >= 0; own--) {
		struct caller c = {.pid = getpid(), .same_root = own};
		struct {
			const char *rel, *want;
		} cases[] = {
		    {"d/new", "d/new"},
		    {"d/a/b/c", "d/a/b/c"},
		    {"d/last", "t/created"},
		    {"d/mid/x", "d/nodir/x"},
		    {"d/c1", "t2"},
		    {"d", "d"},
		    {"t3/file", "t3/file"},
		    {"d/dirlink/new", "t3/new"},
		    {"d/dirlink/file", "t3/file"},
		    {"d/filelink", "t3/file"},
		    {"d/dirlink", "t3"},
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			AT(p, cases[i].rel);
			snprintf(want, sizeof(want), "%s/%s", real_top,
				 cases[i].want);
			assert_int_equal(chase(&c, AT_FDCWD, p,
					       CHASE_FOLLOW | CHASE_ABSOLUTE,
					       out),
					 0);
			assert_string_equal(out, want);
		}
		AT(p, "d/loop");
		assert_int_equal(
		    chase(&c, AT_FDCWD, p, CHASE_FOLLOW | CHASE_ABSOLUTE, out),
		    -ELOOP);
	}
#undef AT
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_is_ours),
	    cmocka_unit_test(test_status_kept_fresh),
	    cmocka_unit_test(test_brief_counts_threads),
	    cmocka_unit_test(test_shared_writable),
	    cmocka_unit_test_setup_teardown(test_realpath_missing, top_make,
					    top_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
