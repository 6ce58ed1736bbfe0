/* The descriptor numbers a program sees must be the ones it sees natively:
 * tiergate's own descriptors never take a number a program expects to be
 * free or means to control. Run in a scratch directory holding a file "r"
 * (read at each step: under a policy with no read rule every read is a
 * request to policyd, so the interposer needs a connection there).
 *
 * Prints, on stdout, what must be the same natively and mediated: the
 * number each open returns, and the open descriptors below 64, after the
 * first open, a name lookup, fork, closing every descriptor above 2
 * (close_range), and dup2 of a file over every number from 3 to 1023. On
 * stderr: tiergate's descriptors at the end (sockets at 64 or above), each
 * with its close-on-exec flag; natively there are none.
 */
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* a write of "w" and a read of "r", as programs do: the number the read
 * got (without a kernel path, the interposer asks policyd about writes) */
static int reread(void)
{
	int w = open("w", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (w < 0 || write(w, "x", 1) != 1)
		printf("  write failed\n");
	if (w >= 0)
		close(w);
	int fd = open("r", O_RDONLY);
	char c;
	if (fd >= 0 && read(fd, &c, 1) != 1)
		printf("  read failed\n");
	return fd;
}

static void low(const char *when)
{
	printf("%s: open gives %d; open below 64:", when, reread());
	for (int fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			printf(" %d", fd);
	printf("\n");
	fflush(stdout);
}

static void close_from(int from)
{
	for (int fd = from; fd < 64; fd++)
		close(fd);
}

int main(void)
{
	close_from(3); /* whatever the caller left open (flock's lock file) */
	low("start");
	close_from(3);
	struct addrinfo *ai = NULL;
	if (getaddrinfo("localhost", NULL, NULL, &ai) == 0)
		freeaddrinfo(ai);
	low("after a name lookup");
	close_from(3);
	pid_t p = fork();
	if (p == 0) {
		low("forked child");
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	/* what daemons and spawners do: close everything above 2 */
	if (syscall(SYS_close_range, 3, ~0U, 0) < 0)
		close_from(3);
	low("after close_range(3, ~0)");
	close_from(3);

	/* a program that controls its numbers: a file of its own at every
	 * number from 3 to 1023 (tiergate's included); its next request
	 * must not write to any of them, nor close them */
	int f = open("mine", O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat fs;
	fstat(f, &fs);
	struct rlimit rl;
	int top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1024
		      ? (int)rl.rlim_cur
		      : 1024;
	int held = 0;
	for (int k = 3; k < top; k++)
		if (k != f && dup2(f, k) == k)
			held++;
	int r = reread();
	bool kept = true;
	for (int k = 3; k < top; k++) {
		struct stat s;
		if (k != r && (fstat(k, &s) < 0 || s.st_ino != fs.st_ino ||
			       s.st_dev != fs.st_dev))
			kept = false;
	}
	fstat(f, &fs);
	printf("a file at every number from 3 to %d: %s, %s\n", top - 1,
	       kept ? "all still there" : "some lost",
	       fs.st_size == 0 ? "nothing written to it" : "written to");
	for (int k = 3; k < top; k++)
		if (k != r)
			close(k);
	if (r >= 0)
		close(r);
	low("after closing them");

	/* tiergate's own, for the mediated run's check */
	for (int fd = 64; fd < 2048; fd++) {
		struct stat s;
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && fstat(fd, &s) == 0 && S_ISSOCK(s.st_mode))
			fprintf(stderr, "socket %d%s\n", fd,
				fl & FD_CLOEXEC ? " cloexec" : "");
	}
	return held > 0 ? 0 : 1;
}
