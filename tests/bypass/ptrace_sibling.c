/* Attack: ptrace another process of the session (to make it do what we may
 * not). Forks a sibling that waits, then attaches to it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	long r = ptrace(PTRACE_ATTACH, c, 0, 0);
	int e = errno;
	if (r == 0) {
		waitpid(c, NULL, 0);
		ptrace(PTRACE_DETACH, c, 0, 0);
		printf("ptrace: attached\n");
	} else {
		printf("ptrace: refused errno=%d\n", e);
	}
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return r == 0 ? 0 : 1;
}
