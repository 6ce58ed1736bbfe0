/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * tg_egress_common: the kernel programs' tunables, maps and shared
 * helpers (sessions, events, addresses). Included by tg_egress.bpf.c only:
 * one object, one set of maps.
 */
#ifndef TIERGATE_TG_EGRESS_COMMON_BPF_H
#define TIERGATE_TG_EGRESS_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "tg_egress.h"

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

#endif
