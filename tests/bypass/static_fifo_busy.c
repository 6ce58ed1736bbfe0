/* Not an attack on a boundary: a FIFO's writer waiting parked in policyd
 * while other processes keep policyd busy. Three children loop on
 * write-opens of NAME.0-2 (calls the kernel path hands to policyd) for
 * SECONDS; another
 * child opens FIFO for writing and waits (no reader yet); when that writer
 * is in its open, the parent opens FIFO for reading and times how long its
 * line takes to come. Natively: at once. policyd tried parked calls again
 * only when it had been idle for 5 ms, so a tight loop of notified calls
 * kept the writer waiting until the loop ended.
 * Usage: static_fifo_busy FIFO NAME SECONDS. Prints "line after MS ms,
 * opens N" (N: the loops' write-opens). Static: only the kernel path. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void hammer(const char *name, double secs, int out)
{
	double t0 = now_s();
	long n = 0;
	do {
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			close(fd);
		n++;
	} while (now_s() - t0 < secs);
	(void)!write(out, &n, sizeof(n));
	_exit(0);
}

/* Whether pid is in an openat (waiting in the kernel or parked alike). */
static bool in_open(pid_t pid)
{
	char p[64], buf[64] = "";
	snprintf(p, sizeof(p), "/proc/%d/syscall", (int)pid);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[r > 0 ? r : 0] = '\0';
	return buf[0] && atol(buf) == SYS_openat;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: static_fifo_busy FIFO NAME SECONDS\n");
		return 2;
	}
	int pfd[2];
	if (mkfifo(argv[1], 0600) < 0 || pipe(pfd) < 0) {
		printf("mkfifo %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* three loops: policyd idle for 5 ms would need all three off the
	 * CPU at once (one alone left such gaps on a loaded machine) */
	pid_t h[3];
	for (int i = 0; i < 3; i++) {
		h[i] = fork();
		if (h[i] == 0) {
			char name[4096];
			snprintf(name, sizeof(name), "%s.%d", argv[2], i);
			hammer(name, atof(argv[3]), pfd[1]);
		}
	}
	pid_t w = fork();
	if (w == 0) {
		int fd = open(argv[1], O_WRONLY);
		_exit(fd >= 0 && write(fd, "hi\n", 3) == 3 ? 0 : 3);
	}
	usleep(500000); /* the loop is going */
	for (int t = 0; t < 1000 && !in_open(w); t++)
		usleep(10000);
	usleep(50000);
	double t0 = now_s();
	int fd = open(argv[1], O_RDONLY);
	char buf[16];
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	double took = now_s() - t0;
	long n = 0;
	for (int i = 0; i < 3; i++) {
		long one = 0;
		if (read(pfd[0], &one, sizeof(one)) == sizeof(one))
			n += one;
		waitpid(h[i], NULL, 0);
	}
	waitpid(w, NULL, 0);
	if (r != 3) {
		printf("no line read (%zd)\n", r);
		return 1;
	}
	printf("line after %.0f ms, opens %ld\n", took * 1000, n);
	return 0;
}
