/* posix_spawn's file actions must have their native effect under
 * mediation. Run in an empty scratch directory; prints what every spawned
 * child finds, for a comparison with a native run.
 *
 *   spawnfa        the spawns (the parent)
 *   spawnfa child  what a child finds: its descriptors 0..63 and its cwd,
 *                  after one open of its own (which is when the interposer
 *                  in the child first talks to policyd)
 *   spawnfa read FILE  cat with FILE opened as its stdin by a file action
 *                  (the child's open is libc's own: decided in the parent)
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child(void)
{
	int probe = open("/etc/hostname", O_RDONLY);
	if (probe >= 0)
		close(probe);
	char line[2048] = "";
	size_t o = 0;
	for (int fd = 0; fd < 64; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			continue;
		char p[64], l[512] = "";
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(p, l, sizeof(l) - 1);
		l[n > 0 ? n : 0] = '\0';
		const char *base = strrchr(l, '/');
		/* files by name, anything else by kind */
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %d:%s", fd,
				      S_ISREG(st.st_mode) && base ? base + 1
				      : S_ISFIFO(st.st_mode)	  ? "pipe"
				      : S_ISSOCK(st.st_mode)	  ? "socket"
								  : "other");
		if (o >= sizeof(line))
			break;
	}
	char cwd[1024];
	const char *c = getcwd(cwd, sizeof(cwd)) ? strrchr(cwd, '/') : NULL;
	printf("  fds%s; cwd %s\n", line, c ? c + 1 : "?");
	if (fcntl(5, F_GETFD) >= 0)
		dprintf(5, "written by the child through 5\n");
	return 0;
}

/* one spawn: what the child printed, then the spawn's result */
static void spawn(const char *label, const char *prog,
		  posix_spawn_file_actions_t *fa, int search)
{
	char *argv[] = {(char *)"spawnfa", (char *)"child", NULL};
	pid_t pid;
	fflush(stdout);
	int r = search ? posix_spawnp(&pid, prog, fa, NULL, argv, environ)
		       : posix_spawn(&pid, prog, fa, NULL, argv, environ);
	int st = -1;
	if (r == 0 && waitpid(pid, &st, 0) != pid)
		st = -1;
	/* after the child's own line */
	printf("%s: %s", label, r ? strerror(r) : "spawned");
	if (r == 0)
		printf(", exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("\n");
}

static int read_through_cat(const char *file)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, file, O_RDONLY, 0);
	char *argv[] = {(char *)"cat", NULL};
	pid_t pid;
	fflush(stdout);
	int r = posix_spawnp(&pid, "cat", &fa, NULL, argv, environ);
	int st = -1;
	if (r == 0)
		waitpid(pid, &st, 0);
	printf("spawn cat <%s: %s\n", file, r ? strerror(r) : "spawned");
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	if (argc > 2 && !strcmp(argv[1], "read"))
		return read_through_cat(argv[2]);
	char self[1024];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 2;
	self[n] = '\0';
	if (mkdir("sub", 0755) < 0 || symlink(self, "sub/prog") < 0)
		return 2;
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 0);
	spawn("addclose 0", self, &fa, 0);
	posix_spawn_file_actions_destroy(&fa);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 5, "opened.txt",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	spawn("addopen 5 opened.txt", self, &fa, 0);
	posix_spawn_file_actions_destroy(&fa);

	int f = open("dup.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, f, 7);
	posix_spawn_file_actions_adddup2(&fa, f, 5);
	posix_spawn_file_actions_addclose(&fa, 2);
	spawn("adddup2 to 7 and 5, addclose 2", self, &fa, 0);
	posix_spawn_file_actions_destroy(&fa);
	close(f);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, "sub");
	spawn("addchdir sub, ./prog", "./prog", &fa, 0);
	spawn("addchdir sub, prog by PATH ./ (posix_spawnp)", "./prog", &fa, 1);
	posix_spawn_file_actions_destroy(&fa);

	int d = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addfchdir_np(&fa, d);
	spawn("addfchdir sub, ./prog", "./prog", &fa, 0);
	posix_spawn_file_actions_destroy(&fa);
	close(d);

	/* a program that is not there: the error posix_spawn returns */
	spawn("no such program", "./missing", NULL, 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, "nowhere");
	spawn("addchdir to a missing directory", self, &fa, 0);
	posix_spawn_file_actions_destroy(&fa);

	FILE *o = fopen("opened.txt", "r");
	char line[128] = "";
	printf("opened.txt: %s",
	       o && fgets(line, sizeof(line), o) ? line : "(empty)\n");
	if (o)
		fclose(o);
	o = fopen("dup.txt", "r");
	line[0] = '\0';
	printf("dup.txt: %s",
	       o && fgets(line, sizeof(line), o) ? line : "(empty)\n");
	if (o)
		fclose(o);
	return 0;
}
