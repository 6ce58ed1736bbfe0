/* SPDX-License-Identifier: MIT */
#include "sv_net.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "chase.h"
#include "daemon.h"
#include "decide.h"
#include "session.h"
#include "sv_mem.h"
#include "util.h"

#define NET_ADDRS_MAX 64 /* sendmmsg: the kernel sends at most UIO_MAXIOV */

/* The name of a Unix socket address (l bytes) into k's request: a file
 * name (access acc, audit kind label), or with abstract the abstract
 * name (spelled by tgp_unix_abstract). false: the address has none
 * (unnamed: autobind, or too short). */
static bool unix_name(struct call *k, const struct sockaddr_storage *ss,
		      size_t l, bool abstract_too, unsigned acc,
		      const char *label)
{
	const struct sockaddr_un *su = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (l <= off)
		return false;
	size_t max =
	    l - off < sizeof(su->sun_path) ? l - off : sizeof(su->sun_path);
	if (su->sun_path[0] == '\0' && !abstract_too)
		return false;
	memset(&k->q, 0, sizeof(k->q));
	if (su->sun_path[0] == '\0') {
		/* the kernel's name: every byte after the NUL up to the
		 * address's length */
		tgp_unix_abstract(su->sun_path + 1, max - 1, k->q.path);
		k->q.flags = TGPF_UNIX_ABSTRACT;
	} else {
		memcpy(k->q.path, su->sun_path, strnlen(su->sun_path, max));
	}
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = AT_FDCWD;
	k->q.access = acc;
	k->q.label = label;
	k->noop.dirfd = AT_FDCWD;
	return true;
}

/*
 * A connect or send to a Unix socket: the policy's connect rules for
 * Unix sockets and (a named one is reached like a file opened for
 * writing: the kernel asks for write permission on it) its write rules
 * decide (decide.c): a container engine's, systemd's or a bus's socket
 * is a way out of the session, an agent's socket holds credentials.
 * Abstract names are decided by their name. policyd's own agent socket
 * is always reachable (the interposer talks to it). 0: go on; 1:
 * answered; 2: parked (a prompt).
 */
static int unix_decide(struct call *k, const struct sockaddr_storage *ss,
		       size_t l)
{
	if (!unix_name(k, ss, l, true, POLICY_ACC_WRITE, "connect"))
		return 0; /* unnamed: the kernel says EINVAL */
	k->q.kind = TGPK_CONNECT;
	if (!sv_call_valid(k))
		return 1;
	bool abstract = k->q.flags & TGPF_UNIX_ABSTRACT;
	if (!abstract && decide_unix_agent(&k->c, AT_FDCWD, k->q.path))
		return 0; /* policyd's agent socket */
	/* no such socket: what connect says (on refusal, as a no-op) */
	k->noop.missing = !abstract;
	k->noop.follow = true;
	if (sv_call_decide_or_refuse(k, "connect", -EPERM, NULL))
		return 0;
	return k->waiting ? 2 : 1;
}

/* bind of a named Unix socket makes a file: decided as a create of it.
 * Other families and abstract names continue; an address policyd cannot
 * read is not let through (the kernel would read it again). */
int sv_bind(struct call *k)
{
	const __u64 *a = k->n->data.args;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	size_t l = (uint32_t)a[2] < sizeof(ss) ? (uint32_t)a[2] : sizeof(ss);
	if (l >= sizeof(sa_family_t) &&
	    sv_mem_read(k->c.pid, a[1], &ss, l) < 0) {
		sv_call_answer(k, -EFAULT);
		return 0;
	}
	if (ss.ss_family != AF_UNIX ||
	    !unix_name(k, &ss, l, false, POLICY_ACC_CREATE, "bind")) {
		sv_call_continue(k);
		return 0;
	}
	if (!sv_call_valid(k))
		return 0;
	k->noop.exists = -EADDRINUSE; /* on refusal, as a no-op */
	if (sv_call_decide_or_refuse(k, "bind", -EACCES, NULL))
		sv_call_continue(k);
	return 0;
}

/* Where a call's destination addresses and control messages are in the
 * caller's memory. */
struct net_addrs {
	uint64_t at[NET_ADDRS_MAX];
	uint32_t len[NET_ADDRS_MAX];
	size_t n;
	uint64_t ctl_at[NET_ADDRS_MAX];
	size_t ctl_len[NET_ADDRS_MAX];
	size_t nctl;
	/* IPv4 source addresses the control messages name (IP_PKTINFO,
	 * IPV6_PKTINFO of a mapped address): where a send to 0.0.0.0 goes */
	uint8_t src[NET_ADDRS_MAX][4];
	size_t nsrc;
};

/* m's control messages, if any, into na. */
static void net_control(struct net_addrs *na, const struct msghdr *m)
{
	if (m->msg_control && m->msg_controllen) {
		na->ctl_at[na->nctl] = (uint64_t)(uintptr_t)m->msg_control;
		na->ctl_len[na->nctl++] = m->msg_controllen;
	}
}

/* The addresses of k's call (connect, sendto, sendmsg, sendmmsg). 0, or
 * -errno to fail it with. */
static int net_addresses(struct call *k, struct net_addrs *na)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	na->n = na->nctl = na->nsrc = 0;
	if (nr == SYS_connect || nr == SYS_sendto) {
		na->at[0] = nr == SYS_connect ? a[1] : a[4];
		na->len[0] = (uint32_t)(nr == SYS_connect ? a[2] : a[5]);
		na->n = 1;
		return 0;
	}
	if (nr == SYS_sendmsg) {
		struct msghdr m;
		if (sv_mem_read(k->c.pid, a[1], &m, sizeof(m)) < 0)
			return -EFAULT;
		net_control(na, &m);
		if (m.msg_name && m.msg_namelen) {
			na->at[0] = (uint64_t)(uintptr_t)m.msg_name;
			na->len[0] = m.msg_namelen;
			na->n = 1;
		}
		return 0;
	}
	size_t vlen = (size_t)(uint32_t)a[2];
	if (vlen > NET_ADDRS_MAX)
		vlen = NET_ADDRS_MAX; /* the rest: refused below */
	struct mmsghdr mm[NET_ADDRS_MAX];
	if (vlen && sv_mem_read(k->c.pid, a[1], mm, vlen * sizeof(mm[0])) < 0)
		return -EFAULT;
	if ((uint32_t)a[2] > NET_ADDRS_MAX)
		return -EMSGSIZE;
	for (size_t i = 0; i < vlen; i++) {
		net_control(na, &mm[i].msg_hdr);
		if (mm[i].msg_hdr.msg_name && mm[i].msg_hdr.msg_namelen) {
			na->at[na->n] =
			    (uint64_t)(uintptr_t)mm[i].msg_hdr.msg_name;
			na->len[na->n++] = mm[i].msg_hdr.msg_namelen;
		}
	}
	return 0;
}

#define NET_CONTROL_MAX (128 * 1024) /* the kernel's optmem_max default */

/* The IPv4 source address an IP_PKTINFO (ipi_spec_dst) or IPV6_PKTINFO
 * (a mapped address) control message c (its data at d) names, into na;
 * false when there is no room. */
static bool control_source(struct net_addrs *na, const struct cmsghdr *c,
			   const unsigned char *d)
{
	uint8_t a[4];
	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo)))
		memcpy(a, d + offsetof(struct in_pktinfo, ipi_spec_dst), 4);
	else if (c->cmsg_level == IPPROTO_IPV6 &&
		 c->cmsg_type == IPV6_PKTINFO &&
		 c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo)))
		memcpy(a, d + offsetof(struct in6_pktinfo, ipi6_addr) + 12, 4);
	else
		return true;
	if (!(a[0] | a[1] | a[2] | a[3]))
		return true;
	if (na->nsrc >= NET_ADDRS_MAX)
		return false;
	memcpy(na->src[na->nsrc++], a, 4);
	return true;
}

/* Does the control buffer (len bytes at at) hold a source route: IPv4's
 * IP_RETOPTS (a loose or strict source route sends the packet to its
 * first hop, not to the address decided) or an IPv6 routing header
 * (a segment routing header, type 2)? Walked as the kernel walks it
 * (for_each_cmsghdr); a malformed message ends the walk, as the kernel
 * fails the send there (CMSG_OK). The source addresses named on the way
 * go to na. 0: none; 1: one; -errno. */
static int control_routes(pid_t pid, uint64_t at, size_t len,
			  struct net_addrs *na)
{
	if (len > NET_CONTROL_MAX)
		return -ENOBUFS; /* more than policyd reads: not sent */
	_cleanup_free_ unsigned char *b = malloc(len);
	if (!b)
		return -ENOMEM;
	if (sv_mem_read(pid, at, b, len) < 0)
		return -EFAULT;
	for (size_t off = 0; off + sizeof(struct cmsghdr) <= len;) {
		struct cmsghdr c;
		memcpy(&c, b + off, sizeof(c));
		if (c.cmsg_len < sizeof(c) || c.cmsg_len > len - off)
			return 0; /* the kernel says EINVAL */
		/* a mark (SOL_SOCKET, SO_MARK: CAP_NET_RAW, which a root
		 * session keeps) routes the packet by the host's fwmark
		 * rules, as the refused setsockopt would (wrappers/sandbox.c;
		 * tests/bypass/transparent.sh, cmark4) */
		if ((c.cmsg_level == IPPROTO_IP && c.cmsg_type == IP_RETOPTS) ||
		    (c.cmsg_level == IPPROTO_IPV6 &&
		     (c.cmsg_type == IPV6_RTHDR ||
		      c.cmsg_type == IPV6_2292RTHDR)) ||
		    (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SO_MARK))
			return 1;
		if (!control_source(na, &c, b + off + CMSG_LEN(0)))
			return -ENOBUFS;
		off += CMSG_ALIGN(c.cmsg_len);
	}
	return 0;
}

/* Any control message of the call that routes its packets elsewhere than
 * the address decided: refused, audited. false: answered. */
static bool control_ok(struct call *k, struct net_addrs *na)
{
	for (size_t i = 0; i < na->nctl; i++) {
		int r =
		    control_routes(k->c.pid, na->ctl_at[i], na->ctl_len[i], na);
		if (r < 0) {
			sv_call_answer(k, r == -ENOMEM ? -ENOBUFS : r);
			return false;
		}
		if (r == 0)
			continue;
		sv_call_refuse(k, "connect", "source-route",
			       "a source route or a routing mark (IP_RETOPTS, "
			       "IPV6_RTHDR, SO_MARK)",
			       "source routes and routing marks send a packet "
			       "to another host than the address the policy "
			       "decided; they are refused in a session; send "
			       "to the address itself",
			       -EPERM);
		return false;
	}
	return true;
}

/* The caller's socket sock as the kernel knows it (on policyd's copy):
 * its family, type and protocol. */
struct sock_kind {
	int fd; /* policyd's copy of it, -1 none (closed by sv_net) */
	int domain, type, protocol;
	/* the IPv4 address it is bound to (an IPv6 socket's mapped one):
	 * where a connect to 0.0.0.0 goes; 0.0.0.0 when none. Read only
	 * for an unspecified destination (socket_local): a getsockname
	 * fewer for every other connect and send */
	uint8_t local4[4];
	bool mapped; /* an IPv6 socket bound to a mapped address */
	bool have_local;
};

/* sk's local address, from policyd's copy of the socket (the one whose
 * kind was read), once. */
static void socket_local(struct sock_kind *sk)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (sk->have_local)
		return;
	sk->have_local = true;
	memset(&ss, 0, sizeof(ss));
	if (sk->fd < 0 || getsockname(sk->fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		memcpy(sk->local4, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a =
		    &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			sk->mapped = true;
			memcpy(sk->local4, a->s6_addr + 12, 4);
		}
	}
}

static void sock_kind_done(struct sock_kind *sk)
{
	if (sk->fd >= 0)
		close(sk->fd);
}

/* 0, or -errno: -EBADF, -ENOTSOCK as the call itself would fail; any
 * other (policyd out of descriptors, not allowed to copy it) must not
 * make the call pass undecided: a `proto: tcp` deny would not match a
 * socket of unknown kind. */
static int socket_kind(pid_t pid, int sock, struct sock_kind *sk)
{
	int sfd = caller_fd(pid, sock);
	memset(sk, 0, sizeof(*sk));
	sk->fd = sfd < 0 ? -1 : sfd;
	if (sfd < 0)
		return sfd;
	socklen_t sl = sizeof(sk->domain);
	if (getsockopt(sfd, SOL_SOCKET, SO_DOMAIN, &sk->domain, &sl) < 0)
		return -errno;
	sl = sizeof(sk->type);
	if (getsockopt(sfd, SOL_SOCKET, SO_TYPE, &sk->type, &sl) < 0)
		return -errno;
	sl = sizeof(sk->protocol);
	if (getsockopt(sfd, SOL_SOCKET, SO_PROTOCOL, &sk->protocol, &sl) < 0)
		return -errno;
	return 0;
}

/* sk of the call's socket, read once per call; false: answered (the
 * kernel's errno, or refused when policyd cannot look: fail closed). */
static bool call_socket(struct call *k, struct sock_kind *sk, bool *have)
{
	if (*have)
		return true;
	int sock = (int)k->n->data.args[0];
	int r = socket_kind(k->c.pid, sock, sk);
	if (r == -EBADF || r == -ENOTSOCK) {
		sv_call_answer(k, r);
		return false;
	}
	if (r < 0) {
		char target[64], msg[160];
		snprintf(target, sizeof(target), "descriptor %d", sock);
		snprintf(msg, sizeof(msg),
			 "policyd could not inspect the socket (%s)",
			 strerror(-r));
		sv_call_refuse(k, "connect", "unresolvable", target, msg,
			       -EPERM);
		return false;
	}
	*have = true;
	return true;
}

/* The policy's protocol of a socket (from its type and protocol);
 * POLICY_PROTO_ANY when unknown, and for a raw socket, whose protocol
 * number says nothing of ports (the kernel ignores the address's). MPTCP
 * is TCP on the wire (a TCP server sees a TCP connection: MPTCP falls back
 * to it), so `proto: tcp` rules decide it: as "any" a `proto: tcp` deny
 * let it through. */
static int socket_proto(const struct sock_kind *sk)
{
	int pr = sk->protocol, type = sk->type;
	if (type == SOCK_RAW)
		return POLICY_PROTO_ANY;
	if (pr == IPPROTO_TCP || pr == IPPROTO_MPTCP ||
	    (type == SOCK_STREAM && pr == 0))
		return POLICY_PROTO_TCP;
	if (pr == IPPROTO_UDP || (type == SOCK_DGRAM && pr == 0))
		return POLICY_PROTO_UDP;
	return POLICY_PROTO_ANY;
}

/* An address family the policy cannot speak of: refused, audited. */
static void refuse_family(struct call *k, int fam)
{
	char target[64];
	snprintf(target, sizeof(target), "address family %d", fam);
	sv_call_refuse(k, "connect", "address-family", target,
		       "only IPv4, IPv6, Unix and netlink sockets are "
		       "supported in a session",
		       -EPERM);
}

/* An IP destination (a16, port) decided, with the name the caller looked
 * up for it (its interposer reported it; believed only if policyd's own
 * lookup agrees). 0: allowed, go on; 1: answered (refused); 2: parked. */
static int ip_decide(struct call *k, const uint8_t a16[16], uint16_t port,
		     int proto)
{
	memset(&k->q, 0, sizeof(k->q));
	k->q.kind = TGPK_CONNECT;
	k->q.has_addr = true;
	memcpy(k->q.addr, a16, 16);
	k->q.port = port;
	k->q.proto = (uint32_t)proto;
	const char *host = session_name_for(k->c.s, a16, k->c.pid);
	if (host)
		snprintf(k->q.host, sizeof(k->q.host), "%s", host);
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -ENOMEM);
		return 1;
	}
	if (sv_call_decide(k, o) == -EAGAIN)
		return 2;
	if (o->decision != DECISION_ALLOWED) {
		sv_call_tell(k, "connect", o->target, o);
		sv_call_answer(k, -EPERM);
		return 1;
	}
	return 0;
}

/*
 * An unspecified destination (a16) decided where the kernel sends it: ::
 * to the loopback address (IPv6's ::1, 127.0.0.1 from a socket bound to a
 * mapped address); 0.0.0.0 to the call's source address, on the loopback
 * device: the address the socket is bound to or a control message names
 * (IP_PKTINFO), 127.0.0.1 when there is none. Decided as 0.0.0.0, a
 * socket bound to a denied address of this machine (127.0.0.2, a
 * container bridge's) reached it. Each candidate is decided; 0, 1, 2 as
 * ip_decide. Another thread binding the socket between this decision and
 * the kernel's connect is the connect race of the threat model.
 */
static int unspecified_decide(struct call *k, const uint8_t a16[16],
			      uint16_t port, int proto, struct sock_kind *sk,
			      const struct net_addrs *na)
{
	static const uint8_t any6[16], lo6[16] = {[15] = 1},
				       any4[16] = {[10] = 0xff, [11] = 0xff};
	uint8_t d[16] = {[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1};
	bool v6any = !memcmp(a16, any6, 16);
	if (!v6any && memcmp(a16, any4, 16))
		return ip_decide(k, a16, port, proto);
	socket_local(sk);
	if (v6any)
		return ip_decide(k, sk->mapped ? d : lo6, port, proto);
	if (sk->local4[0] | sk->local4[1] | sk->local4[2] | sk->local4[3])
		memcpy(d + 12, sk->local4, 4);
	int r = ip_decide(k, d, port, proto);
	for (size_t i = 0; r == 0 && i < na->nsrc; i++) {
		memcpy(d + 12, na->src[i], 4);
		r = ip_decide(k, d, port, proto);
	}
	return r;
}

/* One destination address (ss, l bytes) of the call (sk: its socket,
 * read when first needed; na: the call's). 0: allowed or not the
 * policy's, go on; 1: answered; 2: parked. */
static int addr_decide(struct call *k, const struct sockaddr_storage *ss,
		       size_t l, struct sock_kind *sk, bool *have_sk,
		       const struct net_addrs *na)
{
	int fam = ss->ss_family;
	bool send = (int)k->n->data.nr != SYS_connect;
	if (fam == AF_UNIX)
		return unix_decide(k, ss, l);
	if (fam == AF_UNSPEC && send && l >= sizeof(struct sockaddr_in)) {
		/* a send's AF_UNSPEC is no disconnect: IPv4 UDP and raw
		 * sockets read it as an IPv4 address and send there (IPv6
		 * ones ignore it and use the connected peer) */
		if (!call_socket(k, sk, have_sk))
			return 1;
		if (sk->domain != AF_INET6)
			fam = AF_INET;
	}
	if (fam == AF_NETLINK || fam == AF_UNSPEC)
		return 0;
	uint8_t a16[16] = {0};
	uint16_t port;
	if (fam == AF_INET && l >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		a16[10] = a16[11] = 0xff;
		memcpy(a16 + 12, &s4->sin_addr, 4);
		port = ntohs(s4->sin_port);
	} else if (fam == AF_INET6 && l >= 24) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		memcpy(a16, &s6->sin6_addr, 16);
		port = ntohs(s6->sin6_port);
	} else if (fam == AF_INET || fam == AF_INET6) {
		return 0; /* too short: the kernel says EINVAL */
	} else {
		refuse_family(k, fam);
		return 1;
	}
	if (!call_socket(k, sk, have_sk) || !sv_call_valid(k))
		return 1;
	return unspecified_decide(k, a16, sk->type == SOCK_RAW ? 0 : port,
				  socket_proto(sk), sk, na);
}

int sv_net(struct call *k)
{
	struct net_addrs na;
	int r = net_addresses(k, &na);
	if (r < 0) {
		sv_call_answer(k, r);
		return 0;
	}
	if (!control_ok(k, &na))
		return 0;
	struct sock_kind sk
	    __attribute__((cleanup(sock_kind_done))) = {.fd = -1};
	bool have_sk = false; /* read when first needed */
	for (size_t i = 0; i < na.n; i++) {
		struct sockaddr_storage ss;
		memset(&ss, 0, sizeof(ss));
		size_t l = na.len[i] < sizeof(ss) ? na.len[i] : sizeof(ss);
		if (l < sizeof(sa_family_t) ||
		    sv_mem_read(k->c.pid, na.at[i], &ss, l) < 0) {
			sv_call_answer(k, l ? -EFAULT : -EINVAL);
			return 0;
		}
		if ((r = addr_decide(k, &ss, l, &sk, &have_sk, &na)) != 0)
			return r == 2;
	}
	sv_call_continue(k);
	return 0;
}

/* socket() of a raw or packet socket, as the kernel reads its arguments
 * (net/socket.c): ints; the type's low four bits are its kind, and bits
 * above them but SOCK_NONBLOCK and SOCK_CLOEXEC are EINVAL; AF_INET with
 * SOCK_PACKET is made an AF_PACKET socket. A raw IPv4 socket (IP_HDRINCL
 * with IPPROTO_RAW) writes its own header, naming any destination, and
 * ignores the port of the address decided on; a packet socket is never
 * connected at all: neither can be decided by address. Refused unless the
 * policy says settings.raw_sockets: allow. What the kernel fails by itself
 * (a bad family or type, a raw IP socket of protocol 0) continues to it. */
int sv_socket(struct call *k)
{
	const __u64 *a = k->n->data.args;
	int fam = (int)a[0], type = (int)a[1], proto = (int)a[2];
	int kind = type & 0xf;
	/* (a family past this build's AF_MAX may be a newer kernel's: it
	 * is decided, never passed as one the kernel must fail) */
	bool fails = (type & ~0xf & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) ||
		     fam < 0 || kind > SOCK_PACKET;
	if (fam == AF_INET && kind == SOCK_PACKET)
		fam = AF_PACKET;
	bool inet = fam == AF_INET || fam == AF_INET6;
	bool raw =
	    fam == AF_PACKET || (kind == SOCK_RAW && fam != AF_NETLINK &&
				 fam != AF_UNIX && !(inet && proto == 0));
	/* SCTP associates through setsockopt (sctp_connectx) and names
	 * destinations in a send's control messages: no connect rule sees
	 * them (SOCK_SEQPACKET with protocol 0 is SCTP in these families) */
	bool sctp =
	    inet && kind != SOCK_RAW &&
	    (proto == IPPROTO_SCTP || (kind == SOCK_SEQPACKET && proto == 0));
	const struct policy_settings *st = policy_settings(k->c.s->policy);
	if (fails || !(raw || sctp) || st->raw_sockets) {
		sv_call_continue(k);
		return 0;
	}
	char target[96];
	snprintf(target, sizeof(target), "%s socket (family %d, protocol %d)",
		 sctp		    ? "SCTP"
		 : fam == AF_PACKET ? "packet"
				    : "raw",
		 fam, proto);
	sv_call_refuse(k, "socket", "raw-sockets", target,
		       "raw, packet and SCTP sockets are refused in a session "
		       "(they send packets no address rule can see); a policy "
		       "allows them with settings.raw_sockets: allow",
		       -EPERM);
	return 0;
}
