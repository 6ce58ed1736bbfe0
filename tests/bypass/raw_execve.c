/* Attack (dynamic, but past the interposer): execve by raw system call.
 * Usage: raw_execve PROGRAM [ARGS...] */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char *env[] = {NULL};
	syscall(SYS_execve, argv[1], argv + 1, env);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
