/* Static-binary workloads for make bench (built -static, so only the kernel
 * backstop sees them):
 *   bench_static exec N        fork + raw execve of /bin/true, N times
 *   bench_static read DIR N    N read-only opens of DIR/f<i>.c
 *   bench_static write FILE N  N write-opens of FILE; prints p50/p99 µs
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[argc - 1]);
	if (!strcmp(argv[1], "exec")) {
		char *a[] = {"/bin/true", NULL}, *e[] = {NULL};
		for (long i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				syscall(SYS_execve, a[0], a, e);
				_exit(127);
			}
			int st;
			if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st))
				return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "read") && argc == 4) {
		char p[4096];
		for (long i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "%s/f%ld.c", argv[2], i % 100);
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return 1;
			close(fd);
		}
		return 0;
	}
	if (!strcmp(argv[1], "write") && argc == 4) {
		double *lat = malloc((size_t)n * sizeof(*lat));
		if (!lat)
			return 1;
		for (long i = 0; i < n; i++) {
			double t0 = now_us();
			int fd =
			    open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			lat[i] = now_us() - t0;
			if (fd < 0)
				return 1;
			close(fd);
		}
		qsort(lat, (size_t)n, sizeof(*lat), cmp);
		fprintf(stderr, "p50 %.1f p99 %.1f\n", lat[n / 2],
			lat[n * 99 / 100]);
		return 0;
	}
	return 2;
}
