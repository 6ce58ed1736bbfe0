/* Opens and closes files read-only N times (the open workload of make bench).
 * Usage: bench_open DIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]);
	char p[4096];
	for (long i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/f%ld.c", argv[1], i % 100);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(p);
			return 1;
		}
		close(fd);
	}
	return 0;
}
