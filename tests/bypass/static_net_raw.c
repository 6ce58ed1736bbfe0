/* Attack (static): send a UDP datagram "tg-raw MODE" to ADDR:PORT past the
 * address the kernel path decides on.
 *   static_net_raw MODE ADDR PORT
 * MODE: unspec (a UDP socket's sendto with sin_family AF_UNSPEC: the
 * kernel sends to sin_addr), raw (SOCK_RAW IPPROTO_RAW: the IP header the
 * program writes names the destination; sendto's address says 127.0.0.9),
 * rawudp (SOCK_RAW IPPROTO_UDP: the UDP header names the port; sendto's
 * says port 9), packet (AF_PACKET SOCK_DGRAM on lo: no address at all;
 * "sent (seen on lo)" when a second packet socket sees the frame),
 * sendmsg and sendmmsg (a UDP socket's msghdr address; sendmmsg's second
 * message, after one to 127.0.0.1:9).
 * Prints "MODE: sent", or "MODE: refused errno=E" when a call failed
 * (socket, sendto); exit 77 with "unsupported" where the kernel has no
 * such socket or the program no CAP_NET_RAW. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;
	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int fail(const char *mode, const char *what)
{
	if (errno == EAFNOSUPPORT || errno == ESOCKTNOSUPPORT ||
	    (errno == EPERM && geteuid() != 0)) {
		printf("unsupported: %s: %s (%d)\n", mode, what, errno);
		return 77;
	}
	printf("%s: refused errno=%d\n", mode, errno);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	const char *m = argv[1];
	struct in_addr dst;
	if (inet_pton(AF_INET, argv[2], &dst) != 1)
		return 2;
	uint16_t port = (uint16_t)atoi(argv[3]);
	char payload[32];
	int plen = snprintf(payload, sizeof(payload), "tg-raw %s", m);
	/* an IPv4 + UDP packet from 127.0.0.1 to dst:port */
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 32];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *uh = (struct udphdr *)(pkt + sizeof(*ip));
	memset(pkt, 0, sizeof(pkt));
	size_t ulen = sizeof(*uh) + (size_t)plen;
	memcpy(pkt + sizeof(*ip) + sizeof(*uh), payload, (size_t)plen);
	uh->source = htons(40000);
	uh->dest = htons(port);
	uh->len = htons((uint16_t)ulen);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + ulen));
	ip->saddr = htonl(INADDR_LOOPBACK);
	ip->daddr = dst.s_addr;
	ip->check = csum(ip, sizeof(*ip));
	struct sockaddr_in decoy = {.sin_family = AF_INET,
				    .sin_port = htons(9)};
	inet_pton(AF_INET, "127.0.0.9", &decoy.sin_addr);
	int s;
	ssize_t r;
	if (!strcmp(m, "unspec")) {
		s = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in to = {.sin_family = AF_UNSPEC,
					 .sin_port = htons(port),
					 .sin_addr = dst};
		r = sendto(s, payload, (size_t)plen, 0, (struct sockaddr *)&to,
			   sizeof(to));
	} else if (!strcmp(m, "sendmsg") || !strcmp(m, "sendmmsg")) {
		/* the address in a msghdr (sendmmsg: the second of two, the
		 * first to 127.0.0.1:9) */
		s = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in to[2] = {
		    {.sin_family = AF_INET, .sin_port = htons(9)},
		    {.sin_family = AF_INET, .sin_port = htons(port),
		     .sin_addr = dst}};
		inet_pton(AF_INET, "127.0.0.1", &to[0].sin_addr);
		struct iovec iov = {.iov_base = payload, .iov_len = (size_t)plen};
		struct mmsghdr mm[2];
		memset(mm, 0, sizeof(mm));
		for (int i = 0; i < 2; i++) {
			mm[i].msg_hdr.msg_name = &to[i];
			mm[i].msg_hdr.msg_namelen = sizeof(to[i]);
			mm[i].msg_hdr.msg_iov = &iov;
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if (!strcmp(m, "sendmsg"))
			r = sendmsg(s, &mm[1].msg_hdr, 0);
		else
			r = sendmmsg(s, mm, 2, 0) == 2 ? plen : -1;
	} else if (!strcmp(m, "raw")) {
		if ((s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0)
			return fail(m, "socket");
		r = sendto(s, pkt, sizeof(*ip) + ulen, 0,
			   (struct sockaddr *)&decoy, sizeof(decoy));
	} else if (!strcmp(m, "rawudp")) {
		if ((s = socket(AF_INET, SOCK_RAW, IPPROTO_UDP)) < 0)
			return fail(m, "socket");
		decoy.sin_addr = dst; /* the port is not the kernel's */
		r = sendto(s, uh, ulen, 0, (struct sockaddr *)&decoy,
			   sizeof(decoy));
	} else if (!strcmp(m, "packet")) {
		if ((s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP))) < 0)
			return fail(m, "socket");
		struct sockaddr_ll ll = {.sll_family = AF_PACKET,
					 .sll_protocol = htons(ETH_P_IP),
					 .sll_ifindex = (int)if_nametoindex("lo"),
					 .sll_halen = ETH_ALEN};
		/* the frame is on the wire (lo) when a second packet socket
		 * bound there sees it go out (the IP layer on lo drops a
		 * frame made this way, so no UDP listener gets it) */
		int w = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
		struct timeval tv = {.tv_sec = 2};
		if (w < 0 || bind(w, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
		    setsockopt(w, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
			return fail(m, "watcher");
		r = sendto(s, pkt, sizeof(*ip) + ulen, 0,
			   (struct sockaddr *)&ll, sizeof(ll));
		if (r < 0)
			return fail(m, "sendto");
		uint8_t got[256];
		for (int i = 0; i < 64; i++) {
			ssize_t n = recv(w, got, sizeof(got), 0);
			if (n < 0)
				break;
			if (memmem(got, (size_t)n, payload, (size_t)plen)) {
				printf("%s: sent (seen on lo)\n", m);
				return 0;
			}
		}
		printf("%s: sent, not seen\n", m);
		return 0;
	} else {
		return 2;
	}
	if (r < 0)
		return fail(m, "sendto");
	printf("%s: sent\n", m);
	return 0;
}
