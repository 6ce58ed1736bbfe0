/* Calls that cannot succeed must fail as natively, whatever policyd would
 * say (they are not decided): a bad descriptor, a program or a name that
 * is not there, a name that is, flags the kernel refuses. Run in a scratch
 * directory holding a directory "dir" and a file "plain" (not a program);
 * prints one line per call with its errno, for a comparison with a native run.
 * errs env: also, a program given 5,000 variables of its own gets them,
 * and one given 5,000 arguments by execl gets them.
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

static void say(const char *what, int r)
{
	printf("%s: %s\n", what, r < 0 ? strerror(errno) : "returned");
	fflush(stdout);
}

static void say_spawn(const char *what, int r)
{
	printf("%s: %s\n", what, r ? strerror(r) : "spawned");
	fflush(stdout);
}

/* env in a child given n variables of its own: how many it saw */
static void big_env(int n)
{
	char **env = calloc((size_t)n + 2, sizeof(*env));
	for (int i = 0; i < n; i++) {
		env[i] = malloc(16);
		snprintf(env[i], 16, "V%d=x", i);
	}
	env[n] = "PATH=/usr/bin:/bin";
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *argv[] = {"env", NULL};
		execve("/usr/bin/env", argv, env);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[64];
	int vars = 0;
	while (f && fgets(line, sizeof(line), f))
		if (line[0] == 'V')
			vars++;
	if (f)
		fclose(f);
	waitpid(pid, NULL, 0);
	printf("a child given %d variables of its own sees %d\n", n, vars);
}

/* 5,000 arguments, written out (execl takes them one by one) */
#define A10 "a", "a", "a", "a", "a", "a", "a", "a", "a", "a"
#define A100 A10, A10, A10, A10, A10, A10, A10, A10, A10, A10
#define A1000 A100, A100, A100, A100, A100, A100, A100, A100, A100, A100
static void big_execl(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "echo execl passed $# arguments",
		      "sh", A1000, A1000, A1000, A1000, A1000, (char *)NULL);
		printf("execl failed: %s\n", strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv0)
{
	char *argv[] = {"x", NULL};
	say("fexecve of a bad descriptor", fexecve(99, argv, environ));
	say("execveat of a bad descriptor, AT_EMPTY_PATH",
	    execveat(99, "", argv, environ, AT_EMPTY_PATH));
	say("execveat relative to a bad descriptor",
	    execveat(99, "true", argv, environ, 0));
	say("execv of a missing program", execv("./missing", argv));
	say("execvp of a missing program", execvp("tg-missing-prog", argv));
	say("execv of a directory", execv("dir", argv));
	say("execv of a file that is not executable", execv("plain", argv));
	pid_t pid;
	say_spawn("posix_spawn of a missing program",
		  posix_spawn(&pid, "./missing", NULL, NULL, argv, environ));
	say_spawn(
	    "posix_spawnp of a missing program",
	    posix_spawnp(&pid, "tg-missing-prog", NULL, NULL, argv, environ));
	FILE *fx = fopen("plain", "wx");
	printf("fopen wx of a file that is there: %s\n",
	       fx ? "opened" : strerror(errno));
	say("open O_CREAT|O_EXCL of a file that is there",
	    open("plain", O_WRONLY | O_CREAT | O_EXCL, 0644));
	say("mkdir of a directory that is there", mkdir("dir", 0755));
	say("unlink of a missing file", unlink("missing"));
	say("rename of a missing file", rename("missing", "other"));
	say("truncate of a missing file", truncate("missing", 0));
	say("open O_WRONLY of a missing file", open("missing", O_WRONLY));
	/* flags the kernel refuses before it looks at the name */
	say("open O_TMPFILE|O_CREAT|O_EXCL of a directory that is there",
	    open("dir", O_WRONLY | O_TMPFILE | O_CREAT | O_EXCL, 0600));
	say("open O_TMPFILE|O_CREAT of a directory",
	    open("dir", O_RDWR | O_TMPFILE | O_CREAT, 0600));
	say("open O_TMPFILE read-only",
	    open("dir", O_RDONLY | O_TMPFILE, 0600));
	if (argc > 1 && !strcmp(argv0[1], "env")) {
		big_env(5000);
		big_execl();
	}
	return 0;
}
