/* Attack (static): copy a program into an anonymous memfd and run that, so
 * no path names it. Usage: static_memfd PROGRAM */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int in = open(argv[1], O_RDONLY | O_CLOEXEC);
	int mfd = (int)syscall(SYS_memfd_create, "innocent", 0);
	if (in < 0 || mfd < 0)
		return 1;
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return 1;
	char *args[] = {"innocent", "from-memfd", NULL};
	char *env[] = {NULL};
	syscall(SYS_execveat, mfd, "", args, env, AT_EMPTY_PATH);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
