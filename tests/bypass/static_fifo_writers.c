/* Not an attack on a boundary: a FIFO's semantics under mediation.
 * Natively a writer blocked in its open(O_WRONLY) of a FIFO already counts
 * as one of its writers, so a reader that comes later reads every
 * waiting writer's data before it sees end of file. Under tiergate such
 * writers wait parked and policyd opens the FIFO for each of them when the
 * reader has come; a writer that wrote and exited before the next was
 * opened gave the reader an early end of file, and the writers not yet
 * opened then waited for a reader that had gone.
 * Usage: static_fifo_writers PATH N ROUNDS. Each round makes the FIFO
 * PATH, starts N writers (each: open, write one line, exit at once: the
 * narrowest window), waits until all are in their open, reads PATH to end of
 * file, gives the writers 3 s more to finish (the ones left are killed) and
 * removes PATH. Prints "rounds R, short reads S, writers left W" (S: rounds
 * whose reader saw fewer than N lines; W: writers still waiting, summed over
 * rounds). Static: only the kernel path sees it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXW 64

static int count_lines(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	char buf[4096];
	int lines = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0 ||
	       (r < 0 && errno == EINTR))
		for (ssize_t i = 0; i < r; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

/* Waits (up to 10 s) until every writer is in its open: the reader must
 * come after all of them, natively as under tiergate (a writer that came
 * after the reader had its end of file would wait for a reader forever,
 * natively too). Read from /proc/PID/syscall: the call's number while a
 * process is in it (waiting in the kernel or parked by policyd alike). */
static void wait_in_open(const pid_t *kids, int n)
{
	for (int t = 0; t < 1000; t++) {
		int in = 0;
		for (int i = 0; i < n; i++) {
			char p[64], buf[64] = "";
			snprintf(p, sizeof(p), "/proc/%d/syscall",
				 (int)kids[i]);
			int fd = open(p, O_RDONLY);
			if (fd >= 0) {
				ssize_t r = read(fd, buf, sizeof(buf) - 1);
				buf[r > 0 ? r : 0] = '\0';
				close(fd);
			}
			in += atol(buf) == SYS_openat && buf[0] != '\0';
		}
		if (in == n)
			break;
		usleep(10000);
	}
	/* in its open is not yet seen by policyd: a writer whose call is
	 * still in the kernel's queue when the reader comes and the others
	 * have written is unknown to policyd (threat-model.md); a moment for
	 * policyd to receive them all */
	usleep(300000);
}

/* One round: the lines the reader got; *left: writers still waiting. */
static int one_round(const char *path, int n, int *left)
{
	if (mkfifo(path, 0600) < 0) {
		printf("mkfifo %s: %s\n", path, strerror(errno));
		exit(1);
	}
	pid_t kids[MAXW];
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			printf("fork: %s\n", strerror(errno));
			exit(1);
		}
		if (kids[i] == 0) {
			int fd = open(path, O_WRONLY);
			if (fd < 0)
				_exit(3);
			char line[32];
			int l = snprintf(line, sizeof(line), "writer %d\n", i);
			_exit(write(fd, line, (size_t)l) == l ? 0 : 4);
		}
	}
	wait_in_open(kids, n);
	int lines = count_lines(path);
	*left = n;
	for (int t = 0; t < 300 && *left; t++) {
		while (*left && waitpid(-1, NULL, WNOHANG) > 0)
			(*left)--;
		if (*left)
			usleep(10000);
	}
	for (int i = 0; i < n && *left; i++)
		kill(kids[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	unlink(path);
	return lines;
}

int main(int argc, char **argv)
{
	int n = argc == 4 ? atoi(argv[2]) : 0;
	int rounds = argc == 4 ? atoi(argv[3]) : 0;
	if (n < 1 || n > MAXW || rounds < 1) {
		fprintf(stderr,
			"usage: static_fifo_writers PATH N (1..%d) ROUNDS\n",
			MAXW);
		return 2;
	}
	int shorts = 0, left_all = 0;
	for (int r = 0; r < rounds; r++) {
		int left;
		if (one_round(argv[1], n, &left) != n)
			shorts++;
		left_all += left;
	}
	printf("rounds %d, short reads %d, writers left %d\n", rounds, shorts,
	       left_all);
	return 0;
}
