/* What one page fault costs on this machine (make bench, micro section):
 * the per-exec figures of docs/performance.md count faults (ld.so loading
 * the preloaded library, pages a fork child writes before its exec), and
 * what a fault costs differs by a factor of ten between bare metal and a
 * virtual machine. Four kinds, each over N fresh pages, in microseconds a
 * fault:
 *   anon   first write to an anonymous private page (a zero page filled)
 *   cow    a fork child's first write to a page its parent wrote (copied)
 *   file   first write to a private mapping of a file in the page cache
 *          (copied from the cache: ld.so relocating a library's data)
 *   read   first read of a shared file mapping (mapped from the cache;
 *          the kernel maps up to 16 neighbours a fault: per page touched)
 * Usage: bench_faults [N]   (N pages, default 4096; the file is made in
 * $TMPDIR or /tmp and removed). Prints one line per kind, then exits 0;
 * exits 1 with a message if a mapping cannot be made. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* us per page to write one byte of each of n pages at p */
static double touch(volatile char *p, size_t n, size_t pg, char v)
{
	double t0 = now_us();
	for (size_t i = 0; i < n; i++)
		p[i * pg] = v;
	return (now_us() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 4096;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	if (n < 16 || n > (1u << 20)) {
		fprintf(stderr, "bench_faults: N between 16 and 1048576\n");
		return 1;
	}
	size_t len = n * pg;
	char *a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		perror("bench_faults: mmap");
		return 1;
	}
	printf("anon %.2f\n", touch(a, n, pg, 1));
	/* the child's writes copy the parent's pages; its figure comes back
	 * through a pipe (stdout is not flushed twice) */
	int pfd[2];
	if (pipe(pfd) < 0) {
		perror("bench_faults: pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_faults: fork");
		return 1;
	}
	if (pid == 0) {
		double us = touch(a, n, pg, 2);
		ssize_t w = write(pfd[1], &us, sizeof(us));
		_exit(w == (ssize_t)sizeof(us) ? 0 : 1);
	}
	double cow = -1;
	int st;
	ssize_t r = read(pfd[0], &cow, sizeof(cow));
	if (waitpid(pid, &st, 0) != pid || r != (ssize_t)sizeof(cow) ||
	    !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench_faults: the fork child failed\n");
		return 1;
	}
	printf("cow %.2f\n", cow);
	munmap(a, len);

	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/bench_faults.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("bench_faults: mkstemp");
		return 1;
	}
	unlink(path);
	/* written through once, so every page is in the page cache */
	char *buf = calloc(1, pg);
	for (size_t i = 0; buf && i < n; i++)
		if (write(fd, buf, pg) != (ssize_t)pg) {
			perror("bench_faults: write");
			return 1;
		}
	free(buf);
	char *f = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (f == MAP_FAILED || s == MAP_FAILED) {
		perror("bench_faults: mmap of the file");
		return 1;
	}
	printf("file %.2f\n", touch(f, n, pg, 3));
	volatile char sum = 0;
	double t0 = now_us();
	for (size_t i = 0; i < n; i++)
		sum += s[i * pg];
	printf("read %.2f\n", (now_us() - t0) / (double)n);
	close(fd);
	return 0;
}
