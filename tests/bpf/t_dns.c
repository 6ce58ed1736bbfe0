/* SPDX-License-Identifier: MIT */
/*
 * DNS steering: a session's port-53 traffic to any address goes to a
 * forwarder (here the driver, with policyd/dnsproxy.c, as policyd will),
 * which asks a test DNS server upstream. Allowed names resolve and their
 * addresses become connectable; denied ones get NXDOMAIN; the program
 * sees the address it asked (recvmsg, getpeername); an address changes
 * after its TTL; the forwarder's port cannot be reached directly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "dnsproxy.h"
#include "tb.h"

#define RULE_HOSTS 10

/* The test's DNS server: names, their address and TTL. */
struct record {
	const char *name;
	const char *addr;
	uint32_t ttl;
};
static struct record zone[] = {
    {"allowed.test", "127.80.0.1", 300},
    {"allowed.test", "fd00:99::1", 300},
    {"changing.test", "127.81.0.1", 2},
    {"denied.test", "127.82.0.1", 300},
};

static struct {
	int server;	/* the "upstream" DNS server (127.0.0.1) */
	int upstream;	/* the forwarder's socket to it */
	int fwd_udp[2]; /* 127.0.0.1 and ::1, the session's port */
	int fwd_tcp[2];
	int tcp_conn[8]; /* TCP clients waiting for an answer */
	uint16_t fwd_port, server_port, p1;
	struct dnsproxy *proxy;
	uint64_t sess_id;
	int learned, learn_fail;
} D;

static enum dnsproxy_verdict decide(void *s, const char *name, uint16_t qt)
{
	(void)s;
	(void)qt;
	if (!strcmp(name, "allowed.test") || !strcmp(name, "changing.test"))
		return DNSPROXY_FORWARD;
	if (!strcmp(name, "refused.test"))
		return DNSPROXY_REFUSED;
	return DNSPROXY_NXDOMAIN;
}

/* As policyd will: the address enters the session's map for the host
 * rule that allowed the name, before the answer is released. */
static int learn(void *s, const char *name, const uint8_t addr[16],
		 uint32_t ttl)
{
	struct egress_host h = {.protos = EGRESS_PROTO_TCP,
				.action = EGRESS_ALLOW,
				.port_lo = D.p1,
				.port_hi = D.p1,
				.rule = RULE_HOSTS};
	(void)s;
	(void)name;
	memcpy(h.addr, addr, 16);
	D.learned++;
	int r = egress_host_add(T.e, D.sess_id, &h, ttl);
	if (r < 0)
		D.learn_fail++;
	return r;
}

static void serve_upstream(void)
{
	uint8_t q[512], a[512];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(D.server, q, sizeof(q), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
	struct dns_question qq;
	struct dns_hdr h;
	size_t off = DNS_HDR_LEN;

	if (n < 0 || dns_hdr_read(q, (size_t)n, &h) < 0 ||
	    dns_question_read(q, (size_t)n, &off, false, &qq) < 0)
		return;
	struct dns_hdr ah = {.id = h.id,
			     .flags =
				 DNS_F_QR | DNS_F_RA | (h.flags & DNS_F_RD),
			     .qd = 1};
	int len = dns_msg_start(a, sizeof(a), &ah, &qq);
	int an = 0;
	bool known = false;
	for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
		uint8_t addr[16];
		if (strcmp(zone[i].name, qq.name))
			continue;
		known = true;
		bool v4 = strchr(zone[i].addr, ':') == NULL;
		if ((v4 && qq.qtype != DNS_T_A) ||
		    (!v4 && qq.qtype != DNS_T_AAAA))
			continue;
		inet_pton(v4 ? AF_INET : AF_INET6, zone[i].addr, addr);
		dns_put16(a + len, 0xc00c);
		dns_put16(a + len + 2, qq.qtype);
		dns_put16(a + len + 4, DNS_C_IN);
		dns_put32(a + len + 6, zone[i].ttl);
		dns_put16(a + len + 10, v4 ? 4 : 16);
		memcpy(a + len + 12, addr, v4 ? 4 : 16);
		len += 12 + (v4 ? 4 : 16);
		an++;
	}
	ah.an = (uint16_t)an;
	if (!known)
		ah.flags |= DNS_R_NXDOMAIN;
	dns_hdr_write(a, &ah);
	sendto(D.server, a, (size_t)len, 0, (struct sockaddr *)&from, fl);
}

static void fwd_udp(int fd)
{
	static uint8_t m[DNS_MAX_MSG], out[DNS_MAX_MSG];
	struct dnsproxy_client c = {.fd = fd, .addrlen = sizeof(c.addr)};
	ssize_t n = recvfrom(fd, m, sizeof(m), MSG_DONTWAIT,
			     (struct sockaddr *)&c.addr, &c.addrlen);
	size_t len;

	if (n < 0)
		return;
	if (dnsproxy_query(D.proxy, NULL, &c, m, (size_t)n, D.upstream,
			   tb_now_ns() / 1000000, out, sizeof(out),
			   &len) == 0 &&
	    len)
		sendto(fd, out, len, 0, (struct sockaddr *)&c.addr, c.addrlen);
}

static void tcp_reply(int fd, const uint8_t *m, size_t len)
{
	uint8_t l[2];
	dns_put16(l, (uint16_t)len);
	if (write(fd, l, 2) == 2 && write(fd, m, len) == (ssize_t)len)
		shutdown(fd, SHUT_WR);
	close(fd);
}

static void fwd_tcp(int l)
{
	static uint8_t m[DNS_MAX_MSG], out[DNS_MAX_MSG];
	struct dnsproxy_client c = {.tcp = true};
	uint8_t lb[2];
	size_t len;
	int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* a test client sends its message at once; policyd's loop will
	 * reassemble without blocking */
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 2000) != 1 || read(fd, lb, 2) != 2) {
		close(fd);
		return;
	}
	size_t want = dns_get16(lb);
	ssize_t n = read(fd, m, want);
	c.fd = fd;
	if (n != (ssize_t)want ||
	    dnsproxy_query(D.proxy, NULL, &c, m, want, D.upstream,
			   tb_now_ns() / 1000000, out, sizeof(out), &len) < 0) {
		close(fd);
		return;
	}
	if (len)
		tcp_reply(fd, out, len);
}

static void from_upstream(void)
{
	static uint8_t m[DNS_MAX_MSG], out[DNS_MAX_MSG];
	struct dnsproxy_client c;
	void *sess;
	size_t len;
	ssize_t n = recv(D.upstream, m, sizeof(m), MSG_DONTWAIT);

	if (n < 0 || dnsproxy_answer(D.proxy, m, (size_t)n, out, sizeof(out),
				     &len, &c, &sess) < 0)
		return;
	if (c.tcp)
		tcp_reply(c.fd, out, len);
	else
		sendto(c.fd, out, len, 0, (struct sockaddr *)&c.addr,
		       c.addrlen);
}

/* One round of the forwarder's loop. */
static void loop_once(int ms)
{
	struct pollfd p[6] = {
	    {.fd = D.server, .events = POLLIN},
	    {.fd = D.upstream, .events = POLLIN},
	    {.fd = D.fwd_udp[0], .events = POLLIN},
	    {.fd = D.fwd_udp[1], .events = POLLIN},
	    {.fd = D.fwd_tcp[0], .events = POLLIN},
	    {.fd = D.fwd_tcp[1], .events = POLLIN},
	};
	if (poll(p, 6, ms) <= 0)
		return;
	if (p[0].revents)
		serve_upstream();
	if (p[1].revents)
		from_upstream();
	for (int i = 0; i < 2; i++) {
		if (p[2 + i].revents)
			fwd_udp(D.fwd_udp[i]);
		if (p[4 + i].revents)
			fwd_tcp(D.fwd_tcp[i]);
	}
}

static void forwarder_idle(void)
{
	loop_once(10);
}

/* tb_run_in with the forwarder running meanwhile. */
static int run_with_forwarder(const char *path, int (*fn)(void *), void *arg)
{
	return tb_run_in_loop(path, fn, arg, forwarder_idle);
}

static int bind_local(int fam, int type, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int one = 1;

	tb_sockaddr(addr, *port, &ss, &len);
	int fd = socket(fam, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static int forwarder_up(void)
{
	const struct dnsproxy_ops ops = {decide, learn};
	const struct dnsproxy_opts o = {.min_ttl = 1};
	struct sockaddr_storage ss;
	socklen_t len;

	D.server_port = 0;
	D.server = bind_local(AF_INET, SOCK_DGRAM, "127.0.0.1", &D.server_port);
	D.fwd_port = 0;
	D.fwd_udp[0] =
	    bind_local(AF_INET, SOCK_DGRAM, "127.0.0.1", &D.fwd_port);
	D.fwd_udp[1] = bind_local(AF_INET6, SOCK_DGRAM, "::1", &D.fwd_port);
	D.fwd_tcp[0] =
	    bind_local(AF_INET, SOCK_STREAM, "127.0.0.1", &D.fwd_port);
	D.fwd_tcp[1] = bind_local(AF_INET6, SOCK_STREAM, "::1", &D.fwd_port);
	D.upstream = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_sockaddr("127.0.0.1", D.server_port, &ss, &len);
	if (D.server < 0 || D.fwd_udp[0] < 0 || D.fwd_udp[1] < 0 ||
	    D.fwd_tcp[0] < 0 || D.fwd_tcp[1] < 0 ||
	    connect(D.upstream, (struct sockaddr *)&ss, len) < 0)
		return -1;
	if (dnsproxy_new(&ops, &o, &D.proxy) < 0)
		return -1;
	uint8_t a6[16];
	inet_pton(AF_INET6, "::1", a6);
	return egress_dns_set(T.e, htonl(INADDR_LOOPBACK), a6);
}

static void forwarder_down(void)
{
	dnsproxy_free(D.proxy);
	D.proxy = NULL;
	close(D.server);
	close(D.upstream);
	for (int i = 0; i < 2; i++) {
		close(D.fwd_udp[i]);
		close(D.fwd_tcp[i]);
	}
}

/* ------------------------------------------------ what the program does */

struct lookup {
	const char *server; /* the resolver the program asks */
	uint16_t server_port;
	const char *name;
	uint16_t qtype;
	bool tcp;
	/* results */
	int rcode, err;
	char addr[64];
	char peer[64]; /* who the answer came from, as the program sees it */
};

static int ask(struct lookup *l)
{
	uint8_t q[300], a[1500];
	struct dns_hdr h = {.id = 0xbeef, .flags = DNS_F_RD, .qd = 1};
	struct dns_question qq = {.qtype = l->qtype, .qclass = DNS_C_IN};
	struct sockaddr_storage ss, from;
	socklen_t len, fl = sizeof(from);
	ssize_t n;

	snprintf(qq.name, sizeof(qq.name), "%s", l->name);
	int qn = dns_msg_start(q, sizeof(q), &h, &qq);
	int fam = tb_sockaddr(l->server, l->server_port, &ss, &len);
	int fd =
	    socket(fam, (l->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 3};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (l->tcp) {
		uint8_t lb[2];
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			return l->err = errno;
		dns_put16(lb, (uint16_t)qn);
		if (write(fd, lb, 2) != 2 || write(fd, q, (size_t)qn) != qn)
			return l->err = errno;
		getpeername(fd, (struct sockaddr *)&from, &fl);
		n = read(fd, lb, 2);
		n = n == 2 ? read(fd, a, dns_get16(lb)) : -1;
	} else {
		if (sendto(fd, q, (size_t)qn, 0, (struct sockaddr *)&ss, len) <
		    0)
			return l->err = errno;
		n = recvfrom(fd, a, sizeof(a), 0, (struct sockaddr *)&from,
			     &fl);
	}
	close(fd);
	if (n < DNS_HDR_LEN)
		return l->err = n < 0 ? errno : EBADMSG;
	char host[INET6_ADDRSTRLEN];
	uint16_t port;
	if (from.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr,
			  host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&from)->sin_port);
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr,
			  host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&from)->sin6_port);
	}
	snprintf(l->peer, sizeof(l->peer), "%s:%u", host, port);
	dns_hdr_read(a, (size_t)n, &h);
	l->rcode = h.flags & DNS_F_RCODE;
	size_t off = DNS_HDR_LEN;
	struct dns_rr rr;
	dns_question_read(a, (size_t)n, &off, false, &qq);
	for (int i = 0; i < h.an; i++) {
		if (dns_rr_read(a, (size_t)n, &off, &rr) < 0)
			break;
		if (rr.type == DNS_T_A || rr.type == DNS_T_AAAA)
			inet_ntop(rr.type == DNS_T_A ? AF_INET : AF_INET6,
				  a + rr.rdata_off, l->addr, sizeof(l->addr));
	}
	return 0;
}

/* Everything the child found, for the driver (shared memory). */
static struct lookup *L;

static int do_ask(void *arg)
{
	(void)arg;
	ask(L);
	return 0;
}

static int do_connect_to(void *arg)
{
	return tb_connect((const char *)arg, D.p1, SOCK_STREAM);
}

static int do_getaddrinfo(void *arg)
{
	struct addrinfo hints = {.ai_family = AF_INET,
				 .ai_socktype = SOCK_STREAM},
			*res;
	(void)arg;
	int r = getaddrinfo("allowed.test.", NULL, &hints, &res);
	if (r)
		return 100 + (r < 0 ? -r : r) % 100;
	char host[64];
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
		  host, sizeof(host));
	freeaddrinfo(res);
	if (strcmp(host, "127.80.0.1"))
		return 99;
	return tb_connect(host, D.p1, SOCK_STREAM);
}

static int do_direct(void *arg)
{
	(void)arg;
	return tb_sendto("127.0.0.1", D.fwd_port);
}

/* The forwarder's port through the unspecified address, which the
 * kernel sends to 127.0.0.1 and ::1, from a session whose rules allow
 * every address: still the forwarder's port directly. */
static int do_direct_any(void *arg)
{
	return tb_sendto(arg, D.fwd_port);
}

/* A session whose rules allow every address, its DNS steered to the
 * forwarder */
static struct egress_session allow_all_steered(void)
{
	return (struct egress_session){.rules = &tb_allow_all,
				       .nrules = 1,
				       .default_action = EGRESS_DENY,
				       .flags = EGRESS_S_DNS_ALL,
				       .dns_port = D.fwd_port};
}

static void direct_any(void)
{
	struct egress_session cfg = allow_all_steered();
	struct tb_events ev;
	struct tb_sess s;

	if (!tb_sess_open(&s, &cfg))
		return;
	tb_events_poll(&ev);
	int r4 = run_with_forwarder(s.path, do_direct_any, "0.0.0.0");
	int r6 = run_with_forwarder(s.path, do_direct_any, "::");
	tb_events_poll(&ev);
	tb_check(r4 == EPERM && r6 == EPERM &&
		     tb_events_count(&ev, s.id, EGRESS_R_FORWARDER,
				     EGRESS_DENY) == 2,
		 "the forwarder's port through 0.0.0.0 and :: under an "
		 "allow-all rule: %s, %s, dns_forwarder events",
		 strerror(r4), strerror(r6));
	tb_sess_end(&s);
}

/* A datagram as the resolver (its address and port, by a socket bound
 * to another loopback address and IP_PKTINFO) to the forwarder's
 * upstream socket: an answer the forwarder would take. */
static int do_spoof(void *arg)
{
	const uint16_t *up = arg;
	struct sockaddr_in b = {.sin_family = AF_INET,
				.sin_port = htons(D.server_port)};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(*up)};
	struct in_pktinfo pi = {0};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), e;

	inet_pton(AF_INET, "127.0.0.2", &b.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &pi.ipi_spec_dst);
	if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0)
		return 200;
	e = tb_send_cmsg(fd, &to, sizeof(to), "tg-spoof", 8, IPPROTO_IP,
			 IP_PKTINFO, &pi, sizeof(pi));
	close(fd);
	return e;
}

/* Did the upstream socket get the spoofed datagram (and drop it)? */
static bool spoof_arrived(void)
{
	char b[64];
	bool got = false;
	usleep(50000);
	while (recv(D.upstream, b, sizeof(b), MSG_DONTWAIT) > 0)
		got = got || !memcmp(b, "tg-spoof", 8);
	return got;
}

static void upstream_spoof(void)
{
	struct egress_session cfg = allow_all_steered();
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	struct tb_sess s;
	uint16_t up;

	if (getsockname(D.upstream, (struct sockaddr *)&a, &al) < 0)
		return;
	up = ntohs(a.sin_port);
	int r = tb_run_in(NULL, do_spoof, &up);
	if (r != 0 || !spoof_arrived()) {
		tb_bad("natively a datagram as the resolver does not reach the "
		       "upstream socket (%s)",
		       r ? strerror(r) : "sent, not seen");
		return;
	}
	if (!tb_sess_open(&s, &cfg))
		return;
	r = tb_run_in(s.path, do_spoof, &up);
	tb_check(r == 0 && spoof_arrived(),
		 "the attack: from a session, without the port reserved, the "
		 "upstream socket takes it (%s)",
		 r ? strerror(r) : "sent");
	r = egress_port_reserve(T.e, up);
	tb_check(r == 0, "the upstream socket's port reserved: %s",
		 strerror(-r));
	r = tb_run_in(s.path, do_spoof, &up);
	bool got = spoof_arrived();
	tb_check(r == EPERM && !got,
		 "a datagram as the resolver (127.0.0.1:%u) to the forwarder's "
		 "upstream socket: natively taken, from a session whose rules "
		 "allow every address %s%s",
		 D.server_port, r ? strerror(r) : "sent",
		 got ? ", and taken" : "");
	egress_port_reserve(T.e, 0);
	tb_sess_end(&s);
}

static void lookup(const struct tb_sess *s, const char *server,
		   const char *name, uint16_t qtype, bool tcp)
{
	memset(L, 0, sizeof(*L));
	L->server = server;
	L->server_port = 53;
	L->name = name;
	L->qtype = qtype;
	L->tcp = tcp;
	run_with_forwarder(s->path, do_ask, NULL);
}

static void steering(const struct tb_sess *s)
{
	lookup(s, "8.8.8.8", "allowed.test", DNS_T_A, false);
	tb_check(L->err == 0 && L->rcode == 0 &&
		     !strcmp(L->addr, "127.80.0.1") &&
		     !strcmp(L->peer, "8.8.8.8:53"),
		 "dig @8.8.8.8 allowed.test: %s from %s (rcode %d, %s)",
		 L->addr, L->peer, L->rcode, strerror(L->err));
	int r = run_with_forwarder(s->path, do_connect_to, "127.80.0.1");
	tb_check(r == 0, "its address is then connectable: %s", strerror(r));
	r = run_with_forwarder(s->path, do_connect_to, "127.82.0.1");
	tb_check(r == EPERM, "an address no allowed name gave is not: %s",
		 strerror(r));
	lookup(s, "8.8.8.8", "denied.test", DNS_T_A, false);
	tb_check(L->err == 0 && L->rcode == DNS_R_NXDOMAIN && !L->addr[0],
		 "a denied name: NXDOMAIN (rcode %d)", L->rcode);
	lookup(s, "9.9.9.9", "refused.test", DNS_T_A, false);
	tb_check(L->rcode == DNS_R_REFUSED, "another: REFUSED (rcode %d)",
		 L->rcode);
	lookup(s, "2001:4860:4860::8888", "allowed.test", DNS_T_AAAA, false);
	tb_check(L->err == 0 && !strcmp(L->addr, "fd00:99::1") &&
		     !strcmp(L->peer, "2001:4860:4860::8888:53"),
		 "over IPv6, AAAA: %s from %s (%s)", L->addr, L->peer,
		 strerror(L->err));
	r = run_with_forwarder(s->path, do_connect_to, "fd00:99::1");
	tb_check(r == 0, "the AAAA address is connectable: %s", strerror(r));
	lookup(s, "8.8.4.4", "allowed.test", DNS_T_A, true);
	tb_check(L->err == 0 && !strcmp(L->addr, "127.80.0.1") &&
		     !strcmp(L->peer, "8.8.4.4:53"),
		 "over TCP: %s, getpeername says %s (%s)", L->addr, L->peer,
		 strerror(L->err));
	r = run_with_forwarder(s->path, do_getaddrinfo, NULL);
	tb_check(r == 0,
		 "getaddrinfo (whatever resolv.conf names) and connect: %d", r);
	r = run_with_forwarder(s->path, do_direct, NULL);
	tb_check(r == EPERM, "the forwarder's port directly: %s", strerror(r));
}

static void ttl_change(const struct tb_sess *s)
{
	lookup(s, "8.8.8.8", "changing.test", DNS_T_A, false);
	int r = run_with_forwarder(s->path, do_connect_to, "127.81.0.1");
	tb_check(L->rcode == 0 && !strcmp(L->addr, "127.81.0.1") && r == 0,
		 "changing.test (TTL 2 s) is 127.81.0.1, connectable: %s",
		 strerror(r));
	zone[2].addr = "127.81.0.2";
	sleep(3);
	r = run_with_forwarder(s->path, do_connect_to, "127.81.0.1");
	tb_check(r == EPERM,
		 "3 s later the old address is refused by the kernel, before "
		 "any refresh: %s",
		 strerror(r));
	lookup(s, "8.8.8.8", "changing.test", DNS_T_A, false);
	r = run_with_forwarder(s->path, do_connect_to, "127.81.0.2");
	tb_check(!strcmp(L->addr, "127.81.0.2") && r == 0,
		 "looked up again: %s, connectable: %s", L->addr, strerror(r));
	int dropped = egress_refresh(T.e);
	tb_check(dropped >= 1, "egress_refresh dropped %d expired address(es)",
		 dropped);
	zone[2].addr = "127.81.0.1";
}

void t_dns(void)
{
	struct egress_session cfg = {.default_action = EGRESS_DENY,
				     .flags = EGRESS_S_DNS_ALL};
	struct tb_sess s;
	int l;

	printf("== DNS steered to the forwarder\n");
	L = tb_shared(sizeof(*L));
	D.p1 = 0;
	l = tb_listen_any(SOCK_STREAM, &D.p1);
	if (!L || l < 0 || forwarder_up() < 0) {
		tb_bad("cannot set up the forwarder");
		return;
	}
	cfg.dns_port = D.fwd_port;
	if (!tb_sess_open(&s, &cfg)) {
		forwarder_down();
		return;
	}
	D.sess_id = s.id;
	steering(&s);
	ttl_change(&s);
	direct_any();
	upstream_spoof();
	tb_check(D.learn_fail == 0, "%d addresses learned, none failed",
		 D.learned);
	struct egress_counters c;
	egress_counters(T.e, s.id, &c);
	tb_check(c.dns_steered >= 6, "dns_steered counter: %llu",
		 (unsigned long long)c.dns_steered);
	tb_sess_end(&s);
	forwarder_down();
	tb_drain(l, SOCK_STREAM);
	close(l);
}
