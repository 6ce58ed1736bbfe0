/* Attack (built -static): run a program from a place the policy never lets
 * programs run from, with a raw execve. Usage: static_exec PROGRAM */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char *args[] = {argv[1], NULL};
	char *env[] = {NULL};
	syscall(SYS_execve, argv[1], args, env);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
