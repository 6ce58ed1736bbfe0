/* SPDX-License-Identifier: MIT */
/*
 * static_write FILE: creates FILE and writes one line to it, as a static
 * program (built -static: no interposer, only the kernel path sees it).
 * Prints "static: written" or "static: refused errno=N".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: static_write FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		printf("static: refused errno=%d\n", errno);
		return 1;
	}
	static const char line[] = "static wrote\n";
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		printf("static: write failed errno=%d\n", errno);
		close(fd);
		return 1;
	}
	close(fd);
	printf("static: written\n");
	return 0;
}
