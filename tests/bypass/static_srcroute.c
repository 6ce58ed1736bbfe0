/* Attack (static): a datagram to an allowed address that the kernel sends
 * to another one, named in a source route. The policy decides the
 * address of the sendto (DST); the IP header's destination is the route's
 * first hop (HOP).
 *
 *   static_srcroute MODE HOP DST PORT
 *
 * MODE: opt4 (setsockopt IP_OPTIONS, a loose source route: the kernel's
 * first hop is its first address), cmsg4 (the same route in an IP_RETOPTS
 * control message of sendmsg), rthdr6 (setsockopt IPV6_RTHDR, a segment
 * routing header: the first hop is segments[segments_left]), cmsg6 (a
 * type 2 routing header, which the kernel takes in an IPV6_RTHDR control
 * message when built with mobile IPv6), pktopt6 (that control message
 * made sticky by IPV6_2292PKTOPTIONS); plain4 and plain6 route nothing
 * (a hop limit set by setsockopt and by a control message: what a
 * session keeps). Prints "MODE: sent" when
 * the send succeeds, "MODE: refused errno=N" when the option or the send
 * is refused; exit 77 with "unsupported" when this kernel takes no such
 * option at all. The payload is "tg-srcroute MODE". */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockopt_refused.h"

#ifndef IPV6_2292PKTOPTIONS
#define IPV6_2292PKTOPTIONS 6
#endif
#ifndef IPV6_RTHDR
#define IPV6_RTHDR 57
#endif

/* an SRH: 8 bytes of header, two segments (segments[0] the final
 * destination, overwritten by the kernel with the address sent to;
 * segments[1] the first hop) */
struct srh2 {
	unsigned char nexthdr, hdrlen, type, segments_left, first_segment,
	    flags;
	unsigned short tag;
	struct in6_addr seg[2];
};

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s MODE HOP DST PORT\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	int port = atoi(argv[4]);
	char payload[64];
	snprintf(payload, sizeof(payload), "tg-srcroute %s", mode);
	bool v6 = strstr(mode, "6") != NULL;
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return refused(mode, errno);
	union {
		struct sockaddr_in s4;
		struct sockaddr_in6 s6;
	} to;
	memset(&to, 0, sizeof(to));
	socklen_t tl;
	unsigned char opt[64];
	size_t ol;
	if (!v6) {
		struct in_addr hop;
		to.s4.sin_family = AF_INET;
		to.s4.sin_port = htons(port);
		if (inet_pton(AF_INET, argv[2], &hop) != 1 ||
		    inet_pton(AF_INET, argv[3], &to.s4.sin_addr) != 1)
			return 2;
		tl = sizeof(to.s4);
		/* LSRR: type, length, pointer 4, the first hop */
		opt[0] = 131, opt[1] = 7, opt[2] = 4;
		memcpy(opt + 3, &hop, 4);
		opt[7] = 1; /* NOP */
		ol = 8;
	} else {
		struct srh2 h;
		memset(&h, 0, sizeof(h));
		to.s6.sin6_family = AF_INET6;
		to.s6.sin6_port = htons(port);
		if (inet_pton(AF_INET6, argv[2], &h.seg[1]) != 1 ||
		    inet_pton(AF_INET6, argv[3], &to.s6.sin6_addr) != 1)
			return 2;
		tl = sizeof(to.s6);
		if (strcmp(mode, "rthdr6")) {
			/* the control messages take a type 2 header (mobile
			 * IPv6's) only: one address, the first hop */
			unsigned char t2[24] = {0, 2, 2, 1};
			memcpy(t2 + 8, &h.seg[1], 16);
			memcpy(opt, t2, sizeof(t2));
			ol = sizeof(t2);
			goto built;
		}
		h.hdrlen = 4; /* in 8 bytes, past the first 8 */
		h.type = 4;
		h.segments_left = 1;
		h.first_segment = 1;
		h.seg[0] = to.s6.sin6_addr;
		memcpy(opt, &h, sizeof(h));
		ol = sizeof(h);
	}
built:;
	char cbuf[CMSG_SPACE(64)];
	memset(cbuf, 0, sizeof(cbuf));
	struct cmsghdr *c = (struct cmsghdr *)cbuf;
	c->cmsg_len = CMSG_LEN(ol);
	c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	c->cmsg_type = v6 ? IPV6_RTHDR : IP_RETOPTS;
	memcpy(CMSG_DATA(c), opt, ol);
	struct iovec io = {.iov_base = payload, .iov_len = strlen(payload)};
	struct msghdr m = {.msg_name = &to,
			   .msg_namelen = tl,
			   .msg_iov = &io,
			   .msg_iovlen = 1};
	int r;
	if (!strncmp(mode, "plain", 5)) {
		int ttl = 9;
		c->cmsg_len = CMSG_LEN(sizeof(ttl));
		c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
		memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(ttl));
		r = setsockopt(s, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
			       v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl,
			       sizeof(ttl));
	} else if (!strcmp(mode, "opt4"))
		r = setsockopt(s, IPPROTO_IP, IP_OPTIONS, opt, ol);
	else if (!strcmp(mode, "rthdr6"))
		r = setsockopt(s, IPPROTO_IPV6, IPV6_RTHDR, opt, ol);
	else if (!strcmp(mode, "pktopt6"))
		r = setsockopt(s, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, cbuf,
			       CMSG_SPACE(ol));
	else if (!strcmp(mode, "cmsg4") || !strcmp(mode, "cmsg6")) {
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(ol);
		r = 0;
	} else
		return 2;
	if (r < 0)
		return refused(mode, errno);
	if (sendmsg(s, &m, 0) < 0)
		return refused(mode, errno);
	printf("%s: sent\n", mode);
	return 0;
}
