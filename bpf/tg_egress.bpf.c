// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * tg_egress: tiergate's kernel egress layer (cgroup BPF, CO-RE).
 *
 * Attached once to the tiergate parent cgroup (BPF_F_ALLOW_MULTI). A
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
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "tg_egress.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_RAW 3
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define LOOPBACK_IFINDEX 1
#define SOL_SOCKET 1
#define SO_MAX_PACING_RATE 47
#define NSEC_PER_SEC 1000000000ull

/* Tunables, set by the loader before load. */
const volatile __u64 parent_cgid = 0;
/* Depth of session cgroups below the hierarchy's root (parent's + 1). */
const volatile __u32 session_level = 0;
/* How far below zero a TCP flow may take the egress bucket, passing
 * packets with a congestion notification, before packets are dropped
 * (bytes << TG_RATE_SHIFT): HBM's queue. */
const volatile __s64 queue_scaled = 0;
/* Loopback packets count towards the rate and totals. */
const volatile bool limit_loopback = false;

/* Interval between connect_rate events of one session. */
#define CONN_RATE_EV_NS NSEC_PER_SEC

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TG_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct tg_sess_cfg);
} tg_sess SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TG_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct tg_sess_state);
} tg_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TG_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tg_counters);
} tg_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TG_EXACT_ENTRIES);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, struct tg_exact_key);
	__type(value, struct tg_exact_val);
} tg_exact SEC(".maps");

/* Room to build a tg_exact value (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tg_exact_val);
} tg_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, TG_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tg_rule_key);
	__type(value, struct tg_rule_val);
} tg_rules SEC(".maps");

/* One element, key 0: for user space only (tg_egress.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tg_dns_cfg);
} tg_dns SEC(".maps");

/* Resolvers (resolv.conf) for sessions that steer only their DNS. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TG_MAX_RESOLVERS);
	__type(key, __u8[16]);
	__type(value, __u8);
} tg_resolv SEC(".maps");

/* Ports the forwarder listens on: no session reaches them directly. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TG_MAX_FWD_PORTS);
	__type(key, __u16);
	__type(value, __u8);
} tg_fwdports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tg_orig);
} tg_orig SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tg_sock);
} tg_sock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TG_RINGBUF_BYTES);
} tg_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TG_G_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tg_global SEC(".maps");

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

static __always_inline void count_global(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&tg_global, &which);
	if (v)
		*v += 1;
}

/* The session's counters on this CPU (never NULL for a valid slot). */
static __always_inline struct tg_counters *counters(const struct tg_sess_cfg *c)
{
	__u32 slot = c->slot_gen >> 1;
	return bpf_map_lookup_elem(&tg_cnt, &slot);
}

#define COUNT(cnt, field)                                                      \
	do {                                                                   \
		if (cnt)                                                       \
			(cnt)->field++;                                        \
	} while (0)

static __always_inline __u32 coarse_s(void)
{
	return (__u32)(bpf_ktime_get_coarse_ns() / NSEC_PER_SEC);
}

/* ------------------------------------------------------------ sessions */

/*
 * The session of the calling task and its configuration. The common path
 * is one helper call and one lookup: the task's ancestor at session_level
 * is a session. Otherwise it is told apart (rarely: a miss) whether the
 * task is in a cgroup under the parent that is no session (its id is
 * returned with no configuration: fail closed), in the parent itself or
 * outside the tree (0: untouched). A task outside the tree runs these
 * programs only with a socket made inside it; a cgroup namespace can make
 * the loader count levels wrongly: both search the parent's level.
 */
static __always_inline __u64 current_session(struct tg_sess_cfg **ret)
{
	__u32 lvl = session_level;
	__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);

	*ret = id ? bpf_map_lookup_elem(&tg_sess, &id) : NULL;
	if (*ret || bpf_get_current_ancestor_cgroup_id(lvl - 1) == parent_cgid)
		return id;
	for (int i = 0; i < 32; i++) {
		if (bpf_get_current_ancestor_cgroup_id(i) == parent_cgid) {
			count_global(TG_G_LEVEL_MISMATCH);
			id = bpf_get_current_ancestor_cgroup_id(i + 1);
			*ret = id ? bpf_map_lookup_elem(&tg_sess, &id) : NULL;
			return id;
		}
	}
	return 0;
}

/* The same for a packet: the session of the socket that sent it or will
 * receive it. */
static __always_inline __u64 skb_session(struct __sk_buff *skb,
					 struct tg_sess_cfg **ret)
{
	__u32 lvl = session_level;
	__u64 id = bpf_skb_ancestor_cgroup_id(skb, lvl);

	*ret = id ? bpf_map_lookup_elem(&tg_sess, &id) : NULL;
	if (*ret || bpf_skb_ancestor_cgroup_id(skb, lvl - 1) == parent_cgid)
		return id;
	for (int i = 0; i < 32; i++) {
		if (bpf_skb_ancestor_cgroup_id(skb, i) == parent_cgid) {
			count_global(TG_G_LEVEL_MISMATCH);
			id = bpf_skb_ancestor_cgroup_id(skb, i + 1);
			*ret = id ? bpf_map_lookup_elem(&tg_sess, &id) : NULL;
			return id;
		}
	}
	return 0;
}

/* -------------------------------------------------------------- events */

struct ev_args {
	__u64 sess;
	const __u8 *addr; /* 16 bytes or NULL */
	__u16 family, port;
	__u8 kind, action, reason, proto;
	__u32 rule;
	__u64 value;
	bool task; /* a task context: pid and comm are the caller's */
};

static __always_inline void emit(const struct ev_args *a)
{
	struct tg_event *ev;

	ev = bpf_ringbuf_reserve(&tg_events, sizeof(*ev), 0);
	if (!ev) {
		count_global(TG_G_EVENTS_LOST);
		return;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->cgid = a->sess;
	if (a->task) {
		__u64 pt = bpf_get_current_pid_tgid();
		ev->pid = (__u32)pt;
		ev->tgid = pt >> 32;
		bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	} else {
		ev->pid = 0;
		ev->tgid = 0;
		__builtin_memset(ev->comm, 0, sizeof(ev->comm));
	}
	ev->kind = a->kind;
	ev->action = a->action;
	ev->reason = a->reason;
	ev->proto = a->proto;
	ev->family = a->family;
	ev->port = a->port;
	ev->rule = a->rule;
	ev->pad = 0;
	if (a->addr)
		__builtin_memcpy(ev->addr, a->addr, 16);
	else
		__builtin_memset(ev->addr, 0, 16);
	ev->value = a->value;
	bpf_ringbuf_submit(ev, 0);
}

/* ----------------------------------------------------------- addresses */

static __always_inline void addr_from_v4(__u8 *addr, __u32 ip4_net)
{
	__builtin_memset(addr, 0, 10);
	addr[10] = 0xff;
	addr[11] = 0xff;
	__builtin_memcpy(addr + 12, &ip4_net, 4);
}

static __always_inline bool addr_is_mapped(const __u8 *a)
{
	for (int i = 0; i < 10; i++)
		if (a[i])
			return false;
	return a[10] == 0xff && a[11] == 0xff;
}

static __always_inline bool addr_is_loopback(const __u8 *a)
{
	if (addr_is_mapped(a))
		return a[12] == 127;
	for (int i = 0; i < 15; i++)
		if (a[i])
			return false;
	return a[15] == 1;
}

static __always_inline bool addr_eq(const __u8 *a, const __u8 *b)
{
	for (int i = 0; i < 16; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static __always_inline __u8 proto_bit(__u32 proto)
{
	if (proto == IPPROTO_TCP)
		return TG_P_TCP;
	if (proto == IPPROTO_UDP)
		return TG_P_UDP;
	return TG_P_OTHER;
}

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

/* connect_rate: one token per connect; false when the bucket is empty. */
static __always_inline bool conn_take(struct tg_sess_state *st,
				      const struct tg_sess_cfg *cfg)
{
	/* a jiffy's precision is plenty for connects per second */
	__u64 now = bpf_ktime_get_coarse_ns();
	const __s64 one = 1ll << TG_CONN_SHIFT;
	__s64 c;
	bool ok;

	bpf_spin_lock(&st->lock);
	__u64 delta = now - st->conn_ns;
	st->conn_ns = now;
	if (delta >= cfg->conn_fill_ns)
		c = (__s64)cfg->conn_burst_scaled;
	else
		c = st->conn_credit + (__s64)(delta * cfg->conn_rate_scaled);
	if (c > (__s64)cfg->conn_burst_scaled)
		c = (__s64)cfg->conn_burst_scaled;
	ok = c >= one;
	if (ok)
		c -= one;
	st->conn_credit = c;
	bpf_spin_unlock(&st->lock);
	return ok;
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

/* The packet's TCP socket, or NULL. */
static __always_inline struct bpf_sock *skb_tcp_sock(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return NULL;
	sk = bpf_sk_fullsock(sk);
	return sk && sk->protocol == IPPROTO_TCP ? sk : NULL;
}

/*
 * The egress bucket (HBM): credit refills at the rate up to the burst;
 * a packet takes its length. Below zero a TCP packet still passes but
 * with a congestion notification (return 3: the stack's tcp_enter_cwr
 * halves the window) until the credit is queue_scaled below zero; then
 * it is dropped with the notification (2: TCP keeps it queued and
 * retries, no loss is seen on the wire). Other protocols are dropped as
 * soon as the credit is spent.
 */
static __always_inline int bucket(struct tg_sess_state *st,
				  const struct tg_sess_cfg *cfg, __u32 len,
				  bool tcp, __s64 *ret_credit)
{
	__u64 now = bpf_ktime_get_ns();
	__s64 cost = (__s64)len << TG_RATE_SHIFT;
	int ret = 1;
	__s64 c;

	bpf_spin_lock(&st->lock);
	__u64 delta = now - st->credit_ns;
	st->credit_ns = now;
	if (delta >= cfg->fill_ns)
		c = (__s64)cfg->burst_scaled;
	else
		c = st->credit + (__s64)(delta * cfg->rate_scaled);
	if (c > (__s64)cfg->burst_scaled)
		c = (__s64)cfg->burst_scaled;
	c -= cost;
	if (c < 0) {
		if (tcp && c >= -queue_scaled) {
			ret = 3;
		} else {
			c += cost; /* not sent: no credit taken */
			ret = tcp ? 2 : 0;
		}
	}
	st->credit = c;
	bpf_spin_unlock(&st->lock);
	*ret_credit = c;
	return ret;
}

/* The burst is nearly spent: this TCP socket is to pace itself from its
 * next RTT sample on (tg_sockops). Made once per socket, only for
 * sockets that reach the limit: sockets that never do cost nothing. */
static __always_inline void tag_for_pacing(struct bpf_sock *sk, __u64 sess)
{
	struct tg_sock *t =
	    bpf_sk_storage_get(&tg_sock, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (t && !t->cgid)
		t->cgid = sess;
}

/* Adds len to *counter unless that passes total; false when it would
 * (the first time, one event). */
static __always_inline bool within_total(__u64 *counter, __u64 total, __u32 len,
					 __u32 *spent, struct ev_args *ev)
{
	__u64 old;

	if (!total)
		return true;
	if (*spent) /* spent: nothing more, whatever its size */
		return false;
	old = __sync_fetch_and_add(counter, len);
	if (old + len <= total)
		return true;
	__sync_fetch_and_sub(counter, len);
	if (__sync_lock_test_and_set(spent, 1) == 0) {
		ev->value = old;
		emit(ev);
	}
	return false;
}

/* A packet counts when the session limits loopback or it is not on lo:
 * the common case of a local server leaves at the first instruction. */
static __always_inline bool skb_counted(struct __sk_buff *skb)
{
	return limit_loopback || skb->ifindex != LOOPBACK_IFINDEX;
}

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

/*
 * The bucket alone costs a TCP flow dearly: a dropped packet is kept by
 * TCP and sent again from its probe timer (200 ms and more), and at a
 * veth's or a LAN's RTT a halved window slows nothing. So a TCP socket of
 * a rate-limited session paces itself (SO_MAX_PACING_RATE, TCP's own
 * pacing, with any qdisc) at the session's rate once the session's burst
 * is nearly spent (an eighth left), and stops pacing when the bucket is
 * nearly full again: bursts stay bursts, a long transfer runs smoothly at
 * the rate, and the bucket remains the cap (several flows, a program that
 * sets the option itself). The packet path tags a socket when the burst
 * is nearly spent; its RTT samples (BPF_SOCK_OPS_RTT_CB) then decide.
 */
static __always_inline void set_pacing(struct bpf_sock_ops *ops, __u64 rate)
{
	/* an int for this option; ~0U is "no limit" */
	int r = rate && rate < 0x7fffffff ? (int)rate : -1;

	bpf_setsockopt(ops, SOL_SOCKET, SO_MAX_PACING_RATE, &r, sizeof(r));
}

static __always_inline void pace_adjust(struct bpf_sock_ops *ops,
					struct tg_sock *t)
{
	struct tg_sess_state *st = bpf_map_lookup_elem(&tg_state, &t->cgid);
	struct tg_sess_cfg *cfg = bpf_map_lookup_elem(&tg_sess, &t->cgid);
	__s64 c, burst, low;
	__u64 delta;

	if (!cfg || !st || !cfg->pace_rate) {
		if (t->paced) {
			set_pacing(ops, 0);
			t->paced = 0;
		}
		return;
	}
	burst = (__s64)cfg->burst_scaled;
	low = (__s64)(cfg->burst_scaled >> 3); /* no signed division in BPF */
	/* the credit as the next packet would find it (not written) */
	delta = bpf_ktime_get_ns() - st->credit_ns;
	if (delta >= cfg->fill_ns)
		c = burst;
	else
		c = st->credit + (__s64)(delta * cfg->rate_scaled);
	if (!t->paced && c < low) {
		set_pacing(ops, cfg->pace_rate);
		t->paced = 1;
	} else if (t->paced && c >= burst - low) {
		set_pacing(ops, 0);
		t->paced = 0;
	}
}

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
