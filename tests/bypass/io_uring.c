/* Attack: io_uring lets a process open files and connect without any system
 * call the filters see. Prints "io_uring: ring created" or the error. */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	long fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd >= 0) {
		printf("io_uring: ring created\n");
		return 0;
	}
	printf("io_uring: refused errno=%d\n", errno);
	return 1;
}
