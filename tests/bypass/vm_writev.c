/* Attack: write another process's memory with process_vm_writev. The child
 * waits for its flag to change; the parent changes it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile int flag = 0;
int main(void)
{
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < 200 && !flag; i++)
			usleep(10000);
		_exit(flag == 42 ? 0 : 1);
	}
	int v = 42;
	struct iovec l = {&v, sizeof(v)}, r = {(void *)&flag, sizeof(flag)};
	ssize_t n = process_vm_writev(c, &l, 1, &r, 1, 0);
	int e = errno;
	int st;
	if (n < 0)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	if (n == sizeof(v) && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("process_vm_writev: wrote the sibling's memory\n");
		return 0;
	}
	printf("process_vm_writev: refused errno=%d\n", e);
	return 1;
}
