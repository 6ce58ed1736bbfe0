/*
 * Read-only opens timed in short rounds (make bench builds it twice, as a
 * dynamic and as a static program). On a shared machine noise only ever
 * adds time, and it comes in spells longer than a round: the fastest round
 * is what an open costs when nothing else runs, and is compared across
 * runs natively, under bench_floor and under tiergate.
 * Usage: bench_rounds DIR ROUNDS PER_ROUND
 *        bench_rounds --exec ROUNDS PER_ROUND   (fork + execve of
 *        /bin/true with this environment: a dynamic program, which loads
 *        whatever is preloaded)
 * Prints: fastest-round and median-round ns per open+close (or exec).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	long rounds = atol(argv[2]), per = atol(argv[3]);
	if (rounds < 1 || rounds > 100000 || per < 1)
		return 2;
	bool ex = !strcmp(argv[1], "--exec");
	static char p[100][4096];
	for (int i = 0; i < 100; i++)
		snprintf(p[i], sizeof(p[i]), "%s/f%d.c", argv[1], i);
	double *r = malloc((size_t)rounds * sizeof(double));
	if (!r)
		return 1;
	char *targv[] = {"/bin/true", NULL};
	for (long j = 0; j < rounds; j++) {
		double t0 = now_ns();
		for (long i = 0; i < per && ex; i++) {
			pid_t c = fork();
			if (c == 0) {
				execve(targv[0], targv, environ);
				_exit(127);
			}
			int st;
			if (c < 0 || waitpid(c, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st)) {
				fprintf(stderr, "bench_rounds: exec failed\n");
				return 1;
			}
		}
		for (long i = 0; i < per && !ex; i++) {
			int fd = open(p[i % 100], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				perror(p[i % 100]);
				return 1;
			}
			close(fd);
		}
		r[j] = (now_ns() - t0) / (double)per;
	}
	qsort(r, (size_t)rounds, sizeof(double), cmp);
	printf("%.0f %.0f\n", r[0], r[rounds / 2]);
	free(r);
	return 0;
}
