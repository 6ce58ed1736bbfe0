/* The calls the seccomp refusal filter refuses by name (common/syscalls.h,
 * REFUSE), each made once with arguments the kernel rejects or that change
 * nothing (a missing path, a bad descriptor, a read-only query), so that
 * natively the call reaches the kernel and fails (or does nothing) for its
 * own reasons, and under tiergate gets EPERM from the filter before the
 * kernel looks at it. Built -static: the filter applies to every program.
 * NAME:PID: a call the backstop allows only on the session's own processes
 * (sched_setscheduler, sched_setparam, migrate_pages, move_pages,
 * process_madvise, process_mrelease), made on PID with arguments that
 * change nothing (its own policy and priority, no pages, no ranges).
 * Usage: static_sysprobe NAME[:PID]... Prints "NAME errno=N" or "NAME ok"
 * per call ("NAME unknown" for a name it does not know). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define NOPATH "/nonexistent-tg-sysprobe"

/* the calls on another process, on pid (its own scheduling kept) */
static long probe_pid(const char *n, pid_t pid)
{
	struct sched_param sp = {0};
	unsigned long mask = 1;
	if (!strcmp(n, "sched_setscheduler")) {
		int pol = sched_getscheduler(pid);
		if (pol < 0 || sched_getparam(pid, &sp) < 0)
			return -1;
		return syscall(SYS_sched_setscheduler, pid, pol, &sp);
	}
	if (!strcmp(n, "sched_setparam")) {
		if (sched_getparam(pid, &sp) < 0)
			return -1;
		return syscall(SYS_sched_setparam, pid, &sp);
	}
	if (!strcmp(n, "migrate_pages")) /* node 0 to node 0 */
		return syscall(SYS_migrate_pages, pid, 8 * sizeof(mask), &mask,
			       &mask);
	if (!strcmp(n, "move_pages")) /* no pages */
		return syscall(SYS_move_pages, pid, 0, NULL, NULL, NULL, 0);
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -1;
	long r;
	if (!strcmp(n, "process_madvise")) /* no ranges, MADV_COLD */
		r = syscall(SYS_process_madvise, pfd, NULL, 0, 20, 0);
	else if (!strcmp(n, "process_mrelease")) /* a live process: EINVAL */
		r = syscall(SYS_process_mrelease, pfd, 0);
	else {
		errno = 0;
		r = -2;
	}
	int e = errno;
	close(pfd);
	errno = e;
	return r;
}

static long probe(const char *n)
{
	static struct timex tx; /* modes 0: a query */
	struct timespec ts = {0, 0};
	if (!strcmp(n, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(n, "userfaultfd"))
		return syscall(SYS_userfaultfd, -1);
	if (!strcmp(n, "mount"))
		return syscall(SYS_mount, "none", NOPATH, "tmpfs", 0, NULL);
	if (!strcmp(n, "umount2"))
		return syscall(SYS_umount2, NOPATH, 0);
	if (!strcmp(n, "fsopen"))
		return syscall(SYS_fsopen, "tg-no-such-fs", 0);
	if (!strcmp(n, "fsconfig"))
		return syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0);
	if (!strcmp(n, "fsmount"))
		return syscall(SYS_fsmount, -1, 0, 0);
	if (!strcmp(n, "fspick"))
		return syscall(SYS_fspick, -1, NOPATH, 0);
	if (!strcmp(n, "move_mount"))
		return syscall(SYS_move_mount, -1, NOPATH, -1, NOPATH, 0);
	if (!strcmp(n, "open_tree"))
		return syscall(SYS_open_tree, -1, NOPATH, 0);
	if (!strcmp(n, "pivot_root"))
		return syscall(SYS_pivot_root, NOPATH, NOPATH);
	if (!strcmp(n, "chroot"))
		return syscall(SYS_chroot, NOPATH);
	if (!strcmp(n, "setns"))
		return syscall(SYS_setns, -1, 0);
	if (!strcmp(n, "keyctl"))
		return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -1000, 0);
	if (!strcmp(n, "add_key"))
		return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
	if (!strcmp(n, "request_key"))
		return syscall(SYS_request_key, NULL, NULL, NULL, 0);
	if (!strcmp(n, "kexec_load"))
		return syscall(SYS_kexec_load, 0, 1000, NULL, 0);
	if (!strcmp(n, "init_module"))
		return syscall(SYS_init_module, NULL, 0, "");
	if (!strcmp(n, "finit_module"))
		return syscall(SYS_finit_module, -1, "", 0);
	if (!strcmp(n, "delete_module"))
		return syscall(SYS_delete_module, "tg_no_such_module", 0);
	if (!strcmp(n, "name_to_handle_at"))
		return syscall(SYS_name_to_handle_at, -100, "/", NULL, NULL, 0);
	if (!strcmp(n, "open_by_handle_at"))
		return syscall(SYS_open_by_handle_at, -1, NULL, 0);
	if (!strcmp(n, "quotactl"))
		return syscall(SYS_quotactl, 0, NULL, 0, NULL);
	if (!strcmp(n, "acct"))
		return syscall(SYS_acct, NOPATH "/x");
	if (!strcmp(n, "swapon"))
		return syscall(SYS_swapon, NOPATH, 0);
	if (!strcmp(n, "swapoff"))
		return syscall(SYS_swapoff, NOPATH);
	if (!strcmp(n, "reboot")) /* bad magic: the kernel's first check */
		return syscall(SYS_reboot, 0, 0, 0, NULL);
	if (!strcmp(n, "settimeofday")) /* both NULL: sets nothing */
		return syscall(SYS_settimeofday, NULL, NULL);
	if (!strcmp(n, "clock_settime")) /* a clock nobody can set */
		return syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts);
	if (!strcmp(n, "adjtimex"))
		return syscall(SYS_adjtimex, &tx);
	if (!strcmp(n, "clock_adjtime"))
		return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
	if (!strcmp(n, "syslog")) /* SYSLOG_ACTION_SIZE_BUFFER */
		return syscall(SYS_syslog, 10, NULL, 0);
	if (!strcmp(n, "iopl"))
		return syscall(SYS_iopl, 4);
	if (!strcmp(n, "ioperm"))
		return syscall(SYS_ioperm, 0x10000, 1, 1);
	if (!strcmp(n, "sethostname"))
		return syscall(SYS_sethostname, NULL, 100000);
	if (!strcmp(n, "setdomainname"))
		return syscall(SYS_setdomainname, NULL, 100000);
	errno = 0;
	return -2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s", argv[i]);
		char *colon = strchr(name, ':');
		if (colon)
			*colon = '\0';
		errno = 0;
		long r = colon ? probe_pid(name, atoi(colon + 1))
			       : probe(name);
		if (r == -2 && errno == 0)
			printf("%s unknown\n", name);
		else if (r < 0)
			printf("%s errno=%d\n", name, errno);
		else
			printf("%s ok\n", name);
	}
	return 0;
}
