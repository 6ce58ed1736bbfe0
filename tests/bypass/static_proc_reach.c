/* Attack (static): change another process without a signal.
 *   static_proc_reach MODE PID
 * MODE: fsize (prlimit: soft RLIMIT_FSIZE of 1 byte: the target dies of
 * SIGXFSZ at its next write past it), nofile (soft RLIMIT_NOFILE of 16), affinity
 * (sched_setaffinity to one CPU), idle (sched_setattr SCHED_IDLE), nice
 * (setpriority 19), ionice (ioprio_set to the idle class), kcmp (compare
 * its address space with ours), pidfd (pidfd_send_signal SIGUSR2).
 * Prints "MODE: changed pid PID" when the target was changed (read back
 * from the kernel), "MODE: refused errno=E" when the call failed. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct tg_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
};

static int done(const char *mode, long r, int changed, pid_t pid)
{
	if (r < 0) {
		printf("%s: refused errno=%d\n", mode, errno);
		return 0;
	}
	if (!changed) {
		printf("%s: call returned %ld but the target is unchanged\n",
		       mode, r);
		return 1;
	}
	printf("%s: changed pid %d\n", mode, (int)pid);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	const char *m = argv[1];
	pid_t pid = (pid_t)atoi(argv[2]);
	if (!strcmp(m, "fsize") || !strcmp(m, "nofile")) {
		/* the soft limit only: as fatal, and one that can be put back
		 * without CAP_SYS_RESOURCE */
		int res = m[0] == 'f' ? RLIMIT_FSIZE : RLIMIT_NOFILE;
		struct rlimit ol = {0, 0};
		if (syscall(SYS_prlimit64, pid, res, NULL, &ol) < 0)
			return done(m, -1, 0, pid);
		struct rlimit nl = {m[0] == 'f' ? 1 : 16, ol.rlim_max};
		long r = syscall(SYS_prlimit64, pid, res, &nl, NULL);
		int e = errno;
		syscall(SYS_prlimit64, pid, res, NULL, &ol);
		errno = e;
		return done(m, r, ol.rlim_cur == nl.rlim_cur, pid);
	}
	if (!strcmp(m, "affinity")) {
		cpu_set_t one, got;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		long r = sched_setaffinity(pid, sizeof(one), &one);
		int e = errno;
		CPU_ZERO(&got);
		sched_getaffinity(pid, sizeof(got), &got);
		errno = e;
		return done(m, r, CPU_COUNT(&got) == 1, pid);
	}
	if (!strcmp(m, "idle")) {
		struct tg_sched_attr a = {.size = sizeof(a),
					  .policy = SCHED_IDLE};
		long r = syscall(SYS_sched_setattr, pid, &a, 0);
		int e = errno;
		int pol = sched_getscheduler(pid);
		errno = e;
		return done(m, r, pol == SCHED_IDLE, pid);
	}
	if (!strcmp(m, "nice")) {
		long r = setpriority(PRIO_PROCESS, (id_t)pid, 19);
		int e = errno;
		errno = 0;
		int now = getpriority(PRIO_PROCESS, (id_t)pid);
		errno = e;
		return done(m, r, now == 19, pid);
	}
	if (!strcmp(m, "ionice")) {
		/* IOPRIO_WHO_PROCESS, class IDLE (3) << 13 */
		long r = syscall(SYS_ioprio_set, 1, pid, 3 << 13);
		int e = errno;
		long now = syscall(SYS_ioprio_get, 1, pid);
		errno = e;
		return done(m, r, now == (3 << 13), pid);
	}
	if (!strcmp(m, "kcmp")) {
		/* KCMP_VM: 0 equal, 1/2 ordered: it learnt something */
		long r = syscall(SYS_kcmp, getpid(), pid, 1 /* KCMP_VM */, 0, 0);
		return done(m, r, r >= 0, pid);
	}
	if (!strcmp(m, "pidfd")) {
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0)
			return done(m, -1, 0, pid);
		long r = syscall(SYS_pidfd_send_signal, fd, SIGUSR2, NULL, 0);
		int e = errno;
		/* a sleep dies of SIGUSR2 (reaped by its parent later): looked
		 * at for 2 s at most (a loaded machine runs it late) */
		int gone = 0;
		for (int i = 0; i < 40 && r == 0 && !gone; i++) {
			usleep(50000);
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
			FILE *f = fopen(p, "re");
			char st = '?';
			if (f) {
				(void)!fscanf(f, "%*d %*s %c", &st);
				fclose(f);
			}
			gone = kill(pid, 0) != 0 || st == 'Z';
		}
		errno = e;
		return done(m, r, gone, pid);
	}
	return 2;
}
