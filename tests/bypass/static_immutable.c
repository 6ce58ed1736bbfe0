/* Attack (root sessions): make a file immutable with FS_IOC_SETFLAGS on a
 * read-only descriptor; no open for writing, no path call, so only the
 * capability decides (CAP_LINUX_IMMUTABLE). The native run puts the flag
 * back. Usage: static_immutable FILE. Prints "made immutable" or
 * "refused errno=N". Static: only the kernel sees it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	int fl = 0;
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &fl) < 0) {
		printf("flags: unsupported errno=%d\n", errno);
		return 2;
	}
	int on = fl | FS_IMMUTABLE_FL;
	if (ioctl(fd, FS_IOC_SETFLAGS, &on) < 0) {
		printf("refused errno=%d\n", errno);
		return 1;
	}
	(void)ioctl(fd, FS_IOC_SETFLAGS, &fl);
	printf("made immutable\n");
	return 0;
}
