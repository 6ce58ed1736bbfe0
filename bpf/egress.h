/* SPDX-License-Identifier: MIT */
/*
 * egress: tiergate's eBPF egress layer, the user-space side
 * (libtgbpf.a). Loads bpf/tg_egress.bpf.c, attaches it once to the
 * tiergate parent cgroup and keeps its maps: per-session rules (a
 * longest-prefix trie computed from the policy's connect rules), host
 * addresses policyd resolved, limits, the DNS forwarder's address and
 * the resolvers. Events (refusals, log-tier connects, spent totals)
 * come through a ring buffer.
 *
 * Lifecycle:
 *   egress_new() -> egress_start(parent cgroup)
 *     -> egress_session_set() / egress_host_add() / egress_refresh() /
 *        egress_dns_set() / egress_events_consume() / egress_counters() ...
 *   -> egress_stop()   detach everything, unpin, BPF objects gone
 *   -> egress_free()   user-space handle only: a pinned layer stays
 *                      attached and enforcing (see egress_opts.pin_dir)
 *
 * Library rules: no logging, no exits; 0 or -errno; ret_* untouched on
 * failure; egress_error() gives a sentence about the last failure. Not
 * thread-safe: one thread (policyd's loop) owns a struct egress.
 *
 * Addresses are 16 bytes in the engine's form (IPv4 as ::ffff:a.b.c.d,
 * struct tg_addr of netaddr.h), prefix lengths in IPv6 terms (an IPv4
 * /24 is 120).
 */
#ifndef TIERGATE_EGRESS_H
#define TIERGATE_EGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct egress;

/* The engine's actions, same values (enum policy_action). */
enum egress_action {
	EGRESS_ALLOW,
	EGRESS_LOG,
	EGRESS_PROMPT,
	EGRESS_DENY,
	EGRESS_ACTION_MAX,
};
/* For host entries: an operator approved a prompt for this destination.
 * It passes, ranks above prompt and below deny, and makes no event. */
#define EGRESS_APPROVED 4

#define EGRESS_PROTO_TCP 1u
#define EGRESS_PROTO_UDP 2u
#define EGRESS_PROTO_OTHER 4u
#define EGRESS_PROTO_ANY 7u

/*
 * One (CIDR, protocols, port range) of a connect rule. A rule with
 * several CIDRs or port ranges is several entries with the same rule
 * index; a rule without a destination is 0.0.0.0/0 and ::/0 (plen 0
 * covers both in the engine's form). exclude: the rule's not_cidr, a
 * block where the rule does not apply at all (protocols and ports are
 * ignored).
 */
struct egress_rule {
	uint8_t addr[16];
	uint8_t plen;	/* 0..128; host bits must be clear */
	uint8_t protos; /* EGRESS_PROTO_* */
	uint8_t action; /* enum egress_action or EGRESS_APPROVED */
	bool exclude;
	uint16_t port_lo, port_hi; /* inclusive; 0-65535 for any */
	uint32_t rule; /* the policy's rule index, reported in events */
};

/* Session flags. */
#define EGRESS_S_ALLOW_RAW (1u << 0)	     /* SOCK_RAW inet sockets */
#define EGRESS_S_ALLOW_OTHER_PROTO (1u << 1) /* ICMP, SCTP, MPTCP, ... */
#define EGRESS_S_UNIX_LEN_GUARD (1u << 2)    /* see README: seccomp's gap */
#define EGRESS_S_DNS_ALL (1u << 3)	     /* steer port 53 to any address */
#define EGRESS_S_DNS_RESOLVERS (1u << 4) /* steer port 53 to resolvers only */

struct egress_session {
	const struct egress_rule *rules;
	size_t nrules;
	uint8_t default_action; /* enum egress_action */
	uint32_t flags;		/* EGRESS_S_* */
	/* the session's DNS forwarder port (policyd's sockets on the
	 * addresses of egress_dns_set); 0: DNS is not steered */
	uint16_t dns_port;
	/* limits (policy_limits); 0 = none */
	uint64_t egress_rate;	/* bytes per second */
	uint64_t egress_burst;	/* bytes; 0 with a rate: 64 KiB */
	uint64_t connect_rate;	/* connects per second */
	uint64_t connect_burst; /* connects; 0 with a rate: the rate */
	uint64_t egress_total, ingress_total; /* bytes */
};

/* An address a host rule's name resolved to (policyd's own lookup or
 * the DNS forwarder's answer; never an address the agent reported). */
struct egress_host {
	uint8_t addr[16];
	uint8_t protos, action;
	bool exclude; /* the rule's not_host: the rule does not apply here */
	uint16_t port_lo, port_hi;
	uint32_t rule;
};

#define EGRESS_ALL_RULES UINT32_MAX

struct egress_opts {
	/* bpffs directory for the maps and links (/sys/fs/bpf/tiergate);
	 * NULL: nothing pinned, the layer lives as long as the process.
	 * With a directory the layer outlives policyd and a new
	 * egress_start() on the same directory adopts it (README). */
	const char *pin_dir;
	/* HBM queue: how far a TCP flow may go below zero credit with
	 * congestion notifications before drops; 0 = 256 KiB */
	uint32_t tcp_queue_bytes;
	/* Count loopback traffic in the rate and the totals. Off, packets
	 * on lo leave the packet programs at their first instruction (a
	 * local test server costs nothing, and is not "egress"). */
	bool limit_loopback;
};

/* Features this kernel offers (egress_probe), each with the errno of its
 * probe (0: works). Required: CONNECT4..SKB_INGRESS, RINGBUF, LPM,
 * SK_STORAGE, SPIN_LOCK. Optional: the rest. */
enum egress_feature {
	EGRESS_FT_CONNECT4,
	EGRESS_FT_CONNECT6,
	EGRESS_FT_SENDMSG4,
	EGRESS_FT_SENDMSG6,
	EGRESS_FT_SOCK_CREATE,
	EGRESS_FT_SKB_EGRESS,
	EGRESS_FT_SKB_INGRESS,
	EGRESS_FT_RINGBUF,
	EGRESS_FT_LPM,
	EGRESS_FT_SK_STORAGE,
	EGRESS_FT_SPIN_LOCK,
	EGRESS_FT_RECVMSG4,
	EGRESS_FT_RECVMSG6,
	EGRESS_FT_GETPEERNAME4,
	EGRESS_FT_GETPEERNAME6,
	EGRESS_FT_SOCK_OPS, /* pacing of rate-limited TCP */
	EGRESS_FT_CONNECT_UNIX,
	EGRESS_FT_SENDMSG_UNIX,
	EGRESS_FT_KERN_CTX, /* bpf_cast_to_kern_ctx: the Unix address length */
	EGRESS_FT_LSM,	    /* not used; reported */
	EGRESS_FT_LSM_CGROUP,
	EGRESS_FT_FENTRY,
	EGRESS_FT_MAX,
};

#define EGRESS_FT_REQUIRED_LAST EGRESS_FT_SPIN_LOCK

struct egress_features {
	int err[EGRESS_FT_MAX];	      /* 0 or a positive errno */
	char why[EGRESS_FT_MAX][120]; /* for the failing ones */
	bool attach_tested;	      /* a probe cgroup was available */
};

/* Probes every feature: loads a minimal program of each type (with its
 * expected attach type) and, when cgroup_dir is given, attaches it to a
 * probe cgroup made and removed under it. */
int egress_probe(const char *cgroup_dir, struct egress_features *ret);
const char *egress_feature_name(enum egress_feature f);
/* "connect4 connect6 ... ok; connect_unix: EINVAL (...); lsm: EPERM ..."
 * for `policyctl status`; returns what snprintf returns. */
int egress_features_format(const struct egress_features *f, char *buf,
			   size_t bufsz);

int egress_new(const struct egress_opts *opts, struct egress **ret);
/* Closes the handle. Unpinned: the programs are detached and the maps
 * freed with it. Pinned: they stay (enforcing the last rules). */
void egress_free(struct egress *e);
const char *egress_error(const struct egress *e);

/* Probes, loads and attaches to parent_dir (a cgroup v2 directory; the
 * sessions are its children). With a pin_dir that holds a layer already,
 * adopts it: the maps (sessions, rules, counters, queued events) are
 * kept and the attached programs replaced by this build's in one step
 * each (BPF_LINK_UPDATE), so no session is ever unenforced.
 * -EOPNOTSUPP when a required feature is missing (egress_features). */
int egress_start(struct egress *e, const char *parent_dir);
/* Detaches every program, unpins and closes everything: afterwards no
 * BPF object of the layer exists. Sessions are then unenforced. */
int egress_stop(struct egress *e);
/* Removes a layer pinned in pin_dir by an earlier run (one this build
 * cannot adopt). Detaches its links. */
int egress_unpin(const char *pin_dir);
const struct egress_features *egress_features(const struct egress *e);

/* The id of the cgroup at path (what sessions are keyed by). */
int egress_cgroup_id(const char *path, uint64_t *ret);

/* Adds the session or replaces its rules, default and limits (counters
 * and buckets are kept). Add it after making the cgroup and before
 * moving any process into it: a process in an unknown cgroup under the
 * parent is refused every inet socket and connect. The new rule set is
 * written beside the old one and switched to atomically. -E2BIG: a
 * prefix would need more than TG_MAX_ENTRIES entries (egress_error says
 * which); -ENOSPC: the maps are full. */
int egress_session_set(struct egress *e, uint64_t cgid,
		       const struct egress_session *s);
int egress_session_remove(struct egress *e, uint64_t cgid);
/* Sessions in the maps (after adopting a pinned layer, the ones a
 * previous policyd added). Writes up to cap ids; *ret_n is the total. */
int egress_sessions(const struct egress *e, uint64_t *ids, size_t cap,
		    size_t *ret_n);

/* Adds (or renews) an address of a host rule for ttl_s seconds (0: until
 * removed). The kernel itself stops using it when the TTL passes. A rule
 * with several port ranges (or protocols) adds one entry for each: an
 * entry is its address, rule, protocols, ports and exclusion, and adding
 * the same again only renews it (and its action). */
int egress_host_add(struct egress *e, uint64_t cgid,
		    const struct egress_host *h, uint32_t ttl_s);
/* Removes the address for rule (EGRESS_ALL_RULES: every rule's);
 * -ENOENT if there was none. */
int egress_host_remove(struct egress *e, uint64_t cgid, const uint8_t addr[16],
		       uint32_t rule);
/* Drops expired host addresses from the maps; call it every few
 * seconds. Returns how many were dropped. */
int egress_refresh(struct egress *e);

/* The DNS forwarder's addresses (policyd binds each session's port on
 * both): addr4 in network order (e.g. 127.0.0.1), addr6 NULL for none
 * (IPv6 sockets are then steered to addr4, v4-mapped). */
int egress_dns_set(struct egress *e, uint32_t addr4, const uint8_t *addr6);
/* A port no session reaches on a loopback address or the forwarder's
 * (refused as the forwarder's own, event dns_forwarder): the forwarder's
 * socket to a resolver on this machine, to which a session could
 * otherwise send a datagram from the resolver's own address and port
 * (IP_PKTINFO), that is an answer. One port; 0 clears it. */
int egress_port_reserve(struct egress *e, uint16_t port);
/* The resolvers (resolv.conf) for sessions with EGRESS_S_DNS_RESOLVERS. */
int egress_resolvers_set(struct egress *e, const uint8_t (*addrs)[16],
			 size_t n);

enum egress_reason {
	EGRESS_R_RULE,
	EGRESS_R_DEFAULT,
	EGRESS_R_SOCK_RAW,
	EGRESS_R_SOCK_PROTO,
	EGRESS_R_CONNECT_RATE,
	EGRESS_R_EGRESS_TOTAL,
	EGRESS_R_INGRESS_TOTAL,
	EGRESS_R_FORWARDER,
	EGRESS_R_UNIX_LEN,
	EGRESS_R_UNKNOWN_SESSION,
	EGRESS_R_SOURCE_ROUTE,
	EGRESS_R_MAX,
};

enum egress_kind {
	EGRESS_EV_CONNECT,
	EGRESS_EV_SENDMSG,
	EGRESS_EV_SOCKET,
	EGRESS_EV_EGRESS,
	EGRESS_EV_INGRESS,
	EGRESS_EV_UNIX,
	EGRESS_EV_MAX,
};

struct egress_event {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint64_t cgid;
	uint32_t pid, tgid; /* 0 for packet events */
	char comm[17];
	uint8_t kind;	 /* enum egress_kind */
	uint8_t action;	 /* enum egress_action: log, prompt or deny */
	uint8_t reason;	 /* enum egress_reason */
	uint8_t proto;	 /* IPPROTO_* */
	uint16_t family; /* AF_INET, AF_INET6, AF_UNIX */
	uint16_t port;
	uint32_t rule; /* rule index, or EGRESS_ALL_RULES for none */
	uint8_t addr[16];
	/* totals: the bytes counted before; sockets: type << 32 | protocol;
	 * Unix: the address length */
	uint64_t value;
};

const char *egress_reason_name(unsigned reason);
const char *egress_kind_name(unsigned kind);
const char *egress_action_name(unsigned action);

typedef void (*egress_event_cb)(const struct egress_event *ev, void *ud);
/* An fd for epoll (readable when events wait). */
int egress_events_fd(const struct egress *e);
/* Calls cb for each waiting event; returns how many, or -errno. */
int egress_events_consume(struct egress *e, egress_event_cb cb, void *ud);

struct egress_counters {
	uint64_t bytes_out, bytes_in, pkts_out, pkts_in;
	uint64_t connects, refused, logged, prompts, sock_refused;
	uint64_t rate_drops, rate_marks, conn_rate_refused;
	uint64_t total_drops_out, total_drops_in, dns_steered;
	bool egress_spent, ingress_spent;
	/* bytes_* and pkts_* are kept only for sessions with egress_rate,
	 * egress_total or ingress_total (the packet programs run for those
	 * only: egress_sessprogs.c); false: they are 0 and mean nothing */
	bool packets_counted;
};
int egress_counters(const struct egress *e, uint64_t cgid,
		    struct egress_counters *ret);

struct egress_global {
	uint64_t events_lost;	 /* ring buffer full */
	uint64_t level_mismatch; /* session level searched (README) */
	uint64_t unknown_session;
	size_t sessions, prefixes;
};
int egress_global_counters(const struct egress *e, struct egress_global *ret);

/* Names of the layer's BPF programs and maps (all start with "tg_"),
 * for tests and `policyctl status`. */
extern const char *const egress_object_prefix;

#endif
