/* SPDX-License-Identifier: MIT */
/*
 * A source route in a send's control messages (IP_RETOPTS, a loose
 * source route): the kernel puts its first hop in the IP header and sends
 * the datagram there, not to the address sendmsg4 decides. policyd
 * refuses the control message, but the kernel copies it again after
 * policyd's answer (another thread can add one meanwhile): the layer
 * refuses it on the kernel's own copy. A packet socket on lo (the suite's
 * own network namespace) shows where the datagram went: natively to the
 * denied hop, in a session nowhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tb.h"

#define HOP "127.74.0.2"

static uint16_t PU;

struct route {
	bool srr;	  /* a loose source route via HOP, else four NOPs */
	bool connected;	  /* sent without an address on a connected socket */
	const char *mark; /* the payload */
};

static int do_send(void *arg)
{
	const struct route *r = arg;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PU)};
	unsigned char opt[8] = {1, 1, 1, 1, 1, 1, 1, 1}; /* NOPs */
	struct in_addr hop;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), e;

	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (r->srr) {
		/* LSRR: type, length, pointer 4, the first hop; a NOP */
		inet_pton(AF_INET, HOP, &hop);
		opt[0] = 131, opt[1] = 7, opt[2] = 4;
		memcpy(opt + 3, &hop, 4);
	}
	if (r->connected &&
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		e = errno;
		close(fd);
		return e;
	}
	/* connected: no address */
	e = tb_send_cmsg(fd, r->connected ? NULL : &to, sizeof(to), r->mark,
			 strlen(r->mark), IPPROTO_IP, IP_RETOPTS, opt,
			 sizeof(opt));
	close(fd);
	return e;
}

/* A packet socket on lo, before the send: what it saw after. */
static int sniff_open(void)
{
	struct sockaddr_ll ll = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = 1};
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			htons(ETH_P_IP));

	if (fd >= 0 && bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The IPv4 destination of the packet carrying mark, or "" (lo shows it
 * once out, once in: the same header). */
static void sniff_dest(int fd, const char *mark, char *dst, size_t dstsz)
{
	unsigned char b[2048];
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	dst[0] = 0;
	while ((n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from,
			     &fl)) > 0) {
		const struct iphdr *ip = (const struct iphdr *)b;
		size_t ml = strlen(mark);
		if ((size_t)n < sizeof(*ip) + ml ||
		    memcmp(b + n - (ssize_t)ml, mark, ml))
			continue;
		inet_ntop(AF_INET, &ip->daddr, dst, (socklen_t)dstsz);
		return;
	}
}

static void source_route(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.0.0.1", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 1),
	    tb_rule("127.74.0.0/16", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY,
		    2),
	};
	struct route lsrr = {true, false, "tg-srcroute-native"};
	struct tb_events ev;
	struct tb_sess s;
	char dst[64];
	int sn, got;

	printf("== a source route in a send's control messages\n");
	if ((sn = sniff_open()) < 0) {
		tb_skip("no packet socket on lo: %s", strerror(errno));
		return;
	}
	got = tb_run_in(NULL, do_send, &lsrr);
	usleep(100000);
	sniff_dest(sn, lsrr.mark, dst, sizeof(dst));
	if (got != 0 || strcmp(dst, HOP)) {
		tb_bad("natively a datagram to 127.0.0.1 routed via " HOP
		       " does not go to " HOP " (%s, seen: %s)",
		       got ? strerror(got) : "sent", dst[0] ? dst : "nothing");
		goto out;
	}
	if (!tb_sess_deny(&s, r, 2))
		goto out;
	tb_events_poll(&ev);
	lsrr.mark = "tg-srcroute-session";
	got = tb_run_in(s.path, do_send, &lsrr);
	usleep(100000);
	sniff_dest(sn, lsrr.mark, dst, sizeof(dst));
	tb_events_poll(&ev);
	tb_check(got == EPERM && !dst[0] &&
		     tb_events_count(&ev, s.id, EGRESS_R_SOURCE_ROUTE,
				     EGRESS_DENY) == 1,
		 "IP_RETOPTS loose source route to allowed 127.0.0.1 via "
		 "denied " HOP ": natively sent to " HOP ", in a session %s, "
		 "seen %s, a source-route event",
		 got ? strerror(got) : "sent", dst[0] ? dst : "nothing");
	struct route nops = {false, false, "tg-srcroute-nops"};
	got = tb_run_in(s.path, do_send, &nops);
	usleep(100000);
	sniff_dest(sn, nops.mark, dst, sizeof(dst));
	tb_check(got == 0 && !strcmp(dst, "127.0.0.1"),
		 "IP_RETOPTS without a route (NOPs) to 127.0.0.1: %s, seen %s",
		 got ? strerror(got) : "sent", dst[0] ? dst : "nothing");
	/* a connected socket's send without an address: the same */
	struct route conn = {true, true, "tg-srcroute-connected"};
	got = tb_run_in(NULL, do_send, &conn);
	usleep(100000);
	sniff_dest(sn, conn.mark, dst, sizeof(dst));
	if (got != 0 || strcmp(dst, HOP)) {
		tb_bad("natively a connected socket's routed send does not go "
		       "to " HOP " (%s, seen: %s)",
		       got ? strerror(got) : "sent", dst[0] ? dst : "nothing");
	} else {
		conn.mark = "tg-srcroute-connected-session";
		got = tb_run_in(s.path, do_send, &conn);
		usleep(100000);
		sniff_dest(sn, conn.mark, dst, sizeof(dst));
		tb_check(got == EPERM && !dst[0],
			 "UDP connected to allowed 127.0.0.1, sendmsg with no "
			 "address and a route via " HOP
			 ": natively sent to " HOP ", in a session %s, seen %s",
			 got ? strerror(got) : "sent",
			 dst[0] ? dst : "nothing");
	}
	tb_sess_end(&s);
out:
	close(sn);
}

void t_srcroute(void)
{
	int lu = tb_listen_any(SOCK_DGRAM, &PU);

	if (lu < 0) {
		tb_bad("cannot listen");
		return;
	}
	source_route();
	tb_drain(lu, SOCK_DGRAM);
	close(lu);
}
