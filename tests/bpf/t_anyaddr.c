/* SPDX-License-Identifier: MIT */
/*
 * The unspecified destination and sends without one. The kernel sends a
 * connect or send to 0.0.0.0 to the call's source address (the socket's
 * bound address, an IP_PKTINFO's; 127.0.0.1 without one), and one to ::
 * to ::1: the layer must decide that address, not 0.0.0.0 or ::. Every
 * refusal is first shown to work without the layer (getpeername names
 * the denied address). And a connected UDP socket's sendmsg with a
 * control message but no address runs sendmsg4/6 with 0.0.0.0 port 0:
 * it is its connected peer's, not a send to 0.0.0.0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tb.h"

static uint16_t PT, PU; /* a TCP and a UDP listener on every address */

enum mode {
	M_TCP_BOUND,   /* bound to 127.73.0.1, connect 0.0.0.0 */
	M_TCP_UNBOUND, /* connect 0.0.0.0: 127.0.0.1 */
	M_UDP_BOUND,   /* bound to 127.73.0.1, sendto 0.0.0.0 */
	M_UDP_PKTINFO, /* sendto 0.0.0.0, IP_PKTINFO source 127.73.0.1 */
	M_UDP_CONNECT, /* bound to 127.73.0.1, UDP connect 0.0.0.0 */
	M_TCP6_ANY,    /* connect :: (::1) */
	M_UDP6_ANY,    /* sendto :: (::1) */
	M_TCP6_MAPPED, /* IPv6 socket bound to ::ffff:127.73.0.1, connect
			* ::ffff:0.0.0.0 */
	M_UDP_CMSG,    /* UDP connected to 127.0.0.1, sendmsg with IP_TOS */
	M_UDP6_CMSG,   /* UDP6 connected to ::ffff:127.0.0.1, IPV6_TCLASS */
};

static int bind4(int fd, const char *a)
{
	struct sockaddr_in s = {.sin_family = AF_INET};
	inet_pton(AF_INET, a, &s.sin_addr);
	return bind(fd, (struct sockaddr *)&s, sizeof(s));
}

static int send_cmsg(int fd, int level, int type)
{
	int v = 0x10;

	return tb_send_cmsg(fd, NULL, 0, "x", 1, level, type, &v, sizeof(v));
}

/* 0 or an errno; the peer reached (TCP and UDP connects) in *peer. */
static int attempt(enum mode m, char *peer, size_t peersz)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	struct sockaddr_storage p;
	socklen_t pl = sizeof(p);
	int fd = -1, r = 0;
	bool v6 = m == M_TCP6_ANY || m == M_UDP6_ANY || m == M_TCP6_MAPPED ||
		  m == M_UDP6_CMSG;
	bool tcp = m == M_TCP_BOUND || m == M_TCP_UNBOUND || m == M_TCP6_ANY ||
		   m == M_TCP6_MAPPED;

	peer[0] = 0;
	a4.sin_port = htons(tcp ? PT : PU);
	a6.sin6_port = a4.sin_port;
	fd = socket(v6 ? AF_INET6 : AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0)
		return errno;
	switch (m) {
	case M_TCP_BOUND:
	case M_UDP_BOUND:
	case M_UDP_CONNECT:
		if (bind4(fd, "127.73.0.1") < 0)
			r = 200;
		break;
	case M_TCP6_MAPPED:
		inet_pton(AF_INET6, "::ffff:127.73.0.1", &a6.sin6_addr);
		a6.sin6_port = 0;
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
			r = 200;
		a6.sin6_port = a4.sin_port;
		inet_pton(AF_INET6, "::ffff:0.0.0.0", &a6.sin6_addr);
		break;
	case M_UDP_CMSG:
		inet_pton(AF_INET, "127.0.0.1", &a4.sin_addr);
		if (connect(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0)
			r = 201;
		break;
	case M_UDP6_CMSG:
		inet_pton(AF_INET6, "::1", &a6.sin6_addr);
		if (connect(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
			r = 201;
		break;
	default:
		break;
	}
	if (r)
		goto out;
	switch (m) {
	case M_TCP_BOUND:
	case M_TCP_UNBOUND:
	case M_UDP_CONNECT:
		r = connect(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0 ? errno
									: 0;
		break;
	case M_TCP6_ANY:
	case M_TCP6_MAPPED:
		r = connect(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0 ? errno
									: 0;
		break;
	case M_UDP_BOUND:
		r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a4, sizeof(a4)) <
			    0
			? errno
			: 0;
		break;
	case M_UDP6_ANY:
		r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a6, sizeof(a6)) <
			    0
			? errno
			: 0;
		break;
	case M_UDP_PKTINFO: {
		struct in_pktinfo pi = {0};
		inet_pton(AF_INET, "127.73.0.1", &pi.ipi_spec_dst);
		r = tb_send_cmsg(fd, &a4, sizeof(a4), "x", 1, IPPROTO_IP,
				 IP_PKTINFO, &pi, sizeof(pi));
		break;
	}
	case M_UDP_CMSG:
		r = send_cmsg(fd, IPPROTO_IP, IP_TOS);
		break;
	case M_UDP6_CMSG:
		r = send_cmsg(fd, IPPROTO_IPV6, IPV6_TCLASS);
		break;
	default:
		r = 202;
		break;
	}
	if (r == 0 && getpeername(fd, (struct sockaddr *)&p, &pl) == 0) {
		if (p.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&p)->sin_addr, peer,
				  (socklen_t)peersz);
		else
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&p)->sin6_addr, peer,
				  (socklen_t)peersz);
	}
out:
	close(fd);
	return r;
}

static int do_attempt(void *arg)
{
	char peer[64];
	return attempt((enum mode)(long)arg, peer, sizeof(peer));
}

/* Natively the call works (reaching native_peer when it has a peer); in
 * the session it gives want. */
static void expect(const struct tb_sess *s, enum mode m, const char *what,
		   const char *native_peer, int want)
{
	char peer[64];
	int native = attempt(m, peer, sizeof(peer));
	int got;

	if (native != 0 || (native_peer && strcmp(peer, native_peer))) {
		tb_bad("%s: natively %s (peer %s, want %s)", what,
		       native ? strerror(native) : "ok", peer,
		       native_peer ? native_peer : "-");
		return;
	}
	got = tb_run_in(s->path, do_attempt, (void *)(long)m);
	tb_check(got == want, "%s%s%s: %s in a session (want %s)", what,
		 native_peer ? ": natively reaches " : "",
		 native_peer ? native_peer : "", got ? strerror(got) : "ok",
		 want ? strerror(want) : "ok");
}

static void unspecified(void)
{
	struct egress_rule r[] = {
	    tb_allow_all,
	    tb_rule("127.73.0.0/16", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY,
		    2),
	    tb_rule("::1", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY, 3),
	};
	struct tb_sess s;

	printf("== the unspecified address: decided where the kernel sends "
	       "it\n");
	if (!tb_sess_deny(&s, r, 3))
		return;
	expect(&s, M_TCP_BOUND, "TCP bound to denied 127.73.0.1, to 0.0.0.0",
	       "127.73.0.1", EPERM);
	expect(&s, M_UDP_CONNECT,
	       "UDP bound to denied 127.73.0.1, connect 0.0.0.0", "127.73.0.1",
	       EPERM);
	expect(&s, M_UDP_BOUND,
	       "UDP bound to denied 127.73.0.1, sendto 0.0.0.0", NULL, EPERM);
	expect(&s, M_UDP_PKTINFO,
	       "sendto 0.0.0.0 with IP_PKTINFO source 127.73.0.1", NULL, EPERM);
	expect(&s, M_TCP6_MAPPED,
	       "IPv6 TCP bound to ::ffff:127.73.0.1, to ::ffff:0.0.0.0",
	       "::ffff:127.73.0.1", EPERM);
	expect(&s, M_TCP6_ANY, "TCP to :: (denied ::1)", "::1", EPERM);
	expect(&s, M_UDP6_ANY, "UDP sendto :: (denied ::1)", NULL, EPERM);
	expect(&s, M_TCP_UNBOUND, "TCP unbound to 0.0.0.0 (allowed 127.0.0.1)",
	       "127.0.0.1", 0);
	tb_sess_end(&s);
}

static void connected_cmsg(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.0.0.1", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 1),
	    tb_rule("::1", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 2),
	};
	struct tb_sess s;

	printf("== a connected UDP socket's sendmsg with a control message\n");
	if (!tb_sess_deny(&s, r, 2))
		return;
	expect(&s, M_UDP_CMSG,
	       "UDP connected to allowed 127.0.0.1, sendmsg with IP_TOS",
	       "127.0.0.1", 0);
	expect(&s, M_UDP6_CMSG,
	       "UDP6 connected to allowed ::1, sendmsg with IPV6_TCLASS", "::1",
	       0);
	tb_sess_end(&s);
}

void t_anyaddr(void)
{
	int lt = tb_listen_any(SOCK_STREAM, &PT);
	int lu = tb_listen_any(SOCK_DGRAM, &PU);

	if (lt < 0 || lu < 0) {
		tb_bad("cannot listen");
		return;
	}
	unspecified();
	tb_drain(lt, SOCK_STREAM);
	connected_cmsg();
	tb_drain(lu, SOCK_DGRAM);
	close(lt);
	close(lu);
}
