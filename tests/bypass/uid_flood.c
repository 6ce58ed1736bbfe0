/* Attack: policyd's connections exhausted by local accounts outside any
 * session (in system mode the agent socket is open to every local user).
 * Run as root, it forks NUIDS processes, the i-th running as uid UID0+i
 * (gid the same, no supplementary groups: an ordinary local account), each
 * opening up to CONNS connections to SOCK (policyd's agent.sock), each
 * connection sending BYTES bytes of a message that never ends (a header
 * announcing 1 MiB: policyd keeps the part until the rest comes); they hold
 * them for SECS seconds, then exit. UID0 0 with NUIDS 1: root itself.
 * Usage: uid_flood SOCK UID0 NUIDS CONNS BYTES SECS. Prints "held N
 * connections" once they are open (N: how many policyd still had open, as
 * far as the attackers can tell: connections policyd closed read EOF),
 * "uids N" (how many of the uids held one at least), then "done". */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* the wire header: policyd reads the length first (tgp_peek_len) */
#include "../../common/tg_proto.h"
#include "unixconn.h"

/* One attacker: uid's connections, their count written to out. */
static void attacker(const char *path, uid_t uid, int conns, size_t bytes,
		     int secs, int out)
{
	int k = -1;
	if (uid != 0 &&
	    (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	     setresuid(uid, uid, uid) < 0 || getuid() != uid)) {
		fprintf(stderr, "uid %u: %s\n", (unsigned)uid, strerror(errno));
		(void)!write(out, &k, sizeof(k));
		_exit(1);
	}
	int *fds = calloc((size_t)conns, sizeof(int));
	int n = 0;
	while (fds && n < conns) {
		int fd = unix_unfinished(path, bytes);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	usleep(300000); /* policyd's closes arrive */
	k = fds ? unix_alive(fds, n) : 0;
	(void)!write(out, &k, sizeof(k));
	sleep((unsigned)secs);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: uid_flood SOCK UID0 NUIDS CONNS BYTES "
				"SECS\n");
		return 2;
	}
	const char *path = argv[1];
	uid_t uid0 = (uid_t)strtoul(argv[2], NULL, 10);
	int nuids = atoi(argv[3]), conns = atoi(argv[4]);
	size_t bytes = (size_t)atol(argv[5]);
	int secs = atoi(argv[6]);
	if (geteuid() != 0) {
		printf("unsupported: uid_flood changes uid, it needs root\n");
		return 77;
	}
	/* room for the connections (raised as root: each attacker could do
	 * as much with processes of its own) */
	struct rlimit nl;
	getrlimit(RLIMIT_NOFILE, &nl);
	if (nl.rlim_max < (rlim_t)conns + 64)
		conns = (int)nl.rlim_max - 64;
	nl.rlim_cur = nl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &nl);
	int pfd[2];
	if (pipe(pfd) < 0)
		return 2;
	for (int i = 0; i < nuids; i++) {
		pid_t p = fork();
		if (p < 0)
			return 2;
		if (p > 0)
			continue;
		close(pfd[0]);
		attacker(path, uid0 + (uid_t)i, conns, bytes, secs, pfd[1]);
	}
	close(pfd[1]);
	int total = 0, held_uids = 0, k, failed = 0;
	for (int i = 0; i < nuids; i++) {
		if (read(pfd[0], &k, sizeof(k)) != sizeof(k) || k < 0) {
			failed++;
			continue;
		}
		total += k;
		held_uids += k > 0;
	}
	printf("held %d connections\nuids %d\n", total, held_uids);
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	printf("done\n");
	return failed ? 1 : 0;
}
