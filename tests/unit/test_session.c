/* SPDX-License-Identifier: MIT */
/* session: which session a process is in, by a walk up its process tree
 * (user mode), when the tree changes while it is read. procfs_stat is
 * wrapped: the test plays the kernel's view of a tree in which parents die
 * during the walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "procfs.h"
#include "session.h"

/* The tree: caller 500 (and 501, 502: one per test, as the ancestor cache
 * remembers a caller found in its session) (started at 50) under 400 (40) under
 * agent-shell's session root 300 (30). breaks_left: how many more reads of 400
 * fail as if it had died between its child's read and its own; after that 400
 * is gone for good and 500 reads as the root's child (reparented to the
 * subreaper). */
static int breaks_left;
static int forever_broken;

int __wrap_procfs_stat(pid_t pid, struct proc_stat *ret);
int __wrap_procfs_stat(pid_t pid, struct proc_stat *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->pid = pid;
	switch (pid) {
	case 500:
	case 501:
	case 502:
		ret->starttime = 50;
		ret->ppid = (breaks_left > 0 || forever_broken) ? 400 : 300;
		return 0;
	case 400:
		if (forever_broken)
			return -ESRCH;
		if (breaks_left > 0) {
			breaks_left--;
			return -ESRCH;
		}
		ret->starttime = 40;
		ret->ppid = 300;
		return 0;
	case 300:
		ret->starttime = 30;
		ret->ppid = 1;
		return 0;
	case 1:
		ret->starttime = 1;
		ret->ppid = 0;
		return 0;
	default:
		return -ESRCH;
	}
}

static struct session sess;

static int setup(void **state)
{
	(void)state;
	memset(&sess, 0, sizeof(sess));
	sess.root_pid = 300;
	sess.root_start = 30;
	D.sessions = &sess;
	D.cgroups = false;
	return 0;
}

/* a parent gone during the first walks: walked again from the caller,
 * which is then found in its session */
static void test_walk_again(void **state)
{
	(void)state;
	breaks_left = 3;
	forever_broken = 0;
	bool unsure = false;
	assert_ptr_equal(session_of_pid_sure(500, &unsure), &sess);
	assert_false(unsure);
}

/* every walk cut short: no session, and said to be unsure (the control
 * socket refuses such a caller instead of taking it for an operator) */
static void test_unsure(void **state)
{
	(void)state;
	breaks_left = 0;
	forever_broken = 1;
	bool unsure = false;
	assert_null(session_of_pid_sure(501, &unsure));
	assert_true(unsure);
	/* session_of_pid gives the same answer */
	assert_null(session_of_pid(501));
}

/* a process outside every session, its tree whole: none, and sure */
static void test_outside(void **state)
{
	(void)state;
	breaks_left = 0;
	forever_broken = 0;
	bool unsure = false;
	D.sessions = NULL;
	assert_null(session_of_pid_sure(502, &unsure));
	assert_false(unsure);
	D.sessions = &sess;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_walk_again, setup),
	    cmocka_unit_test_setup(test_unsure, setup),
	    cmocka_unit_test_setup(test_outside, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
