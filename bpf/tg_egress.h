/* SPDX-License-Identifier: MIT */
/*
 * tg_egress: the layout shared by the kernel programs (tg_egress.bpf.c)
 * and their loader (egress.c). Nothing else includes this file: policyd
 * talks to the layer through egress.h only.
 *
 * Addresses are 16 bytes in IPv6 form, IPv4 stored IPv4-mapped
 * (::ffff:a.b.c.d), exactly as the policy engine keeps them (netaddr.h):
 * one trie holds both families, a v4-mapped IPv6 destination is decided
 * as the IPv4 address, and a rule's CIDR means what it means in the
 * engine (an IPv6 block such as ::/0 covers the mapped range too).
 *
 * Types are the kernel's __u8..__u64 so that the file compiles against
 * vmlinux.h (BPF) and <linux/types.h> (user space) alike.
 */
#ifndef TIERGATE_TG_EGRESS_H
#define TIERGATE_TG_EGRESS_H

/* Actions, in increasing strictness (the engine's enum policy_action). */
#define TG_ALLOW 0
#define TG_LOG 1
#define TG_PROMPT 2
#define TG_DENY 3
/* An operator's approval of a prompt for a destination: passes, and
 * ranks between deny and prompt (it lifts prompts, never a deny). */
#define TG_APPROVED 4

/* Protocol bits of a decision entry. */
#define TG_P_TCP 1
#define TG_P_UDP 2
#define TG_P_OTHER 4
#define TG_P_ANY 7

/* Entries per prefix: every rule whose CIDR contains the prefix, sorted
 * strictest first (deny, approved, prompt, log, allow; user space copies
 * broader rules into narrower prefixes), so the first entry that matches
 * protocol and port decides. */
#define TG_MAX_ENTRIES 16

/* Sizes of the maps (also caps on what policyd may put in them). */
#define TG_MAX_SESSIONS 4096
#define TG_MAX_PREFIXES 131072
#define TG_MAX_RESOLVERS 64
#define TG_MAX_FWD_PORTS 8192
#define TG_RINGBUF_BYTES (256 * 1024)

/* The nominal session slot (TG_MAX_SESSIONS) and generations: an LPM
 * key carries slot << 1 | generation, so a session's new rule set is
 * written beside the old one and switched to with one map update. */
#define TG_SLOT_GEN(slot, gen) (((__u32)(slot) << 1) | ((gen)&1))

/* Session flags (tg_sess_cfg.flags). */
#define TG_F_ALLOW_RAW (1u << 0)	 /* SOCK_RAW inet sockets */
#define TG_F_ALLOW_OTHER_PROTO (1u << 1) /* inet protocols beyond TCP/UDP */
#define TG_F_UNIX_LEN_GUARD (1u << 2)	 /* refuse AF_UNIX addrlen 16/28 */
#define TG_F_DNS_ALL (1u << 3)		 /* steer port 53 to any address */
#define TG_F_DNS_RESOLVERS (1u << 4)	 /* steer port 53 to tg_resolv */

/* Why a decision was taken (events). */
enum tg_reason {
	TG_R_RULE,	      /* an entry of the trie */
	TG_R_DEFAULT,	      /* no entry matched: the session's default */
	TG_R_SOCK_RAW,	      /* SOCK_RAW inet socket */
	TG_R_SOCK_PROTO,      /* inet protocol other than TCP/UDP */
	TG_R_CONNECT_RATE,    /* connect_rate bucket empty */
	TG_R_EGRESS_TOTAL,    /* egress_total spent */
	TG_R_INGRESS_TOTAL,   /* ingress_total spent */
	TG_R_FORWARDER,	      /* the DNS forwarder reached directly */
	TG_R_UNIX_LEN,	      /* AF_UNIX address of length 16 or 28 */
	TG_R_UNKNOWN_SESSION, /* a cgroup under the parent policyd never added
			       */
	TG_R_SOURCE_ROUTE,    /* a send whose IP options route it elsewhere */
	TG_R_MAX,
};

/* Event kinds. */
enum tg_ev_kind {
	TG_EV_CONNECT,
	TG_EV_SENDMSG,
	TG_EV_SOCKET,
	TG_EV_EGRESS, /* packet path (totals) */
	TG_EV_INGRESS,
	TG_EV_UNIX,
	TG_EV_MAX,
};

struct tg_entry {
	__u8 action; /* TG_ALLOW.. */
	__u8 protos; /* TG_P_* */
	__u16 pad;
	__u16 port_lo; /* host order, inclusive */
	__u16 port_hi;
	__u32 rule; /* rule index (events) */
	/* CLOCK_MONOTONIC seconds (the kernel reads the coarse clock, a
	 * jiffy's cost); 0 = never. Host addresses and approvals. */
	__u32 expires;
};

struct tg_rule_key {
	__u32 prefixlen; /* 32 (slot_gen) + 0..128 */
	__u32 slot_gen;
	__u8 addr[16];
};

struct tg_rule_val {
	__u32 n;
	__u32 pad;
	struct tg_entry e[TG_MAX_ENTRIES];
};

/* A longest-prefix lookup costs ~200 ns; the result for an exact
 * address is kept in an LRU hash (~50 ns) with the session's epoch, which
 * user space moves on at every change of its host addresses: an entry of
 * another epoch is looked up again (races included: a stale entry can
 * only carry an old epoch). */
struct tg_exact_key {
	__u32 slot_gen;
	__u8 addr[16];
};

struct tg_exact_val {
	__u32 epoch;
	__u32 pad;
	struct tg_rule_val v;
};

#define TG_EXACT_ENTRIES 65536

/* Per-session configuration, replaced whole by user space. */
struct tg_sess_cfg {
	__u32 slot_gen;
	__u32 epoch; /* see tg_exact_val */
	__u32 flags; /* TG_F_* */
	__u8 default_action;
	__u8 pad;
	__u16 dns_port; /* the session's forwarder port, 0 = none */
	/* the forwarder's addresses (the same for every session; here so
	 * that a steered connect needs no other lookup) */
	__u32 dns_addr4;    /* network order; 0 = none */
	__u8 dns_addr6[16]; /* all zero = none (v6 steered to ::ffff:addr4) */
	/* egress bucket: refill in bytes per ns << TG_RATE_SHIFT, depth
	 * in bytes << TG_RATE_SHIFT, and the time an empty bucket takes to
	 * fill (a longer pause refills it whole: no overflow); 0 = no rate */
	__u64 rate_scaled;
	__u64 burst_scaled;
	__u64 fill_ns;
	__u64 pace_rate; /* bytes/s: SO_MAX_PACING_RATE of TCP connects */
	/* connect bucket: tokens per ns << TG_CONN_SHIFT, likewise */
	__u64 conn_rate_scaled;
	__u64 conn_burst_scaled;
	__u64 conn_fill_ns;
	__u64 egress_total; /* bytes, 0 = none */
	__u64 ingress_total;
};

/* Fixed-point scales: bytes << 24 keeps 2 MiB/s at 35184 units per ns
 * (0.003% rounding) and bursts up to 512 GiB; a connect token << 40 keeps
 * 1/s at 1099 units per ns. */
#define TG_RATE_SHIFT 24
#define TG_CONN_SHIFT 40
#define TG_MAX_RATE 100000000000ull /* bytes/s */
#define TG_MAX_BURST (1ull << 38)
#define TG_MAX_CONN_RATE 1000000ull
#define TG_MAX_CONN_BURST (1ull << 22)

/* Per-session state shared by the CPUs, made when a session is added:
 * the buckets and the totals (looked up only by sessions with limits). */
struct tg_sess_state {
	struct bpf_spin_lock lock;
	__u32 pad;
	__s64 credit; /* egress bucket, bytes << TG_RATE_SHIFT */
	__u64 credit_ns;
	__s64 conn_credit;	   /* connect bucket, tokens << TG_CONN_SHIFT */
	__u64 conn_ns;		   /* coarse clock */
	__u64 conn_rate_ev_ns;	   /* last connect_rate event */
	__u64 total_out, total_in; /* bytes, for the totals */
	__u32 out_spent, in_spent; /* a total's one event was sent */
};

/* Counters, per CPU and per session slot (no atomics on the hot paths;
 * user space zeroes a slot when it gives it to a session and sums the
 * CPUs when it reads). Loopback traffic is not counted. */
struct tg_counters {
	__u64 bytes_out, bytes_in, pkts_out, pkts_in;
	__u64 connects;	    /* connects let through */
	__u64 refused;	    /* connects and sends refused */
	__u64 logged;	    /* let through with an event */
	__u64 prompts;	    /* refusals marked prompt */
	__u64 sock_refused; /* sockets refused at creation */
	__u64 dns_steered;
	__u64 conn_rate_refused;
	__u64 rate_drops, rate_marks; /* egress packets dropped / marked */
	__u64 total_drops_out, total_drops_in; /* packets past a total */
};

/* Socket storage of a rate-limited session's TCP sockets that reached
 * the limit once: which session, and whether TCP pacing is on. */
struct tg_sock {
	__u64 cgid;
	__u32 paced;
	__u32 pad;
};

/* The forwarder's addresses as user space last set them (kept in a
 * map only so that a restarted policyd finds them; the programs read
 * each session's copy). */
struct tg_dns_cfg {
	__u32 addr4;
	__u8 addr6[16];
};

/* The destination a steered socket asked for (socket storage), given
 * back by recvmsg and getpeername. */
struct tg_orig {
	__u8 addr[16];
	__u16 port; /* network order */
	__u16 family;
	__u32 pad;
};

/* Global counters (a per-CPU array of TG_G_MAX). */
enum tg_global {
	TG_G_EVENTS_LOST,    /* ring buffer full */
	TG_G_LEVEL_MISMATCH, /* session level searched (cgroup namespace?) */
	TG_G_UNKNOWN_SESSION,
	TG_G_MAX,
};

struct tg_event {
	__u64 ts_ns;	 /* CLOCK_MONOTONIC */
	__u64 cgid;	 /* the session's cgroup id */
	__u32 pid, tgid; /* 0 on the packet path */
	char comm[16];
	__u8 kind;    /* enum tg_ev_kind */
	__u8 action;  /* TG_ALLOW.. (what the kernel did: log/prompt/deny) */
	__u8 reason;  /* enum tg_reason */
	__u8 proto;   /* IPPROTO_* */
	__u16 family; /* AF_INET, AF_INET6, AF_UNIX */
	__u16 port;   /* host order */
	__u32 rule;   /* rule index when reason is TG_R_RULE */
	__u32 pad;
	__u8 addr[16];
	__u64 value; /* bytes (totals), socket type/protocol, addrlen */
};

#define TG_NO_RULE 0xffffffffu

#endif
