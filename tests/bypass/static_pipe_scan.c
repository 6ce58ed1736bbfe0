/* Attack: policyd held up by one session's opens of its own pipe by name.
 * A write-open of /dev/fd/N where N is a pipe is carried out by policyd
 * on its own copy of the descriptor; policyd used to find that descriptor
 * by reading every entry of the caller's /proc/PID/fd, one readlink each.
 * This fills its descriptor table up to its RLIMIT_NOFILE (raised to the
 * hard limit) with /dev/null, puts a pipe at the top, and times COUNT
 * write-opens of /dev/fd/TOP against COUNT of /dev/fd/LOW (the same pipe
 * at a low number). Every open is a notified call: policyd decides nothing
 * else, for any session, while it reads. Usage: static_pipe_scan COUNT.
 * Prints "fds TOP low US us top US us" (microseconds per open), or
 * "unsupported: ..." (exit 77). Static: only the kernel path sees it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static long long per_open(int fd, int count)
{
	char p[64];
	snprintf(p, sizeof(p), "/dev/fd/%d", fd);
	long long t = now_us();
	for (int i = 0; i < count; i++) {
		int w = open(p, O_WRONLY | O_CLOEXEC);
		if (w < 0) {
			printf("open %s: errno=%d\n", p, errno);
			exit(1);
		}
		close(w);
	}
	return (now_us() - t) / count;
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 5;
	struct rlimit nl;
	getrlimit(RLIMIT_NOFILE, &nl);
	nl.rlim_cur = nl.rlim_max > 65536 ? 65536 : nl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &nl);
	getrlimit(RLIMIT_NOFILE, &nl);
	if (nl.rlim_cur < 4096) {
		printf("unsupported: RLIMIT_NOFILE %llu\n",
		       (unsigned long long)nl.rlim_cur);
		return 77;
	}
	int top = (int)nl.rlim_cur - 16, low = 10; /* room for the opens */
	int pf[2];
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || pipe(pf) < 0)
		return 2;
	/* the pipe at low (its write end), top - 1 (its read end), top */
	if (dup2(pf[1], low) < 0 || dup2(pf[0], top - 1) < 0 ||
	    dup2(pf[1], top) < 0)
		return 2;
	close(pf[0]);
	close(pf[1]);
	for (int fd = 3; fd < top; fd++)
		if (fd != low && fd != top - 1 && fd != null &&
		    fcntl(fd, F_GETFD) < 0)
			dup2(null, fd);
	long long l = per_open(low, count);
	/* the low one closed: a search by inode now goes all the way up */
	close(low);
	long long h = per_open(top, count);
	printf("fds %d low %lld us top %lld us\n", top, l, h);
	return 0;
}
