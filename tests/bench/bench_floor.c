/*
 * The floor of the kernel path: runs CMD under the smallest seccomp
 * user-notify supervisor there can be, one that notifies what tiergate's
 * kernel path must decide by path (execve, execveat, the opens that ask for
 * write, create or truncate, by their flags in the filter, and the calls
 * that make, remove, rename or change names), and answers every notification
 * CONTINUE without looking at it, from a thread blocked in
 * SECCOMP_IOCTL_NOTIF_RECV (so the kernel's same-CPU wake-up applies). No
 * interposer, no Landlock, no policy. make bench runs a workload natively,
 * under this and under tiergate, side by side: what tiergate costs beyond this
 * is its own; what this costs is the price of the mechanism on the machine.
 *
 * With --perform it is instead the smallest supervisor that keeps the
 * guarantee tiergate's kernel path rests on: the file decided on is the
 * file used. A "continue" lets the kernel read the path from the caller's
 * memory again, which another thread may have rewritten, so tiergate
 * performs write-opens (ADDFD) and calls on names itself. This one does the
 * same, and nothing more: the path read once, the notification checked
 * still valid, the call made on the path as read (relative names through
 * /proc/TID/cwd and /proc/TID/fd/N), the result or descriptor answered.
 * It decides nothing, resolves no symlinks, acts as itself (same user and
 * umask as the workload) and audits nothing: what it costs is a lower
 * bound for any design that performs these calls, whatever it decides.
 * Execs, metadata calls and the rare forms (AT_EMPTY_PATH) get CONTINUE.
 * Usage: bench_floor [--perform] CMD ARGS...   (exit status: CMD's)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tg_proto.h"

static int lfd = -1;
static bool perform;

/* The NUL-terminated string at addr in tid's memory, read page by page. */
static int read_str(pid_t tid, uint64_t addr, char *buf, size_t sz)
{
	size_t got = 0;
	while (got < sz) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		if (chunk > sz - got)
			chunk = sz - got;
		struct iovec l = {buf + got, chunk},
			     r = {(void *)(uintptr_t)(addr + got), chunk};
		ssize_t n = process_vm_readv(tid, &l, 1, &r, 1, 0);
		if (n <= 0)
			return -EFAULT;
		if (memchr(buf + got, 0, (size_t)n))
			return 0;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

/* The name the caller means, as a path this process can use: absolute
 * names as they are, relative ones through the caller's working
 * directory or directory descriptor in /proc (one walk, no readlink). */
static int caller_path(pid_t tid, int dfd, uint64_t addr, char *out, size_t sz)
{
	char p[4096];
	int r = read_str(tid, addr, p, sizeof(p));
	if (r < 0)
		return r;
	if (!p[0])
		return -ENOENT;
	int n;
	if (p[0] == '/')
		n = snprintf(out, sz, "%s", p);
	else if (dfd == AT_FDCWD)
		n = snprintf(out, sz, "/proc/%d/cwd/%s", tid, p);
	else
		n = snprintf(out, sz, "/proc/%d/fd/%d/%s", tid, dfd, p);
	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

static int ret(long r)
{
	return r < 0 ? -errno : (int)r;
}

/* Performs n's call; 1: answered (with ADDFD), 0: r holds the answer,
 * -1: CONTINUE. */
static int do_call(const struct seccomp_notif *n, struct seccomp_notif_resp *r)
{
	const __u64 *a = n->data.args;
	const pid_t t = (pid_t)n->pid;
	char p1[8192], p2[8192];
	int e = 0, res = 0, flags = 0, mode = 0;
	bool open_call = false;
	switch (n->data.nr) {
	case __NR_openat:
		e = caller_path(t, (int)a[0], a[1], p1, sizeof(p1));
		flags = (int)a[2], mode = (int)a[3], open_call = true;
		break;
	case __NR_open:
		e = caller_path(t, AT_FDCWD, a[0], p1, sizeof(p1));
		flags = (int)a[1], mode = (int)a[2], open_call = true;
		break;
	case __NR_creat:
		e = caller_path(t, AT_FDCWD, a[0], p1, sizeof(p1));
		flags = O_CREAT | O_WRONLY | O_TRUNC, mode = (int)a[1];
		open_call = true;
		break;
	case __NR_unlink:
	case __NR_rmdir:
	case __NR_mkdir:
		e = caller_path(t, AT_FDCWD, a[0], p1, sizeof(p1));
		break;
	case __NR_unlinkat:
	case __NR_mkdirat:
		e = caller_path(t, (int)a[0], a[1], p1, sizeof(p1));
		break;
	case __NR_rename:
	case __NR_link:
		e = caller_path(t, AT_FDCWD, a[0], p1, sizeof(p1));
		if (!e)
			e = caller_path(t, AT_FDCWD, a[1], p2, sizeof(p2));
		break;
	case __NR_renameat:
	case __NR_renameat2:
		e = caller_path(t, (int)a[0], a[1], p1, sizeof(p1));
		if (!e)
			e = caller_path(t, (int)a[2], a[3], p2, sizeof(p2));
		break;
	case __NR_linkat:
		if (a[4]) /* AT_EMPTY_PATH, AT_SYMLINK_FOLLOW: rare */
			return -1;
		e = caller_path(t, (int)a[0], a[1], p1, sizeof(p1));
		if (!e)
			e = caller_path(t, (int)a[2], a[3], p2, sizeof(p2));
		break;
	case __NR_symlink: /* the target is text, not a name to walk */
		e = read_str(t, a[0], p1, sizeof(p1));
		if (!e)
			e = caller_path(t, AT_FDCWD, a[1], p2, sizeof(p2));
		break;
	case __NR_symlinkat:
		e = read_str(t, a[0], p1, sizeof(p1));
		if (!e)
			e = caller_path(t, (int)a[1], a[2], p2, sizeof(p2));
		break;
	default:
		return -1; /* execs and metadata calls */
	}
	/* what was read belongs to this notification's caller */
	if (!e && ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
		return 1; /* it is gone: nothing to answer */
	if (!e && open_call) {
		int fd = open(p1, (flags & ~O_CLOEXEC) | O_CLOEXEC | O_NOCTTY,
			      (mode_t)mode);
		if (fd >= 0) {
			struct seccomp_notif_addfd ad = {
			    .id = n->id,
			    .flags = SECCOMP_ADDFD_FLAG_SEND,
			    .srcfd = (uint32_t)fd,
			    .newfd_flags = (uint32_t)(flags & O_CLOEXEC)};
			int got = ioctl(lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &ad);
			int ge = errno;
			close(fd);
			if (got >= 0 || ge == ENOENT)
				return 1;
			e = -ge;
		} else {
			e = -errno;
		}
	} else if (!e) {
		switch (n->data.nr) {
		case __NR_unlink:
			res = ret(unlink(p1));
			break;
		case __NR_rmdir:
			res = ret(rmdir(p1));
			break;
		case __NR_mkdir:
			res = ret(mkdir(p1, (mode_t)a[1]));
			break;
		case __NR_unlinkat:
			res = ret(unlinkat(AT_FDCWD, p1, (int)a[2]));
			break;
		case __NR_mkdirat:
			res = ret(mkdir(p1, (mode_t)a[2]));
			break;
		case __NR_rename:
		case __NR_renameat:
			res = ret(rename(p1, p2));
			break;
		case __NR_renameat2:
			res = ret(syscall(SYS_renameat2, AT_FDCWD, p1, AT_FDCWD,
					  p2, (unsigned)a[4]));
			break;
		case __NR_link:
		case __NR_linkat:
			res = ret(link(p1, p2));
			break;
		case __NR_symlink:
		case __NR_symlinkat:
			res = ret(symlink(p1, p2));
			break;
		default:
			return -1;
		}
		if (res < 0)
			e = res, res = 0;
	}
	r->val = res;
	r->error = e;
	r->flags = 0;
	return 0;
}

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
		int d = perform ? do_call(&n, &r) : -1;
		if (d == 1)
			continue;
		if (d < 0) {
			r.val = 0, r.error = 0;
			r.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		}
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r) < 0 &&
		    errno != ENOENT)
			perror("bench_floor: NOTIF_SEND");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--perform")) {
		perform = true;
		argv++, argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bench_floor [--perform] CMD ARGS...\n");
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
