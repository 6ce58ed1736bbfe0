/* posix_spawn, posix_spawnp and popen from C. Usage: spawn TARGETFILE
 * Spawns "touch TARGETFILE" three ways and reports each result. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char *args[] = {"touch", argv[1], NULL};
	pid_t pid;
	int r = posix_spawn(&pid, "/usr/bin/touch", NULL, NULL, args, environ);
	int st = -1;
	if (r == 0)
		waitpid(pid, &st, 0);
	printf("posix_spawn=%d status=%d\n", r, st);
	r = posix_spawnp(&pid, "touch", NULL, NULL, args, environ);
	st = -1;
	if (r == 0)
		waitpid(pid, &st, 0);
	printf("posix_spawnp=%d status=%d\n", r, st);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "touch '%s' && echo done", argv[1]);
	FILE *p = popen(cmd, "r");
	char line[64] = "";
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
	}
	printf("popen=%s errno=%d out=%s\n", p ? "ok" : "NULL", p ? 0 : errno,
	       line[0] ? line : "-\n");
	return 0;
}
