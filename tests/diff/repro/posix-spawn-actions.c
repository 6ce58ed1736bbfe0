/* posix_spawn's file actions take effect in the child: a descriptor closed
 * by addclose is closed there, a file opened by addopen is at the number
 * asked for, a dup2 copies. The child (this program again) reports its
 * descriptors 20 to 23 and writes through 22. High numbers, so that this
 * does not depend on which low ones are free (see lowest-descriptor.c). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child(void)
{
	for (int n = 20; n <= 23; n++)
		printf("  fd %d %s\n", n, fcntl(n, F_GETFD) >= 0 ? "open" : "closed");
	fflush(stdout);
	if (fcntl(22, F_GETFD) >= 0 && write(22, "via22\n", 6) != 6)
		return 1;
	return 0;
}

static void run(const char *what, posix_spawn_file_actions_t *fa)
{
	char *argv[] = {"posix-spawn-actions", "child", NULL};
	pid_t pid;
	int st, rc;

	printf("%s:\n", what);
	fflush(stdout);
	rc = posix_spawn(&pid, "/proc/self/exe", fa, NULL, argv, environ);
	if (rc != 0)
		printf("  posix_spawn: %s\n", strerrorname_np(rc));
	else if (waitpid(pid, &st, 0) == pid)
		printf("  child status %d\n", st);
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char buf[64] = "";
	int fd, n, rfd;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	/* two inheritable descriptors at 20 and 21 */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 20) != 20 || dup2(fd, 21) != 21)
		return 1;
	close(fd);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 20);
	run("addclose(20)", &fa);
	posix_spawn_file_actions_destroy(&fa);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 22, "out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	run("addopen(22, out.txt)", &fa);
	posix_spawn_file_actions_destroy(&fa);
	rfd = open("out.txt", O_RDONLY | O_CLOEXEC);
	n = rfd < 0 ? -1 : (int)read(rfd, buf, sizeof(buf) - 1);
	printf("out.txt holds: %s", n > 0 ? buf : "(nothing)\n");

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 21, 23);
	posix_spawn_file_actions_addclose(&fa, 21);
	run("adddup2(21, 23), addclose(21)", &fa);
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
