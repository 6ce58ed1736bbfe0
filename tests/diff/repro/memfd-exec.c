/* Running a program that has no file name: a copy of /bin/echo in a memfd,
 * run with fexecve (what some packers, JITs and container tools do). Under
 * permissive.yaml (default: allow, no rules) it runs as natively. Prints
 * the child's output and status. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	char buf[65536], *argv[] = {"echo", "ran from a memfd", NULL};
	int fd = memfd_create("echo", 0), src = open("/bin/echo", O_RDONLY | O_CLOEXEC), st;
	ssize_t n;
	pid_t pid;

	if (fd < 0 || src < 0)
		return 1;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fexecve(fd, argv, environ);
		perror("fexecve");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
