/* Attack (static): run a program through an O_PATH descriptor with
 * execveat(fd, "", AT_EMPTY_PATH). Usage: static_execveat PROGRAM */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_PATH | O_CLOEXEC);
	if (fd < 0) {
		printf("open: errno=%d\n", errno);
		return 1;
	}
	char *args[] = {argv[1], "via-execveat", NULL};
	char *env[] = {NULL};
	syscall(SYS_execveat, fd, "", args, env, AT_EMPTY_PATH);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
