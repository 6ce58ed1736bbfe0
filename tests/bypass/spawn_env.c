/* Attack: git started by posix_spawn (or posix_spawnp) with an environment
 * of its own (not the parent's environ) whose GIT_CONFIG_* redirect the
 * push of "origin" (remote.origin.pushurl) to another repository: a push
 * decided with the parent's environ is one to origin. Dynamic: the
 * interposer's posix_spawn hook. Usage: spawn_env spawn|spawnp PUSHURL
 * (in a repository with a remote "origin"). Prints "pushed" when git's
 * push succeeded, else "refused (status N)". */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	char url[4096];
	snprintf(url, sizeof(url), "GIT_CONFIG_VALUE_0=%s", argv[2]);
	char *env[] = {"GIT_CONFIG_COUNT=1",
		       "GIT_CONFIG_KEY_0=remote.origin.pushurl", url,
		       "HOME=/nonexistent", "PATH=/usr/bin:/bin", NULL};
	char *av[] = {"git", "push", "-q", "origin", "HEAD:spawned", NULL};
	pid_t pid;
	int e = !strcmp(argv[1], "spawnp")
		    ? posix_spawnp(&pid, "git", NULL, NULL, av, env)
		    : posix_spawn(&pid, "/usr/bin/git", NULL, NULL, av, env);
	if (e) {
		printf("refused (posix_spawn: %s)\n", strerror(e));
		return 1;
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("pushed\n");
		return 0;
	}
	printf("refused (status %d)\n", st);
	return 1;
}
