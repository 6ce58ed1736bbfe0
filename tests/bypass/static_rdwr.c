/* Attack: open(PATH, O_RDWR | O_CREAT) where reading is allowed everywhere
 * but writing is not: a policy engine that lets a read rule answer for the
 * whole open lets the write (and the create) through.
 * Usage: static_rdwr PATH. Static: only the kernel backstop sees it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		printf("open: refused errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}
	if (write(fd, "written\n", 8) != 8)
		return 1;
	printf("open: created and written\n");
	return 0;
}
