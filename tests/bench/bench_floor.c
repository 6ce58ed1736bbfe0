/*
 * The floor of the kernel path: runs CMD under the smallest seccomp
 * user-notify supervisor there can be, one that notifies what tiergate's
 * kernel path must decide by path (execve, execveat, the opens that ask for
 * write, create or truncate, by their flags in the filter, and the calls
 * that make, remove, rename or change names), and answers every notification CONTINUE without looking at it,
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
	/* the calls tiergate's kernel path must carry to decide by path:
	 * execs always, opens only when their flags ask for write, create or
	 * truncate (looked at in the filter, as agent-shell's does), and the
	 * calls that make, remove, rename or change a name (rename, link,
	 * unlink, mkdir, chmod, utimes, ...: `policyctl status` counts them
	 * as file-names and file-meta) */
	static const uint32_t always[] = {
	    __NR_creat,	     __NR_execve,    __NR_execveat, __NR_rename,
	    __NR_renameat,   __NR_renameat2, __NR_link,	    __NR_linkat,
	    __NR_unlink,     __NR_unlinkat,  __NR_mkdir,    __NR_mkdirat,
	    __NR_rmdir,	     __NR_symlink,   __NR_symlinkat, __NR_mknod,
	    __NR_mknodat,    __NR_chmod,     __NR_fchmodat, __NR_chown,
	    __NR_lchown,     __NR_fchownat,  __NR_truncate, __NR_utime,
	    __NR_utimes,     __NR_utimensat, __NR_futimesat,
	};
	enum { NA = sizeof(always) / sizeof(always[0]) };
	const uint32_t wr = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC;
	const uint32_t a1 = offsetof(struct seccomp_data, args[1]),
		       a2 = offsetof(struct seccomp_data, args[2]);
	/* layout: 0-3 arch and nr; 4, 5: openat, open; 6..6+NA-1: always;
	 * then ALLOW, openat's flags (2), open's flags (2), ALLOW, NOTIFY */
	struct sock_filter f[4 + 2 + NA + 1 + 4 + 2];
	size_t k = 0;
	const size_t l_allow1 = 6 + NA, l_oat = l_allow1 + 1,
		     l_open = l_oat + 2, l_allow = l_open + 2,
		     l_notify = l_allow + 1;
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_KILL_PROCESS);
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					    __NR_openat,
					    (uint8_t)(l_oat - k - 1), 0);
	k++;
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					    __NR_open,
					    (uint8_t)(l_open - k - 1), 0);
	k++;
	for (size_t i = 0; i < NA; i++, k++)
		f[k] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, always[i],
		    (uint8_t)(l_notify - k - 1), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a2);
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, wr,
					    (uint8_t)(l_notify - k - 1),
					    (uint8_t)(l_allow - k - 1));
	k++;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a1);
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, wr,
					    (uint8_t)(l_notify - k - 1),
					    (uint8_t)(l_allow - k - 1));
	k++;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_USER_NOTIF);
	if (k != sizeof(f) / sizeof(f[0]) || k - 1 != l_notify) {
		fprintf(stderr, "bench_floor: filter layout\n");
		return 125;
	}
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
