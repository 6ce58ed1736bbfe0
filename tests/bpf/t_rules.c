/* SPDX-License-Identifier: MIT */
/*
 * Decisions in the kernel: CIDRs, ports, protocols, IPv6 and v4-mapped,
 * strictest wins, defaults, prompts and their approval, host addresses
 * with a TTL, events. Every refusal is first shown to work without the
 * layer (from the driver, which is in no session).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tb.h"

static uint16_t P1, P2, P3, PU; /* TCP ports (dual stack), a UDP port */

struct target {
	const char *addr;
	uint16_t port;
	int type;
};

static int do_connect(void *arg)
{
	const struct target *t = arg;
	return tb_connect(t->addr, t->port, t->type);
}

static int do_sendto(void *arg)
{
	const struct target *t = arg;
	return tb_sendto(t->addr, t->port);
}

/* connect addr:port from the session; want 0 or an errno. */
static void expect_connect(const struct tb_sess *s, const char *addr,
			   uint16_t port, int type, int want, const char *what)
{
	struct target t = {addr, port, type};
	int native = tb_connect(addr, port, type);
	int got = tb_run_in(s->path, do_connect, &t);

	if (native != 0) {
		tb_bad("%s: %s:%u does not work even without the layer (%s)",
		       what, addr, port, strerror(native));
		return;
	}
	tb_check(got == want, "%s: %s %s:%u -> %s (want %s)", what,
		 type == SOCK_STREAM ? "tcp" : "udp", addr, port,
		 got ? strerror(got) : "ok", want ? strerror(want) : "ok");
}

static void expect_sendto(const struct tb_sess *s, const char *addr,
			  uint16_t port, int want, const char *what)
{
	struct target t = {addr, port, SOCK_DGRAM};
	int got = tb_run_in(s->path, do_sendto, &t);

	tb_check(got == want, "%s: sendto %s:%u -> %s (want %s)", what, addr,
		 port, got ? strerror(got) : "ok",
		 want ? strerror(want) : "ok");
}

static void cidr_and_ports(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.10.0.0/16", EGRESS_PROTO_TCP, 0, 65535, EGRESS_ALLOW,
		    1),
	    tb_rule("127.10.5.0/24", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY,
		    2),
	    /* a /32 inside the denied /24, allowed: the deny still wins */
	    tb_rule("127.10.5.7", EGRESS_PROTO_TCP, 0, 65535, EGRESS_ALLOW, 3),
	    tb_rule("127.20.0.0/16", EGRESS_PROTO_TCP, P1, P1, EGRESS_ALLOW, 4),
	    tb_rule("fd00:99::/64", EGRESS_PROTO_TCP, 0, 65535, EGRESS_ALLOW,
		    5),
	    tb_rule("fd00:99::2", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY, 6),
	};
	struct tb_sess s;

	printf("== CIDRs, ports, IPv6, v4-mapped\n");
	if (!tb_sess_deny(&s, r, 6))
		return;
	expect_connect(&s, "127.10.1.1", P1, SOCK_STREAM, 0, "allowed /16");
	expect_connect(&s, "127.11.1.1", P1, SOCK_STREAM, EPERM,
		       "outside every rule: default deny");
	expect_connect(&s, "127.10.5.1", P1, SOCK_STREAM, EPERM,
		       "denied /24 inside the allowed /16");
	expect_connect(&s, "127.10.5.7", P1, SOCK_STREAM, EPERM,
		       "allowed /32 inside the denied /24 (strictest wins)");
	expect_connect(&s, "127.20.0.9", P1, SOCK_STREAM, 0,
		       "port rule: its port");
	expect_connect(&s, "127.20.0.9", P2, SOCK_STREAM, EPERM,
		       "port rule: another port");
	expect_connect(&s, "fd00:99::1", P1, SOCK_STREAM, 0,
		       "IPv6 allowed /64");
	expect_connect(&s, "fd00:99::2", P1, SOCK_STREAM, EPERM,
		       "IPv6 denied /128");
	expect_connect(&s, "fd00:98::1", P1, SOCK_STREAM, EPERM,
		       "IPv6 outside: default");
	expect_connect(&s, "::ffff:127.10.1.1", P1, SOCK_STREAM, 0,
		       "v4-mapped decided as IPv4 (allowed)");
	expect_connect(&s, "::ffff:127.10.5.1", P1, SOCK_STREAM, EPERM,
		       "v4-mapped decided as IPv4 (denied)");
	expect_sendto(&s, "127.10.1.1", PU, EPERM,
		      "UDP to a TCP-only rule's block");
	tb_sess_end(&s);
}

static void udp_paths(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.30.0.0/16", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 1),
	    tb_rule("fd00:99::1", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 2),
	};
	struct tb_sess s;

	printf("== UDP: sendto, sendmsg, connected, AF_UNSPEC\n");
	if (!tb_sess_deny(&s, r, 2))
		return;
	expect_sendto(&s, "127.30.0.1", PU, 0, "unconnected UDP allowed");
	expect_sendto(&s, "127.31.0.1", PU, EPERM, "unconnected UDP denied");
	expect_sendto(&s, "fd00:99::1", PU, 0, "unconnected UDP6 allowed");
	expect_sendto(&s, "fd00:99::2", PU, EPERM, "unconnected UDP6 denied");
	expect_sendto(&s, "::ffff:127.31.0.1", PU, EPERM,
		      "UDP6 socket, v4-mapped, denied");
	expect_connect(&s, "127.30.0.1", PU, SOCK_DGRAM, 0,
		       "connected UDP allowed");
	expect_connect(&s, "127.31.0.1", PU, SOCK_DGRAM, EPERM,
		       "connected UDP denied");
	tb_sess_end(&s);
}

/* sendmsg with a msghdr, and sendto with sin_family AF_UNSPEC (which
 * udp_sendmsg takes as AF_INET) */
static int do_tricky_sends(void *arg)
{
	const char *addr = arg;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(PU)};
	struct iovec iov = {.iov_base = "x", .iov_len = 1};
	struct msghdr m = {.msg_name = &sa,
			   .msg_namelen = sizeof(sa),
			   .msg_iov = &iov,
			   .msg_iovlen = 1};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), bits = 0;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (sendmsg(fd, &m, 0) < 0 && errno == EPERM)
		bits |= 1;
	sa.sin_family = AF_UNSPEC;
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno == EPERM)
		bits |= 2;
	/* a connected socket's sendto with another address */
	struct sockaddr_in ok = {.sin_family = AF_INET, .sin_port = htons(PU)};
	inet_pton(AF_INET, "127.30.0.1", &ok.sin_addr);
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_family = AF_INET;
	if (connect(c, (struct sockaddr *)&ok, sizeof(ok)) == 0 &&
	    sendto(c, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno == EPERM)
		bits |= 4;
	/* sendmmsg: each message's address is decided (udp_sendmsg per
	 * message): an allowed one, then addr; 1 sent means refused */
	struct mmsghdr mm[2] = {{.msg_hdr = {.msg_name = &ok,
					     .msg_namelen = sizeof(ok),
					     .msg_iov = &iov,
					     .msg_iovlen = 1}},
				{.msg_hdr = m}};
	if (sendmmsg(fd, mm, 2, 0) == 1)
		bits |= 8;
	return bits;
}

static void udp_tricks(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.30.0.0/16", EGRESS_PROTO_UDP, PU, PU, EGRESS_ALLOW, 1),
	};
	struct tb_sess s;

	if (!tb_sess_deny(&s, r, 1))
		return;
	int bits = tb_run_in(s.path, do_tricky_sends, "127.31.0.1");
	tb_check(bits == 15,
		 "sendmsg, sendto with AF_UNSPEC, a connected socket's sendto "
		 "elsewhere and sendmmsg's second message are all refused "
		 "(bits %d, want 15)",
		 bits);
	bits = tb_run_in(s.path, do_tricky_sends, "127.30.0.2");
	tb_check(bits == 0, "the same to an allowed address pass (bits %d)",
		 bits);
	tb_sess_end(&s);
}

static int do_tfo(void *arg)
{
	const char *addr = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = tb_sockaddr(addr, P1, &ss, &len);
	int fd = socket(fam, SOCK_STREAM, 0);

	if (sendto(fd, "hello", 5, MSG_FASTOPEN, (struct sockaddr *)&ss, len) <
	    0)
		return errno;
	return 0;
}

static void fast_open(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.40.0.0/16", EGRESS_PROTO_TCP, 0, 65535, EGRESS_ALLOW,
		    1),
	};
	struct tb_sess s;

	printf("== TCP fast open (sendto with MSG_FASTOPEN connects)\n");
	if (do_tfo("127.41.0.1") != 0) {
		tb_skip("TCP fast open does not work here natively");
		return;
	}
	if (!tb_sess_deny(&s, r, 1))
		return;
	int got = tb_run_in(s.path, do_tfo, "127.41.0.1");
	tb_check(got == EPERM, "MSG_FASTOPEN to a denied address: %s",
		 got ? strerror(got) : "sent");
	got = tb_run_in(s.path, do_tfo, "127.40.0.1");
	tb_check(got == 0, "MSG_FASTOPEN to an allowed address: %s",
		 got ? strerror(got) : "sent");
	tb_sess_end(&s);
}

static void strictest_and_events(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.0.0.0/8", EGRESS_PROTO_ANY, 0, 65535, EGRESS_ALLOW, 0),
	    tb_rule("127.50.0.0/16", EGRESS_PROTO_TCP, P2, P2, EGRESS_DENY, 7),
	    tb_rule("127.50.1.0/24", EGRESS_PROTO_ANY, 0, 65535, EGRESS_LOG, 8),
	    tb_rule("127.50.2.0/24", EGRESS_PROTO_ANY, 0, 65535, EGRESS_PROMPT,
		    9),
	};
	struct tb_events ev;
	struct tb_sess s;

	printf("== strictest wins, log and prompt events, approval\n");
	if (!tb_sess_deny(&s, r, 4))
		return;
	tb_events_poll(&ev);
	expect_connect(&s, "127.50.1.1", P2, SOCK_STREAM, EPERM,
		       "deny of the /16 beats log of the narrower /24");
	expect_connect(&s, "127.50.1.1", P1, SOCK_STREAM, 0,
		       "log lets the connect through");
	expect_connect(&s, "127.50.2.1", P1, SOCK_STREAM, EPERM,
		       "prompt refuses (EPERM) until approved");
	tb_events_poll(&ev);
	int deny = -1, log = -1, prompt = -1;
	for (int i = 0; i < ev.n; i++) {
		if (ev.v[i].cgid != s.id)
			continue;
		if (ev.v[i].action == EGRESS_DENY)
			deny = i;
		if (ev.v[i].action == EGRESS_LOG)
			log = i;
		if (ev.v[i].action == EGRESS_PROMPT)
			prompt = i;
	}
	tb_check(deny >= 0 && ev.v[deny].rule == 7 &&
		     ev.v[deny].reason == EGRESS_R_RULE &&
		     ev.v[deny].port == P2 && ev.v[deny].family == AF_INET &&
		     ev.v[deny].addr[12] == 127 && ev.v[deny].addr[13] == 50 &&
		     ev.v[deny].pid != 0 && ev.v[deny].proto == IPPROTO_TCP,
		 "deny event: rule 7, address, port, pid, proto");
	tb_check(log >= 0 && ev.v[log].rule == 8 &&
		     ev.v[log].kind == EGRESS_EV_CONNECT,
		 "log event: rule 8, kind connect");
	tb_check(prompt >= 0 && ev.v[prompt].rule == 9,
		 "prompt event: rule 9 (policyd makes a pending approval)");
	/* approval: policyd puts the destination in, the retry passes */
	struct egress_host h = {.protos = EGRESS_PROTO_TCP,
				.action = EGRESS_ALLOW,
				.port_lo = P1,
				.port_hi = P1,
				.rule = 100};
	tb_addr("127.50.2.1", h.addr);
	tb_check(egress_host_add(T.e, s.id, &h, 0) == 0, "host_add (allow)");
	expect_connect(&s, "127.50.2.1", P1, SOCK_STREAM, EPERM,
		       "an allow entry does not lift the prompt rule");
	h.action = EGRESS_APPROVED;
	tb_check(egress_host_add(T.e, s.id, &h, 0) == 0, "host_add (approved)");
	expect_connect(&s, "127.50.2.1", P1, SOCK_STREAM, 0,
		       "after approval the retry passes");
	expect_connect(&s, "127.50.2.1", P2, SOCK_STREAM, EPERM,
		       "the approval is for its port only");
	h.action = EGRESS_APPROVED;
	h.port_lo = 0;
	h.port_hi = 65535;
	tb_addr("127.50.1.1", h.addr);
	egress_host_add(T.e, s.id, &h, 0);
	expect_connect(&s, "127.50.1.1", P2, SOCK_STREAM, EPERM,
		       "an approval never lifts a deny");
	/* a host rule with two ports: two entries of one rule, both hold */
	struct egress_host two = {.protos = EGRESS_PROTO_TCP,
				  .action = EGRESS_APPROVED,
				  .port_lo = P1,
				  .port_hi = P1,
				  .rule = 101};
	tb_addr("127.50.2.9", two.addr);
	egress_host_add(T.e, s.id, &two, 0);
	two.port_lo = two.port_hi = P3;
	egress_host_add(T.e, s.id, &two, 0);
	expect_connect(&s, "127.50.2.9", P1, SOCK_STREAM, 0,
		       "a rule's first port range");
	expect_connect(&s, "127.50.2.9", P3, SOCK_STREAM, 0,
		       "the same rule's second port range");
	tb_sess_end(&s);
}

static void defaults(void)
{
	struct egress_session cfg = {.default_action = EGRESS_ALLOW};
	struct tb_sess s;

	printf("== defaults, processes outside sessions\n");
	if (!tb_sess_open(&s, &cfg))
		return;
	expect_connect(&s, "127.60.0.1", P1, SOCK_STREAM, 0,
		       "no rules, default allow");
	tb_sess_end(&s);
	cfg.default_action = EGRESS_PROMPT;
	if (!tb_sess_open(&s, &cfg))
		return;
	expect_connect(&s, "127.60.0.1", P1, SOCK_STREAM, EPERM,
		       "no rules, default prompt refuses");
	int native = tb_run_in(NULL, do_connect,
			       &(struct target){"127.60.0.1", P1, SOCK_STREAM});
	tb_check(native == 0,
		 "the driver's child, in no session, is untouched");
	/* in the parent cgroup itself (no session) */
	int inparent =
	    tb_run_in(T.parent, do_connect,
		      &(struct target){"127.60.0.1", P1, SOCK_STREAM});
	tb_check(inparent == 0,
		 "a process in the parent cgroup (no session) is untouched");
	tb_sess_end(&s);
}

void t_rules(void)
{
	int l1, l2, lu;

	P1 = P2 = P3 = PU = 0;
	l1 = tb_listen_any(SOCK_STREAM, &P1);
	l2 = tb_listen_any(SOCK_STREAM, &P2);
	int l3 = tb_listen_any(SOCK_STREAM, &P3);
	lu = tb_listen_any(SOCK_DGRAM, &PU);
	if (l1 < 0 || l2 < 0 || lu < 0) {
		tb_bad("cannot listen");
		return;
	}
	cidr_and_ports();
	tb_drain(l1, SOCK_STREAM);
	udp_paths();
	udp_tricks();
	fast_open();
	tb_drain(l1, SOCK_STREAM);
	strictest_and_events();
	defaults();
	tb_check(tb_drain(lu, SOCK_DGRAM) > 0, "allowed datagrams arrived");
	close(l1);
	close(l2);
	close(l3);
	close(lu);
}
