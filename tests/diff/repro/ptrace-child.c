/* A process may trace its own child (what strace, gdb and sanitizers'
 * leak checkers do): PTRACE_SEIZE of a child it forked, then PTRACE_INTERRUPT
 * and a wait for the stop. Prints each step's result. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
		printf("PTRACE_SEIZE: %s\n", strerrorname_np(errno));
	} else {
		printf("PTRACE_SEIZE: 0\n");
		printf("PTRACE_INTERRUPT: %s\n", ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 ? strerrorname_np(errno) : "0");
		if (waitpid(pid, &st, 0) == pid)
			printf("stopped: %s\n", WIFSTOPPED(st) ? "yes" : "no");
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}
