/* SPDX-License-Identifier: MIT */
/*
 * Sockets and processes: raw and packet sockets, inet protocols other
 * than TCP/UDP, a static binary, a process that makes its own
 * sub-cgroup, a cgroup under the parent that is no session, and the
 * AF_UNIX address-length guard (connect_unix/sendmsg_unix).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tb.h"

static uint16_t P1;

static int do_raw(void *arg)
{
	(void)arg;
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int do_raw6(void *arg)
{
	(void)arg;
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int do_sctp(void *arg)
{
	(void)arg;
	int fd = socket(AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* ICMP "ping" sockets (SOCK_DGRAM, ICMP/ICMPv6: no privilege, within
 * net.ipv4.ping_group_range) and UDP-Lite: datagram sockets whose
 * protocol is neither TCP nor UDP */
static int do_dgram_proto(void *arg)
{
	const int *fp = arg;
	int fd = socket(fp[0], SOCK_DGRAM, fp[1]);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void dgram_protos(const struct tb_sess *s)
{
	static const struct {
		int fp[2];
		const char *what;
	} v[] = {
	    {{AF_INET, IPPROTO_ICMP}, "an ICMP ping socket (SOCK_DGRAM)"},
	    {{AF_INET6, IPPROTO_ICMPV6}, "an ICMPv6 ping socket (SOCK_DGRAM)"},
	    {{AF_INET, IPPROTO_UDPLITE}, "a UDP-Lite socket"},
	    {{AF_INET6, IPPROTO_UDPLITE}, "a UDP-Lite IPv6 socket"},
	};

	/* the suite's own network namespace: root's group may ping */
	tb_sh("sysctl -qw net.ipv4.ping_group_range='0 0'");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int native = tb_run_in(NULL, do_dgram_proto, (void *)v[i].fp);
		int got;
		if (native != 0) {
			tb_skip("%s: not possible here even natively (%s)",
				v[i].what, strerror(native));
			continue;
		}
		got = tb_run_in(s->path, do_dgram_proto, (void *)v[i].fp);
		tb_check(got == EPERM, "%s: made natively, %s in a session",
			 v[i].what, got ? strerror(got) : "made");
	}
}

static int do_packet(void *arg)
{
	(void)arg;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void check_refused(const struct tb_sess *s, int (*fn)(void *),
			  const char *what)
{
	int native = tb_run_in(NULL, fn, NULL);
	int got;

	if (native != 0) {
		tb_skip("%s: not possible here even natively (%s)", what,
			strerror(native));
		return;
	}
	got = tb_run_in(s->path, fn, NULL);
	tb_check(got == EPERM, "%s: works natively, %s in a session", what,
		 got ? strerror(got) : "allowed");
}

static void raw_sockets(void)
{
	struct egress_session cfg = {.default_action = EGRESS_ALLOW};
	struct tb_events ev;
	struct tb_sess s;

	printf("== raw, packet and other sockets\n");
	if (!tb_sess_open(&s, &cfg))
		return;
	tb_events_poll(&ev);
	check_refused(&s, do_raw, "SOCK_RAW (AF_INET, ICMP)");
	check_refused(&s, do_raw6, "SOCK_RAW (AF_INET6, ICMPv6)");
	check_refused(&s, do_sctp,
		      "an inet protocol other than TCP/UDP (MPTCP)");
	tb_events_poll(&ev);
	tb_check(tb_events_count(&ev, s.id, EGRESS_R_SOCK_RAW, EGRESS_DENY) ==
		     2,
		 "two raw_socket events");
	dgram_protos(&s);
	/* AF_PACKET: cgroup/sock_create runs in inet_create and
	 * inet6_create only, so no cgroup program sees it: the check shows
	 * it, and the refusal belongs to seccomp (socket(AF_PACKET, ...)
	 * has its family in a register) or to dropping CAP_NET_RAW. */
	int pk = tb_run_in(s.path, do_packet, NULL);
	if (pk == 0)
		tb_skip("AF_PACKET: cgroup BPF cannot refuse it (sock_create "
			"runs for AF_INET/AF_INET6 only: a packet socket was "
			"made in the session); seccomp must");
	else
		tb_check(pk == EPERM, "AF_PACKET refused: %s", strerror(pk));
	tb_sess_end(&s);
	cfg.flags = EGRESS_S_ALLOW_RAW;
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	int got = tb_run_in(s.path, do_raw, NULL);
	tb_check(got == 0, "a session with raw sockets allowed makes one: %s",
		 got ? strerror(got) : "ok");
	tb_sess_end(&s);
}

static void static_binary(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.70.0.0/16", EGRESS_PROTO_TCP, 0, 65535, EGRESS_ALLOW,
		    1),
	};
	struct egress_session cfg = {
	    .rules = r, .nrules = 1, .default_action = EGRESS_DENY};
	char prog[PATH_MAX + 32], port[8], out[256];
	struct tb_sess s;

	printf("== a static binary\n");
	snprintf(prog, sizeof(prog), "%s/static_connect", T.progdir);
	snprintf(port, sizeof(port), "%u", P1);
	if (access(prog, X_OK) < 0) {
		tb_bad("%s missing", prog);
		return;
	}
	char *denied[] = {prog, "127.71.0.1", port, NULL};
	char *allowed[] = {prog, "127.70.0.1", port, NULL};
	int native = tb_exec_in(NULL, denied, out, sizeof(out));
	if (native != 0) {
		tb_bad("static_connect does not work natively: %s", out);
		return;
	}
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	int got = tb_exec_in(s.path, denied, out, sizeof(out));
	tb_check(got == EPERM && strstr(out, "errno=1"),
		 "static binary, raw connect syscall: refused by the kernel "
		 "(%s)",
		 out);
	got = tb_exec_in(s.path, allowed, out, sizeof(out));
	tb_check(got == 0, "static binary to an allowed address: %s", out);
	tb_sess_end(&s);
}

static int do_tcp(void *arg)
{
	(void)arg;
	return tb_connect("127.70.0.1", P1, SOCK_STREAM);
}

/* A TCP socket made before the process joined the session (fd 0 of the
 * arg: inherited, as through SCM_RIGHTS from outside), connected. */
static int do_inherited(void *arg)
{
	const int *fd = arg;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(P1)};

	inet_pton(AF_INET, "127.71.0.1", &a.sin_addr);
	return connect(*fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? errno : 0;
}

/* A residual, shown: cgroup programs run by the socket's cgroup (the
 * one its maker was in), so a socket made outside the tiergate tree and
 * then used in a session (inherited, or passed through SCM_RIGHTS by a
 * process outside) is not seen by this layer: its connects and sends
 * are policyd's (the seccomp backstop notifies every connect), its bytes
 * count towards no limit. LSM BPF (socket_connect) would see it. */
static void made_outside(const struct tb_sess *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int here = tb_run_in(s->path, do_tcp, NULL);
	int got = tb_run_in(s->path, do_inherited, &fd);

	close(fd);
	tb_check(here == EPERM, "a socket made in the session: refused (%s)",
		 strerror(here));
	if (got == 0)
		tb_skip("a socket made outside the tree, used in the session: "
			"not seen by cgroup BPF (connected; a stated residual, "
			"the seccomp backstop decides its connect)");
	else
		tb_check(got == EPERM, "a socket made outside: %s",
			 strerror(got));
}

struct subcg {
	const char *sess;
};

/* In the session, make a sub-cgroup, move there, connect. */
static int do_subcgroup(void *arg)
{
	const struct subcg *a = arg;
	char sub[PATH_MAX];

	if (tb_cgroup_make(a->sess, "child", sub, sizeof(sub), NULL) < 0 ||
	    tb_cgroup_enter(sub, getpid()) < 0)
		return 200;
	return tb_connect("127.71.0.1", P1, SOCK_STREAM);
}

static void sub_cgroups(void)
{
	struct egress_session cfg = {.default_action = EGRESS_DENY};
	struct tb_events ev;
	struct tb_sess s;
	char stray[PATH_MAX], sub[PATH_MAX + 8];
	uint64_t id;

	printf("== sub-cgroups and cgroups that are no session\n");
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	made_outside(&s);
	struct subcg a = {s.path};
	int got = tb_run_in(s.path, do_subcgroup, &a);
	tb_check(got == EPERM,
		 "a process that moved into its own sub-cgroup stays in its "
		 "session: %s",
		 got == 200 ? "could not make it" : strerror(got));
	snprintf(sub, sizeof(sub), "%s/child", s.path);
	tb_cgroup_remove(sub);
	tb_sess_end(&s);
	/* a cgroup under the parent that was never added: fail closed */
	if (tb_cgroup_make(T.parent, "stray", stray, sizeof(stray), &id) < 0)
		return;
	tb_events_poll(&ev);
	int sock = tb_run_in(stray, do_raw, NULL);
	int conn = tb_run_in(stray, do_tcp, NULL);
	tb_events_poll(&ev);
	tb_check(sock == EPERM && conn == EPERM &&
		     tb_events_count(&ev, id, EGRESS_R_UNKNOWN_SESSION, -1) >=
			 2,
		 "a cgroup under the parent that is no session gets no inet "
		 "socket, with unknown_session events (%s, %s)",
		 strerror(sock), strerror(conn));
	tb_cgroup_remove(stray);
}

/* AF_UNIX connect and sendto with a given address length. */
struct ux {
	const char *path;
	socklen_t len;
	int type;
};

static int do_unix(void *arg)
{
	const struct ux *u = arg;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, u->type, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", u->path);
	if (u->type == SOCK_STREAM)
		return connect(fd, (struct sockaddr *)&a, u->len) < 0 ? errno
								      : 0;
	return sendto(fd, "x", 1, 0, (struct sockaddr *)&a, u->len) < 0 ? errno
									: 0;
}

static void unix_guard(void)
{
	const struct egress_features *f = egress_features(T.e);
	struct egress_session cfg = {.default_action = EGRESS_ALLOW,
				     .flags = EGRESS_S_UNIX_LEN_GUARD};
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct tb_sess s;
	/* a 14-byte path: sockaddr length 16 without the NUL, 17 with; and
	 * a 26-byte one (28, 29) */
	char p14[64], p26[80];

	printf("== AF_UNIX address lengths 16 and 28 (seccomp's blind spot)\n");
	if (f->err[EGRESS_FT_CONNECT_UNIX] || f->err[EGRESS_FT_KERN_CTX]) {
		tb_skip("connect_unix/bpf_cast_to_kern_ctx unavailable: %s",
			f->why[EGRESS_FT_CONNECT_UNIX]);
		return;
	}
	snprintf(p14, sizeof(p14), "/tmp/tgu%06d", (int)getpid() % 1000000);
	snprintf(p26, sizeof(p26), "%s-%s", p14, "xxxxxxxxxxx");
	unlink(p14);
	unlink(p26);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	int ld = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", p14);
	bind(ls, (struct sockaddr *)&a, sizeof(a));
	listen(ls, 64);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", p26);
	bind(ld, (struct sockaddr *)&a, sizeof(a));
	if (tb_sess_new(&s, &cfg) < 0)
		goto out;
	struct ux c16 = {p14, 16, SOCK_STREAM}, c17 = {p14, 17, SOCK_STREAM};
	struct ux d28 = {p26, 28, SOCK_DGRAM}, d29 = {p26, 29, SOCK_DGRAM};
	tb_check(strlen(p14) == 14 && strlen(p26) == 26, "path lengths");
	tb_check(tb_run_in(NULL, do_unix, &c16) == 0 &&
		     tb_run_in(NULL, do_unix, &d28) == 0,
		 "natively both lengths work");
	int g1 = tb_run_in(s.path, do_unix, &c16);
	int g2 = tb_run_in(s.path, do_unix, &c17);
	int g3 = tb_run_in(s.path, do_unix, &d28);
	int g4 = tb_run_in(s.path, do_unix, &d29);
	tb_check(g1 == EPERM, "connect, addrlen 16: %s", strerror(g1));
	tb_check(g2 == 0, "connect, same path, addrlen 17: %s", strerror(g2));
	tb_check(g3 == EPERM, "sendto, addrlen 28: %s", strerror(g3));
	tb_check(g4 == 0, "sendto, same path, addrlen 29: %s", strerror(g4));
	tb_sess_end(&s);
	cfg.flags = 0;
	if (tb_sess_new(&s, &cfg) == 0) {
		g1 = tb_run_in(s.path, do_unix, &c16);
		tb_check(g1 == 0, "without the guard, addrlen 16 passes: %s",
			 strerror(g1));
		tb_sess_end(&s);
	}
out:
	close(ls);
	close(ld);
	unlink(p14);
	unlink(p26);
}

void t_sockets(void)
{
	int l1 = tb_listen_any(SOCK_STREAM, &P1);

	if (l1 < 0) {
		tb_bad("cannot listen");
		return;
	}
	raw_sockets();
	static_binary();
	sub_cgroups();
	unix_guard();
	close(l1);
}
