/*
 * The floor of the kernel path: runs CMD under the smallest seccomp
 * user-notify supervisor there can be, one that notifies execve, execveat
 * and the opens that ask for write, create or truncate (by their flags, in
 * the filter), and answers every notification CONTINUE without looking at it,
 * from a thread blocked in SECCOMP_IOCTL_NOTIF_RECV (so the kernel's
 * same-CPU wake-up applies). No interposer, no Landlock, no policy.
 * make bench runs a workload natively, under this and under tiergate, side
 * by side: what tiergate costs beyond this is its own; what this costs is
 * the price of the mechanism on the machine.
 * Usage: bench_floor CMD ARGS...   (exit status: CMD's)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tg_proto.h"

static int lfd = -1;

static void *answer(void *arg)
{
	(void)arg;
	for (;;) {
		struct seccomp_notif n;
		memset(&n, 0, sizeof(n));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			perror("bench_floor: NOTIF_RECV");
			_exit(125);
		}
		struct seccomp_notif_resp r = {
		    .id = n.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r) < 0 &&
		    errno != ENOENT)
			perror("bench_floor: NOTIF_SEND");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_floor CMD ARGS...\n");
		return 2;
	}
	/* the calls the issue has the kernel path carry: execs always,
	 * opens only when their flags ask for write, create or truncate
	 * (looked at in the filter, as agent-shell's does) */
	const uint32_t wr = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC;
	const uint32_t a1 = offsetof(struct seccomp_data, args[1]),
		       a2 = offsetof(struct seccomp_data, args[2]);
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 4, 0),   /* 4 */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 5, 0),     /* 5 */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 7, 0),   /* 6 */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 6, 0), /* 7 */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_creat, 5, 4),    /* 8 */
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a2), /* 9: openat's flags */
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, wr, 3, 2),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a1), /* 11: open's flags */
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, wr, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),      /* 13 */
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF), /* 14 */
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("bench_floor: no_new_privs");
		return 125;
	}
	/* the supervisor thread is this process's, but the filter goes on
	 * the child only: it is installed after the fork */
	int up[2], down[2]; /* child -> parent: the listener; back: go */
	if (pipe(up) < 0 || pipe(down) < 0)
		return 125;
	pid_t child = fork();
	if (child < 0)
		return 125;
	if (child == 0) {
		int l = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (l < 0) {
			perror("bench_floor: seccomp");
			_exit(125);
		}
		/* hand the listener up: the parent takes it by pidfd_getfd */
		if (write(up[1], &l, sizeof(l)) != sizeof(l))
			_exit(125);
		char go;
		if (read(down[0], &go, 1) != 1)
			_exit(125);
		close(l);
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	int l;
	if (read(up[0], &l, sizeof(l)) != sizeof(l))
		return 125;
	int pfd = (int)syscall(SYS_pidfd_open, child, 0);
	lfd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, l, 0);
	if (lfd < 0) {
		perror("bench_floor: pidfd_getfd");
		return 125;
	}
	uint64_t fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl, 0);
	pthread_t t;
	if (pthread_create(&t, NULL, answer, NULL) != 0)
		return 125;
	if (write(down[1], "g", 1) != 1)
		return 125;
	int st;
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
