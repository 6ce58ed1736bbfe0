/* SPDX-License-Identifier: MIT */
/*
 * Bypass: reads of files the policy denies, by raw system calls from a
 * static binary (no interposer; the seccomp filter does not notify
 * read-only opens). Built static.
 *   static_denyread read PATH     openat + read: prints what it read
 *   static_denyread umount PATH   takes the mask off (umount2), then reads
 *   static_denyread waitread TRIGGER PATH
 *                                 prints "waiting", waits (faccessat, no
 *                                 open) until TRIGGER exists, then reads
 *                                 PATH
 *   static_denyread clone PATH    reads PATH through a clone of its
 *                                 directory's mount without submounts
 *                                 (open_tree): what a mask hides
 * Prints "read N: TEXT" (TEXT: the first line) or "refused errno=E".
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

static int read_at(int dirfd, const char *path)
{
	char buf[256] = "";
	long fd = syscall(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("read: refused errno=%d\n", errno);
		return 1;
	}
	long n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	close((int)fd);
	if (n < 0) {
		printf("read: refused errno=%d\n", errno);
		return 1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("read %ld: %s\n", n, buf);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 4 && !strcmp(argv[1], "waitread")) {
		printf("waiting\n");
		for (int i = 0; i < 6000; i++) { /* 60 s */
			if (syscall(SYS_faccessat, AT_FDCWD, argv[2], F_OK) == 0)
				return read_at(AT_FDCWD, argv[3]);
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
		}
		printf("waitread: no trigger\n");
		return 1;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s read|umount|clone PATH\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1], *path = argv[2];
	if (!strcmp(mode, "umount")) {
		if (syscall(SYS_umount2, path, MNT_DETACH) < 0)
			printf("umount: refused errno=%d\n", errno);
		else
			printf("umount: done\n");
	} else if (!strcmp(mode, "clone")) {
		char d[4096], b[4096];
		snprintf(d, sizeof(d), "%s", path);
		snprintf(b, sizeof(b), "%s", path);
		long fd = syscall(SYS_open_tree, AT_FDCWD, dirname(d),
				  OPEN_TREE_CLONE | O_CLOEXEC);
		if (fd < 0) {
			printf("clone: refused errno=%d\n", errno);
			return 1;
		}
		return read_at((int)fd, basename(b));
	}
	return read_at(AT_FDCWD, path);
}
