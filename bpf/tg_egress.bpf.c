// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * tg_egress: tiergate's kernel egress layer (cgroup BPF, CO-RE).
 *
 * Attached once to the tiergate parent cgroup (BPF_F_ALLOW_MULTI), but for
 * the packet programs and sockops, which are attached to the cgroups of
 * the sessions whose limits need them only (egress_sessprogs.c: a run
 * costs even when it leaves at once). A
 * session is a cgroup at depth session_level; its id (the cgroup's, also
 * for processes in sub-cgroups it made) keys the per-session maps.
 * Processes that are not in a session pass untouched; a process in a
 * cgroup under the parent that policyd never added is refused (fail
 * closed: its session is gone or not set up yet).
 *
 *   connect4/6, sendmsg4/6  decide the destination (LPM trie of the
 *                           session's rules), steer DNS to policyd's
 *                           forwarder, connect_rate, totals spent
 *   recvmsg4/6, getpeername4/6  give a steered socket back the address
 *                           it asked for
 *   sock_create             no raw inet sockets, no inet protocol other
 *                           than TCP/UDP (unless the session allows)
 *   skb egress/ingress      byte counters, totals, the egress rate
 *                           (a token bucket that signals congestion,
 *                           after samples/bpf/hbm_out_kern.c)
 *   sockops                 TCP pacing at the rate once a session's burst
 *                           is spent
 *   connect_unix, sendmsg_unix (Linux 6.7+)  optional: refuse AF_UNIX
 *                           addresses of length 16 or 28, the lengths a
 *                           seccomp filter can no longer tell from inet
 *
 * The decision semantics are the engine's: every rule that matches is a
 * candidate, the strictest wins (deny > prompt > log > allow), among equal
 * ones the first in file order; no rule: the session's default. User
 * space makes this a single longest-prefix lookup (tg_egress.h), whose
 * result per exact address is cached. An operator's approval of a prompt
 * (TG_APPROVED) passes like an allow but outranks prompts.
 *
 * Cost (tests/bench/bench_bpf.c, kernel BPF stats): a helper call here
 * costs ~75 ns, a hash lookup ~45, an LPM lookup ~210, reading the clock
 * ~110 (kvm-clock), so hot paths make one cgroup-id call, one lookup of
 * the configuration, per-CPU counters by slot, the coarse clock where a
 * jiffy is precise enough, and loopback packets leave at once.
 */
#include <bpf/bpf_core_read.h>

#include "tg_egress_common.bpf.h"
#include "tg_egress_limits.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* ------------------------------------------------------------ deciding */

struct verdict {
	__u8 action, reason;
	__u32 rule;
};

/* The entries that apply to addr: the exact cache when it is of the
 * session's epoch, else the trie (and the cache is filled). */
static __always_inline const struct tg_rule_val *
entries_for(const struct tg_sess_cfg *cfg, const __u8 *addr)
{
	struct tg_exact_key ek = {.slot_gen = cfg->slot_gen};
	struct tg_rule_key key = {.prefixlen = 32 + 128,
				  .slot_gen = cfg->slot_gen};
	struct tg_exact_val *x;
	struct tg_rule_val *val;
	__u32 zero = 0;

	__builtin_memcpy(ek.addr, addr, 16);
	x = bpf_map_lookup_elem(&tg_exact, &ek);
	if (x && x->epoch == cfg->epoch)
		return &x->v;
	__builtin_memcpy(key.addr, addr, 16);
	val = bpf_map_lookup_elem(&tg_rules, &key);
	x = bpf_map_lookup_elem(&tg_scratch, &zero);
	if (!x)
		return val;
	x->epoch = cfg->epoch;
	if (val)
		__builtin_memcpy(&x->v, val, sizeof(x->v));
	else
		x->v.n = 0;
	bpf_map_update_elem(&tg_exact, &ek, x, BPF_ANY);
	return &x->v;
}

static __always_inline void decide(const struct tg_sess_cfg *cfg,
				   const __u8 *addr, __u16 port, __u8 pbit,
				   struct verdict *v)
{
	const struct tg_rule_val *val = entries_for(cfg, addr);
	__u32 now_s = 0;

	v->action = cfg->default_action;
	v->reason = TG_R_DEFAULT;
	v->rule = TG_NO_RULE;
	if (!val)
		return;
	for (int i = 0; i < TG_MAX_ENTRIES; i++) {
		const struct tg_entry *e = &val->e[i];

		if (i >= val->n)
			break;
		if (!(e->protos & pbit))
			continue;
		if (port < e->port_lo || port > e->port_hi)
			continue;
		if (e->expires) {
			/* a host address past its TTL, which user space has
			 * not yet removed (or a policyd that died) */
			if (!now_s)
				now_s = coarse_s();
			if (now_s >= e->expires)
				continue;
		}
		v->action = e->action;
		v->reason = TG_R_RULE;
		v->rule = e->rule;
		return;
	}
}

/* Steer this destination to the forwarder? */
static __always_inline bool dns_steered(const struct tg_sess_cfg *cfg,
					const __u8 *addr, __u16 port, __u8 pbit)
{
	if (port != 53 || !cfg->dns_port || pbit == TG_P_OTHER)
		return false;
	if (cfg->flags & TG_F_DNS_ALL)
		return true;
	if (cfg->flags & TG_F_DNS_RESOLVERS)
		return bpf_map_lookup_elem(&tg_resolv, (void *)addr) != NULL;
	return false;
}

/* A forwarder port on this machine, reached without steering: each
 * session has its own port, and one session must not use another's
 * (its names are decided by the other's rules). */
static __always_inline bool is_forwarder(const struct tg_sess_cfg *cfg,
					 const __u8 *addr)
{
	__u8 a4[16];

	addr_from_v4(a4, cfg->dns_addr4);
	return addr_eq(addr, a4) || addr_eq(addr, cfg->dns_addr6);
}

static __always_inline bool forwarder_direct(const struct tg_sess_cfg *cfg,
					     const __u8 *addr, __u16 port)
{
	if (!addr_is_loopback(addr) && !is_forwarder(cfg, addr))
		return false;
	return bpf_map_lookup_elem(&tg_fwdports, &port) != NULL;
}

static __always_inline void remember_orig(struct bpf_sock_addr *ctx,
					  const __u8 *addr, __u16 family)
{
	struct tg_orig *o;

	o = bpf_sk_storage_get(&tg_orig, ctx->sk, 0,
			       BPF_SK_STORAGE_GET_F_CREATE);
	if (!o)
		return;
	__builtin_memcpy(o->addr, addr, 16);
	o->port = (__u16)ctx->user_port;
	o->family = family;
}

/* Rewrites the destination to the forwarder (same family as asked:
 * an IPv6 socket gets the forwarder's IPv6 address, or its IPv4 address
 * mapped, which also suits a v4-mapped destination). */
static __always_inline bool steer(struct bpf_sock_addr *ctx,
				  const struct tg_sess_cfg *cfg,
				  const __u8 *addr, bool v6)
{
	__u8 a6[16];

	if (!cfg->dns_addr4)
		return false;
	remember_orig(ctx, addr, v6 ? AF_INET6 : AF_INET);
	if (!v6) {
		ctx->user_ip4 = cfg->dns_addr4;
	} else {
		bool have6 = false;
		for (int i = 0; i < 16; i++)
			if (cfg->dns_addr6[i])
				have6 = true;
		if (have6 && !addr_is_mapped(addr))
			__builtin_memcpy(a6, cfg->dns_addr6, 16);
		else
			addr_from_v4(a6, cfg->dns_addr4);
		ctx->user_ip6[0] = *(__u32 *)&a6[0];
		ctx->user_ip6[1] = *(__u32 *)&a6[4];
		ctx->user_ip6[2] = *(__u32 *)&a6[8];
		ctx->user_ip6[3] = *(__u32 *)&a6[12];
	}
	ctx->user_port = bpf_htons(cfg->dns_port);
	return true;
}

static __always_inline void addr_of_ctx(struct bpf_sock_addr *ctx, bool v6,
					__u8 *addr)
{
	if (!v6) {
		addr_from_v4(addr, ctx->user_ip4);
		return;
	}
	*(__u32 *)&addr[0] = ctx->user_ip6[0];
	*(__u32 *)&addr[4] = ctx->user_ip6[1];
	*(__u32 *)&addr[8] = ctx->user_ip6[2];
	*(__u32 *)&addr[12] = ctx->user_ip6[3];
}

/* 0.0.0.0 (v4-mapped) or :: */
static __always_inline bool addr_is_any(const __u8 *a)
{
	for (int i = 0; i < 16; i++)
		if (a[i] && i != 10 && i != 11)
			return false;
	return (!a[10] && !a[11]) || (a[10] == 0xff && a[11] == 0xff);
}

static __always_inline void set_ctx6(struct bpf_sock_addr *ctx, const __u8 *a)
{
	ctx->user_ip6[0] = *(__u32 *)&a[0];
	ctx->user_ip6[1] = *(__u32 *)&a[4];
	ctx->user_ip6[2] = *(__u32 *)&a[8];
	ctx->user_ip6[3] = *(__u32 *)&a[12];
}

/*
 * The unspecified destination (0.0.0.0, ::, ::ffff:0.0.0.0) is this
 * machine: the kernel sends an IPv4 one to the call's source address
 * (an IP_PKTINFO's or the bound one: msg_src_ip4 for a send, the
 * socket's for a connect), 127.0.0.1 when there is none, and an IPv6 ::
 * to ::1 (127.0.0.1 from a socket bound to a v4-mapped address). That
 * address is decided, and written into the call, so that a bind by
 * another thread, a device or an IP_PKTINFO interface cannot make the
 * kernel pick another (it used to decide 0.0.0.0 itself: a socket bound
 * to a denied address of this machine reached it).
 */
static __always_inline void unspecified_dest(struct bpf_sock_addr *ctx, bool v6,
					     bool send, __u8 *addr)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 src4 = 0;

	if (!v6) {
		src4 = send ? ctx->msg_src_ip4 : sk->src_ip4;
	} else if (addr_is_mapped(addr)) {
		/* a v4-mapped source (the IPv4 path's address) */
		if (sk->src_ip6[0] == 0 && sk->src_ip6[1] == 0 &&
		    sk->src_ip6[2] == bpf_htonl(0xffff))
			src4 = sk->src_ip6[3];
	} else if (!send && sk->src_ip6[0] == 0 && sk->src_ip6[1] == 0 &&
		   sk->src_ip6[2] == bpf_htonl(0xffff)) {
		/* tcp_v6_connect, __ip6_datagram_connect: 127.0.0.1 */
		addr_from_v4(addr, bpf_htonl(0x7f000001));
		set_ctx6(ctx, addr);
		return;
	} else {
		__builtin_memset(addr, 0, 16);
		addr[15] = 1;
		set_ctx6(ctx, addr);
		return;
	}
	if (!src4)
		src4 = bpf_htonl(0x7f000001);
	addr_from_v4(addr, src4);
	if (v6)
		set_ctx6(ctx, addr);
	else
		ctx->user_ip4 = src4;
}

/* A send with no address (port 0, which a send with one never has:
 * udp_sendmsg fails it first) is a connected socket's with control
 * messages, for which udp_sendmsg and udpv6_sendmsg run the hook with an
 * empty address: its destination is the socket's peer (it was decided
 * as 0.0.0.0 port 0: refused where a default denies). False for a
 * socket steered to the forwarder: its peer is. */
static __always_inline bool peer_dest(struct bpf_sock_addr *ctx, bool v6,
				      __u8 *addr, __u16 *port)
{
	struct bpf_sock *sk = ctx->sk;

	if (bpf_sk_storage_get(&tg_orig, sk, 0, 0))
		return false;
	if (!v6) {
		addr_from_v4(addr, sk->dst_ip4);
	} else {
		*(__u32 *)&addr[0] = sk->dst_ip6[0];
		*(__u32 *)&addr[4] = sk->dst_ip6[1];
		*(__u32 *)&addr[8] = sk->dst_ip6[2];
		*(__u32 *)&addr[12] = sk->dst_ip6[3];
	}
	*port = bpf_ntohs(sk->dst_port);
	return true;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * sendmsg4: does the send carry a source route? udp_sendmsg has read its
 * control messages (IP_RETOPTS) and the socket's options into the
 * ipcm_cookie whose addr t_ctx points at before this hook runs, and sends
 * a loose or strict source route to its first hop (opt.faddr), not to the
 * address decided here. policyd refuses such a control message, but the
 * kernel copies the messages again after its answer, so another thread
 * could add one meanwhile; this is the kernel's own copy. Without the
 * kfuncs (before Linux 6.2) it is policyd's alone.
 */
static __always_inline bool send_source_routed(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_addr_kern *k;
	struct ipcm_cookie *ipc;
	struct ip_options_rcu *opt;

	if (!bpf_cast_to_kern_ctx || !bpf_rdonly_cast)
		return false;
	k = bpf_cast_to_kern_ctx(ctx);
	if (!k->t_ctx)
		return false;
	ipc = bpf_rdonly_cast(
	    (char *)k->t_ctx - bpf_core_field_offset(struct ipcm_cookie, addr),
	    bpf_core_type_id_kernel(struct ipcm_cookie));
	opt = ipc->opt;
	return opt && opt->opt.srr;
}

/* The totals or connect_rate need the shared state: sessions without
 * them never look it up. */
static __always_inline bool has_limits(const struct tg_sess_cfg *cfg)
{
	return cfg->egress_total || cfg->ingress_total || cfg->conn_rate_scaled;
}

/* connect_rate: refused, with an event at most once a second. */
static __always_inline int conn_rate_refuse(struct tg_sess_state *st,
					    struct tg_counters *cnt,
					    struct ev_args *ev)
{
	__u64 now = bpf_ktime_get_coarse_ns();

	COUNT(cnt, conn_rate_refused);
	if (now - st->conn_rate_ev_ns >= CONN_RATE_EV_NS) {
		st->conn_rate_ev_ns = now;
		ev->action = TG_DENY;
		ev->reason = TG_R_CONNECT_RATE;
		ev->rule = TG_NO_RULE;
		emit(ev);
	}
	return 0;
}

/* connect4/6, sendmsg4/6: 1 lets the call through, 0 fails it (EPERM). */
static __always_inline int on_addr(struct bpf_sock_addr *ctx, bool v6,
				   __u8 kind)
{
	struct ev_args ev = {.kind = kind, .task = true};
	struct tg_sess_state *st = NULL;
	struct tg_counters *cnt;
	struct tg_sess_cfg *cfg;
	struct verdict v;
	__u8 addr[16];

	ev.sess = current_session(&cfg);
	if (!ev.sess)
		return 1;
	addr_of_ctx(ctx, v6, addr);
	ev.addr = addr;
	ev.family = v6 ? AF_INET6 : AF_INET;
	ev.port = bpf_ntohs((__u16)ctx->user_port);
	ev.proto = (__u8)ctx->protocol;
	ev.rule = TG_NO_RULE;
	if (cfg && has_limits(cfg))
		st = bpf_map_lookup_elem(&tg_state, &ev.sess);
	if (!cfg || (has_limits(cfg) && !st)) {
		count_global(TG_G_UNKNOWN_SESSION);
		ev.action = TG_DENY;
		ev.reason = TG_R_UNKNOWN_SESSION;
		emit(&ev);
		return 0;
	}
	cnt = counters(cfg);
	__u8 pbit = proto_bit(ctx->protocol);

	if (kind == TG_EV_SENDMSG && !v6 && send_source_routed(ctx)) {
		COUNT(cnt, refused);
		ev.action = TG_DENY;
		ev.reason = TG_R_SOURCE_ROUTE;
		emit(&ev);
		return 0;
	}
	/* after the session checks (fail closed) and the source route's
	 * (a connected socket's send has one too) */
	if (kind == TG_EV_SENDMSG && !ev.port) {
		if (!peer_dest(ctx, v6, addr, &ev.port))
			return 1; /* steered: the forwarder's */
	} else if (addr_is_any(addr)) {
		unspecified_dest(ctx, v6, kind == TG_EV_SENDMSG, addr);
	}
	if (st && !(addr_is_loopback(addr) && !limit_loopback) &&
	    ((cfg->egress_total && st->out_spent) ||
	     (cfg->ingress_total && st->in_spent))) {
		/* the event was sent once, when the total was spent */
		COUNT(cnt, refused);
		return 0;
	}
	if (dns_steered(cfg, addr, ev.port, pbit) &&
	    steer(ctx, cfg, addr, v6)) {
		COUNT(cnt, dns_steered);
		return 1;
	}
	if (forwarder_direct(cfg, addr, ev.port)) {
		COUNT(cnt, refused);
		ev.action = TG_DENY;
		ev.reason = TG_R_FORWARDER;
		emit(&ev);
		return 0;
	}
	decide(cfg, addr, ev.port, pbit, &v);
	ev.action = v.action;
	ev.reason = v.reason;
	ev.rule = v.rule;
	if (v.action == TG_DENY || v.action == TG_PROMPT) {
		COUNT(cnt, refused);
		if (v.action == TG_PROMPT)
			COUNT(cnt, prompts);
		emit(&ev);
		return 0;
	}
	if (kind == TG_EV_CONNECT && st && cfg->conn_rate_scaled &&
	    !conn_take(st, cfg))
		return conn_rate_refuse(st, cnt, &ev);
	if (kind == TG_EV_CONNECT)
		COUNT(cnt, connects);
	if (v.action == TG_LOG) {
		COUNT(cnt, logged);
		emit(&ev);
	}
	return 1;
}

SEC("cgroup/connect4")
int tg_connect4(struct bpf_sock_addr *ctx)
{
	return on_addr(ctx, false, TG_EV_CONNECT);
}

SEC("cgroup/connect6")
int tg_connect6(struct bpf_sock_addr *ctx)
{
	return on_addr(ctx, true, TG_EV_CONNECT);
}

/* Unconnected UDP (and a connected socket's sendto with an address).
 * The family is not checked: udp_sendmsg takes AF_UNSPEC as AF_INET. */
SEC("cgroup/sendmsg4")
int tg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return on_addr(ctx, false, TG_EV_SENDMSG);
}

SEC("cgroup/sendmsg6")
int tg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return on_addr(ctx, true, TG_EV_SENDMSG);
}

/* ------------------------------------------------- steered sockets' view */

/* The peer (recvmsg's source, getpeername) is the session's forwarder:
 * show the destination the program asked for instead. Always 1: these
 * hooks cannot refuse. */
static __always_inline int restore(struct bpf_sock_addr *ctx, bool v6)
{
	struct tg_sess_cfg *cfg;
	struct tg_orig *o;
	__u8 addr[16];
	__u64 sess;

	sess = current_session(&cfg);
	if (!sess || !cfg || !cfg->dns_port ||
	    (__u16)ctx->user_port != bpf_htons(cfg->dns_port))
		return 1;
	addr_of_ctx(ctx, v6, addr);
	if (!is_forwarder(cfg, addr))
		return 1;
	o = bpf_sk_storage_get(&tg_orig, ctx->sk, 0, 0);
	if (!o)
		return 1;
	if (!v6) {
		ctx->user_ip4 = *(__u32 *)&o->addr[12];
	} else {
		ctx->user_ip6[0] = *(__u32 *)&o->addr[0];
		ctx->user_ip6[1] = *(__u32 *)&o->addr[4];
		ctx->user_ip6[2] = *(__u32 *)&o->addr[8];
		ctx->user_ip6[3] = *(__u32 *)&o->addr[12];
	}
	ctx->user_port = o->port;
	return 1;
}

SEC("cgroup/recvmsg4")
int tg_recvmsg4(struct bpf_sock_addr *ctx)
{
	return restore(ctx, false);
}

SEC("cgroup/recvmsg6")
int tg_recvmsg6(struct bpf_sock_addr *ctx)
{
	return restore(ctx, true);
}

SEC("cgroup/getpeername4")
int tg_peername4(struct bpf_sock_addr *ctx)
{
	return restore(ctx, false);
}

SEC("cgroup/getpeername6")
int tg_peername6(struct bpf_sock_addr *ctx)
{
	return restore(ctx, true);
}

/* ------------------------------------------------------------- sockets */

/* Runs for AF_INET and AF_INET6 sockets only (inet_create): other
 * families (AF_PACKET, AF_VSOCK, ...) are seccomp's to refuse. */
SEC("cgroup/sock_create")
int tg_sock_create(struct bpf_sock *ctx)
{
	struct ev_args ev = {.kind = TG_EV_SOCKET, .task = true};
	struct tg_counters *cnt;
	struct tg_sess_cfg *cfg;
	__u32 type = ctx->type, proto = ctx->protocol;

	ev.sess = current_session(&cfg);
	if (!ev.sess)
		return 1;
	ev.family = ctx->family;
	ev.proto = (__u8)proto;
	ev.rule = TG_NO_RULE;
	ev.action = TG_DENY;
	ev.value = (__u64)type << 32 | proto;
	if (!cfg) {
		count_global(TG_G_UNKNOWN_SESSION);
		ev.reason = TG_R_UNKNOWN_SESSION;
		emit(&ev);
		return 0;
	}
	if (type == SOCK_RAW) {
		/* any protocol: raw sockets are allowed whole or not */
		if (cfg->flags & TG_F_ALLOW_RAW)
			return 1;
		ev.reason = TG_R_SOCK_RAW;
	} else if (proto != IPPROTO_TCP && proto != IPPROTO_UDP &&
		   !(cfg->flags & TG_F_ALLOW_OTHER_PROTO)) {
		ev.reason = TG_R_SOCK_PROTO;
	} else {
		return 1;
	}
	cnt = counters(cfg);
	COUNT(cnt, sock_refused);
	emit(&ev);
	return 0;
}

/* ------------------------------------------------------------- packets */

SEC("cgroup_skb/egress")
int tg_skb_egress(struct __sk_buff *skb)
{
	struct ev_args ev = {.kind = TG_EV_EGRESS,
			     .action = TG_DENY,
			     .reason = TG_R_EGRESS_TOTAL,
			     .rule = TG_NO_RULE};
	struct tg_sess_state *st = NULL;
	struct tg_counters *cnt;
	struct tg_sess_cfg *cfg;
	__u32 len = skb->len;
	int ret = 1;

	if (!skb_counted(skb))
		return 1;
	ev.sess = skb_session(skb, &cfg);
	if (!cfg)
		return 1; /* no session, or its sockets were refused */
	cnt = counters(cfg);
	if (cfg->egress_total || cfg->rate_scaled) {
		st = bpf_map_lookup_elem(&tg_state, &ev.sess);
		if (!st)
			return 1;
	}
	if (st && !within_total(&st->total_out, cfg->egress_total, len,
				&st->out_spent, &ev)) {
		COUNT(cnt, total_drops_out);
		return 0;
	}
	if (st && cfg->rate_scaled) {
		struct bpf_sock *sk = skb_tcp_sock(skb);
		__s64 credit;
		ret = bucket(st, cfg, len, sk != NULL, &credit);
		if (sk && credit < (__s64)(cfg->burst_scaled >> 3))
			tag_for_pacing(sk, ev.sess);
		if (ret == 3)
			COUNT(cnt, rate_marks);
		if (!(ret & 1)) {
			/* dropped: not sent, not counted */
			COUNT(cnt, rate_drops);
			if (cfg->egress_total)
				__sync_fetch_and_sub(&st->total_out, len);
			return ret;
		}
	}
	if (cnt) {
		cnt->pkts_out++;
		cnt->bytes_out += len;
	}
	return ret;
}

SEC("cgroup_skb/ingress")
int tg_skb_ingress(struct __sk_buff *skb)
{
	struct ev_args ev = {.kind = TG_EV_INGRESS,
			     .action = TG_DENY,
			     .reason = TG_R_INGRESS_TOTAL,
			     .rule = TG_NO_RULE};
	struct tg_sess_state *st;
	struct tg_counters *cnt;
	struct tg_sess_cfg *cfg;
	__u32 len = skb->len;

	if (!skb_counted(skb))
		return 1;
	ev.sess = skb_session(skb, &cfg);
	if (!cfg)
		return 1;
	cnt = counters(cfg);
	if (cfg->ingress_total) {
		st = bpf_map_lookup_elem(&tg_state, &ev.sess);
		if (st && !within_total(&st->total_in, cfg->ingress_total, len,
					&st->in_spent, &ev)) {
			COUNT(cnt, total_drops_in);
			return 0;
		}
	}
	if (cnt) {
		cnt->pkts_in++;
		cnt->bytes_in += len;
	}
	return 1;
}

/* ------------------------------------------------------------- pacing */

SEC("sockops")
int tg_sockops(struct bpf_sock_ops *ops)
{
	struct bpf_sock *sk = ops->sk;
	struct tg_sock *t;

	if (!sk)
		return 1;
	switch (ops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		/* which session is not known here (no task, no cgroup
		 * helper for sock_ops): RTT samples are seen for every
		 * session socket, and act on the tagged ones */
		bpf_sock_ops_cb_flags_set(ops, ops->bpf_sock_ops_cb_flags |
						   BPF_SOCK_OPS_RTT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		t = bpf_sk_storage_get(&tg_sock, sk, 0, 0);
		if (t)
			pace_adjust(ops, t);
		break;
	default:
		break;
	}
	return 1;
}

/* -------------------------------------------------------- Unix sockets */

/*
 * Loaded with expected attach type BPF_CGROUP_UNIX_CONNECT/SENDMSG (the
 * loader sets it: this libbpf does not know the section names). With
 * TG_F_UNIX_LEN_GUARD a session's AF_UNIX connect or addressed send of
 * exactly 16 or 28 address bytes is refused: a seccomp filter that lets
 * connect/sendto of those lengths through unnotified (they are
 * sockaddr_in and sockaddr_in6, which this layer decides) would
 * otherwise let such a Unix address through undecided. uaddrlen is the
 * length the caller passed (checked: tests/bpf).
 */
static __always_inline int unix_guard(struct bpf_sock_addr *ctx, __u8 kind)
{
	struct ev_args ev = {.kind = kind,
			     .task = true,
			     .family = AF_UNIX,
			     .action = TG_DENY,
			     .reason = TG_R_UNIX_LEN,
			     .rule = TG_NO_RULE};
	struct bpf_sock_addr_kern *k;
	struct tg_counters *cnt;
	struct tg_sess_cfg *cfg;
	__u32 len;

	ev.sess = current_session(&cfg);
	if (!ev.sess || !cfg || !(cfg->flags & TG_F_UNIX_LEN_GUARD))
		return 1;
	k = bpf_cast_to_kern_ctx(ctx);
	len = k->uaddrlen;
	if (len != 16 && len != 28)
		return 1;
	cnt = counters(cfg);
	COUNT(cnt, refused);
	ev.value = len;
	emit(&ev);
	return 0;
}

SEC("cgroup/connect4")
int tg_connect_unix(struct bpf_sock_addr *ctx)
{
	return unix_guard(ctx, TG_EV_CONNECT);
}

SEC("cgroup/sendmsg4")
int tg_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return unix_guard(ctx, TG_EV_SENDMSG);
}
