/* A root program starts a child as another user (subprocess's user=,
 * su -c, a build dropping privileges): the child runs with that uid and
 * reads what that user may read. CPython's test_subprocess test_user does
 * this with uid 65534. In user mode policyd's socket sits in a directory
 * only its owner can enter (XDG_RUNTIME_DIR or TIERGATE_RUNDIR, 0700).
 * Prints the child's first line of /etc/os-release and its exit status;
 * not run unless root (prints that instead). */
#include <grp.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int st;
	pid_t pid;

	if (geteuid() != 0) {
		printf("not root: nothing to do\n");
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(126);
		execl("/usr/bin/head", "head", "-n1", "/etc/os-release", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	printf("child as uid 65534: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
