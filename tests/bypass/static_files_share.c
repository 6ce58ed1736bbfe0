/* Attack: a process that shares its descriptor table with the one that
 * execs, without being one of its threads (clone(CLONE_FILES) without
 * CLONE_THREAD), so a thread count alone does not see it: it can re-point
 * the descriptor of an fexecve/execveat(fd, "", AT_EMPTY_PATH) (dup2)
 * after policyd decided on it and before the kernel looks it up again.
 * This program checks the mechanism: the child re-points descriptor FD
 * at /dev/null, and the parent sees the change.
 *   static_files_share FILE
 * says "shared: the child re-pointed the parent's descriptor" or
 * "clone: refused errno=N". Static: only the kernel backstop sees it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fd;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDONLY);
	int nul = open("/dev/null", O_RDONLY);
	struct stat before, after, dn;
	if (fd < 0 || nul < 0 || fstat(fd, &before) < 0 || fstat(nul, &dn) < 0)
		return 2;
	/* a raw clone: libc's would want a stack for CLONE_VM only */
	long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		printf("clone: refused errno=%d\n", errno);
		return 1;
	}
	if (pid == 0) {
		dup2(nul, fd);
		_exit(0);
	}
	waitpid((pid_t)pid, NULL, 0);
	if (fstat(fd, &after) == 0 && after.st_ino == dn.st_ino &&
	    after.st_dev == dn.st_dev && before.st_ino != dn.st_ino) {
		printf(
		    "shared: the child re-pointed the parent's descriptor\n");
		return 0;
	}
	printf("not shared\n");
	return 1;
}
