/* The calls tiergate's kernel path notifies, one kind at a time, in a hot
 * loop: what one costs the caller (make bench, micro section: natively,
 * under bench_floor, under bench_floor --perform and in a session).
 * Usage: bench_calls KIND DIR N, KIND one of
 *   write   open(DIR/w.txt, O_WRONLY|O_CREAT|O_TRUNC) of a file that exists
 *   null    open("/dev/null", O_WRONLY)
 *   rename  rename(DIR/r.a, DIR/r.b) and back
 *   unlink  unlink(DIR/u.N) of N files made before the clock starts (ext4's
 *           creates here take 30-200 us by what was freed before them: a
 *           loop timing them too measured the file system)
 * Prints the mean microseconds per call. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	const char *kind = argv[1], *dir = argv[2];
	long n = atol(argv[3]), calls = 0;
	char a[4096], b[4096];
	double t0 = 0;
	if (!strcmp(kind, "write") || !strcmp(kind, "null")) {
		if (!strcmp(kind, "write"))
			snprintf(a, sizeof(a), "%s/w.txt", dir);
		else
			snprintf(a, sizeof(a), "/dev/null");
		int flags =
		    O_WRONLY | (strcmp(kind, "null") ? O_CREAT | O_TRUNC : 0);
		t0 = now_us();
		for (long i = 0; i < n; i++, calls++) {
			int fd = open(a, flags, 0644);
			if (fd < 0)
				return fail(a);
			close(fd);
		}
	} else if (!strcmp(kind, "rename")) {
		snprintf(a, sizeof(a), "%s/r.a", dir);
		snprintf(b, sizeof(b), "%s/r.b", dir);
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return fail(a);
		close(fd);
		t0 = now_us();
		for (long i = 0; i < n; i++, calls += 2)
			if (rename(a, b) < 0 || rename(b, a) < 0)
				return fail("rename");
		unlink(a);
	} else if (!strcmp(kind, "unlink")) {
		for (long i = 0; i < n; i++) {
			snprintf(a, sizeof(a), "%s/u.%ld", dir, i);
			int fd = open(a, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				return fail(a);
			close(fd);
		}
		t0 = now_us();
		for (long i = 0; i < n; i++, calls++) {
			snprintf(a, sizeof(a), "%s/u.%ld", dir, i);
			if (unlink(a) < 0)
				return fail(a);
		}
	} else {
		fprintf(stderr, "bench_calls: unknown kind %s\n", kind);
		return 2;
	}
	printf("%.1f\n", (now_us() - t0) / (double)calls);
	return 0;
}
