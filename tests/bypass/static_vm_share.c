/* Attack: a process that shares its memory with the one that execs, without
 * being one of its threads, so a thread count alone does not see it.
 *
 *   static_vm_share clone PROGRAM   clone(CLONE_VM) without CLONE_VFORK: the
 *                                   parent keeps running in the child's
 *                                   memory and rewrites argv[1] while the
 *                                   child execs PROGRAM harmless
 *   static_vm_share vforks PROGRAM  a process with a second thread vforks B,
 *                                   B vforks C, C execs PROGRAM harmless: C's
 *                                   parent B is single-threaded, but C's
 *                                   memory is also P's, whose other thread
 *                                   is running
 *
 * Static: only the kernel backstop sees it. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char arg[32] = "harmless";
static char *prog;
static volatile int done;

static int child(void *p)
{
	(void)p;
	char *args[] = {prog, arg, NULL};
	char *env[] = {NULL};
	syscall(SYS_execve, prog, args, env);
	printf("exec: refused errno=%d\n", errno);
	fflush(stdout);
	done = 1;
	_exit(1);
}

static void *idle(void *p)
{
	(void)p;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	prog = argv[2];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "clone")) {
		size_t sz = 256 * 1024;
		char *stack = malloc(sz);
		if (!stack)
			return 2;
		pid_t c = clone(child, stack + sz, CLONE_VM | SIGCHLD, NULL);
		if (c < 0) {
			printf("clone: refused errno=%d\n", errno);
			return 1;
		}
		/* rewrite while the child execs; stop once it is gone */
		for (unsigned long i = 0; !done && i < 50000000ul; i++) {
			memcpy(arg, i & 1 ? "forbidden" : "harmless\0", 10);
			if ((i & 0xffff) == 0 && waitpid(c, NULL, WNOHANG) == c)
				return 0;
		}
		waitpid(c, NULL, 0);
		return 0;
	}
	if (!strcmp(argv[1], "vforks")) {
		pthread_t t;
		if (pthread_create(&t, NULL, idle, NULL))
			return 2;
		pid_t b = vfork();
		if (b == 0) {
			pid_t c = vfork();
			if (c == 0)
				child(NULL);
			int st;
			waitpid(c, &st, 0);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
		}
		int st;
		waitpid(b, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	return 2;
}
