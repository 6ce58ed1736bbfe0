/* Attack (static): a datagram from an address that is not this machine's.
 * The policy decides the destination of a send; its source is whatever
 * the socket says, and a socket that may say any source can answer as a
 * resolver, or as any peer another program trusts by its address.
 *
 *   static_transparent MODE SRC DST PORT
 *   static_transparent mark4 MARK DST PORT
 *   static_transparent recv ADDR PORT SECONDS
 *
 * MODE: trans4 (IP_TRANSPARENT, the socket bound to SRC: CAP_NET_RAW or
 * CAP_NET_ADMIN), trans6 (IPV6_TRANSPARENT, the same for IPv6), trans46
 * (IP_TRANSPARENT on an IPv6 socket), tpkt4 (IP_TRANSPARENT, SRC named by
 * an IP_PKTINFO control message), free4 and free6 (IP_FREEBIND,
 * IPV6_FREEBIND: no privilege; the socket bound to SRC), free46
 * (IP_FREEBIND on an IPv6 socket), fpkt4 and fpkt6 (IP_FREEBIND,
 * IPV6_FREEBIND, SRC by IP_PKTINFO, IPV6_PKTINFO); mark4 (SO_MARK MARK:
 * CAP_NET_RAW; the host's fwmark rules route by it), cmark4 (the same
 * mark as a SOL_SOCKET control message of the send). Sends
 * "tg-transparent MODE" to DST:PORT. Prints "MODE: sent" when the send
 * succeeds, "MODE: refused errno=N" when the option is refused, "MODE:
 * send failed errno=N" when the option was taken and the kernel would
 * not send from SRC all the same; exit 77 with "unsupported" when this
 * kernel takes no such option.
 *
 * recv: binds a UDP socket to ADDR:PORT and prints "from SRC PAYLOAD" for
 * each datagram until SECONDS pass ("ready" once bound). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockopt_refused.h"

#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IP_FREEBIND
#define IP_FREEBIND 15
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

union sa {
	struct sockaddr sa;
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
};

/* ADDR and PORT as a socket address of family v6 or not; its length */
static socklen_t sa_make(union sa *a, bool v6, const char *addr, int port)
{
	memset(a, 0, sizeof(*a));
	if (v6) {
		a->s6.sin6_family = AF_INET6;
		a->s6.sin6_port = htons(port);
		return inet_pton(AF_INET6, addr, &a->s6.sin6_addr) == 1
			   ? sizeof(a->s6)
			   : 0;
	}
	a->s4.sin_family = AF_INET;
	a->s4.sin_port = htons(port);
	return inet_pton(AF_INET, addr, &a->s4.sin_addr) == 1 ? sizeof(a->s4)
							      : 0;
}

static int recv_loop(const char *addr, int port, int secs)
{
	union sa a;
	bool v6 = strchr(addr, ':') != NULL;
	socklen_t al = sa_make(&a, v6, addr, port);
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	int one = 1;
	if (!al || s < 0)
		return 2;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, &a.sa, al) < 0) {
		printf("bind: errno=%d\n", errno);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	time_t end = time(NULL) + secs;
	while (time(NULL) < end) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		if (poll(&p, 1, 200) <= 0)
			continue;
		char buf[128], host[INET6_ADDRSTRLEN];
		union sa from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf) - 1, 0, &from.sa, &fl);
		if (n < 0)
			continue;
		buf[n] = 0;
		inet_ntop(from.sa.sa_family,
			  from.sa.sa_family == AF_INET6
			      ? (void *)&from.s6.sin6_addr
			      : (void *)&from.s4.sin_addr,
			  host, sizeof(host));
		printf("from %s %s\n", host, buf);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "recv"))
		return recv_loop(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc < 5) {
		fprintf(stderr, "usage: %s MODE SRC DST PORT\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	bool v6 = strchr(mode, '6') != NULL;
	bool pkt = strstr(mode, "pkt") != NULL;
	bool trans = mode[0] == 't';
	bool cmark = !strcmp(mode, "cmark4");
	bool mark = cmark || !strcmp(mode, "mark4");
	/* the IPv4 option on an IPv6 socket */
	bool ip4opt = !v6 || strstr(mode, "46") != NULL;
	union sa src, dst;
	if ((!mark && !sa_make(&src, v6, argv[2], 0)) ||
	    !sa_make(&dst, v6, argv[3], atoi(argv[4])))
		return 2;
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return refused(mode, errno);
	int one = 1, mv = atoi(argv[2]);
	int level = ip4opt ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = trans ? (ip4opt ? IP_TRANSPARENT : IPV6_TRANSPARENT)
			: (ip4opt ? IP_FREEBIND : IPV6_FREEBIND);
	int r = cmark  ? 0
		: mark ? setsockopt(s, SOL_SOCKET, SO_MARK, &mv, sizeof(mv))
		       : setsockopt(s, level, opt, &one, sizeof(one));
	if (r < 0)
		return refused(mode, errno);
	char payload[64];
	snprintf(payload, sizeof(payload), "tg-transparent %s", mode);
	struct iovec io = {.iov_base = payload, .iov_len = strlen(payload)};
	struct msghdr m = {.msg_name = &dst,
			   .msg_namelen = v6 ? sizeof(dst.s6) : sizeof(dst.s4),
			   .msg_iov = &io,
			   .msg_iovlen = 1};
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	memset(cbuf, 0, sizeof(cbuf));
	if (pkt) {
		/* the source in a control message, the socket unbound */
		struct cmsghdr *c = (struct cmsghdr *)cbuf;
		c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
		if (v6) {
			struct in6_pktinfo pi = {.ipi6_addr = src.s6.sin6_addr};
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			m.msg_controllen = CMSG_SPACE(sizeof(pi));
		} else {
			struct in_pktinfo pi = {.ipi_spec_dst =
						    src.s4.sin_addr};
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			m.msg_controllen = CMSG_SPACE(sizeof(pi));
		}
		m.msg_control = cbuf;
	} else if (cmark) {
		/* the mark for this send only */
		struct cmsghdr *c = (struct cmsghdr *)cbuf;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SO_MARK;
		c->cmsg_len = CMSG_LEN(sizeof(mv));
		memcpy(CMSG_DATA(c), &mv, sizeof(mv));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(mv));
	} else if (!mark &&
		   bind(s, &src.sa, v6 ? sizeof(src.s6) : sizeof(src.s4)) < 0) {
		printf("%s: send failed errno=%d (bind)\n", mode, errno);
		return 1;
	}
	if (sendmsg(s, &m, 0) < 0) {
		printf("%s: send failed errno=%d\n", mode, errno);
		return 1;
	}
	printf("%s: sent\n", mode);
	return 0;
}
