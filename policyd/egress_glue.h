/* SPDX-License-Identifier: MIT */
/*
 * egress_glue: policyd's side of the eBPF egress layer (bpf/egress.h,
 * libtgbpf.a). In system mode with session cgroups the layer is started
 * once (or a pinned one adopted), each session's connect rules and
 * limits: are compiled into it before agent-shell enters the session's
 * cgroup, the layer's events become audit lines, and the DNS forwarder
 * (egress_dns.c) learns the addresses of the names the policy allows.
 * Without the layer everything is decided as before (policyd, the
 * kernel path, the interposer) and `policyctl status` says why.
 *
 * Lifecycle: egress_glue_init() (after sessions_init_cgroups) ->
 *   egress_glue_session_add() / _reload() / _end(), egress_glue_ready()
 *   when its epoll descriptor is readable, egress_glue_tick() every loop
 *   round -> egress_glue_shutdown() (stopped on purpose: no BPF object
 *   left; a policyd that dies leaves the pinned layer enforcing).
 * Logs through daemon_log (policyd's loop owns it); one thread.
 */
#ifndef TIERGATE_EGRESS_GLUE_H
#define TIERGATE_EGRESS_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct policy;
struct strbuf;

/* What the glue keeps of a session (copied; policy is the session's and
 * must outlive it: egress_glue_session_reload gives the next one). A
 * session is known by a key, its struct session, which the glue never
 * looks into (session.c calls the glue, not the other way round). */
struct egress_glue_sess {
	const char *id, *name;
	uid_t uid;
	pid_t pid; /* agent-shell */
	const struct policy *policy;
	bool supervised; /* seccomp's kernel path audits its connects */
};

/* Starts (or adopts) the layer on the sessions' parent cgroup when this
 * policyd can; registers its descriptor in D.epfd. Never fails policyd:
 * the reason goes to status. */
void egress_glue_init(const char *parent);
void egress_glue_shutdown(void);
bool egress_glue_active(void);

/* The session's cgroup exists and is still empty: its rules, limits and
 * DNS forwarder go in before any process does. 0, or -errno with err
 * (then the session must not start: its cgroup would refuse every inet
 * socket). Without the layer (or cgroup_dir NULL: no session cgroups):
 * 0, and a session with limits: is told once that nothing enforces
 * them. */
int egress_glue_session_add(const void *key, const struct egress_glue_sess *s,
			    const char *cgroup_dir, char *err, size_t errsz);
/* The session's policy changed: rules, limits and learned names again.
 * On error the layer keeps the old rules (and the old policy). */
int egress_glue_session_reload(const void *key, const struct policy *policy,
			       char *err, size_t errsz);
void egress_glue_session_end(const void *key);
/* policyd verified that host resolves to addrs (its own lookup): the
 * host rules naming it let those addresses through in the kernel. */
void egress_glue_names(const void *key, const char *host,
		       const uint8_t (*addrs)[16], unsigned naddrs,
		       uint32_t ttl_s);

/* A prompt-tier connect or addressed send of the session (addr in the
 * engine's form, proto an enum policy_proto, rule the prompt's index or
 * -1 for the default) was let through by an operator, a grant or
 * settings.on_timeout: the destination passes the layer (ranked below
 * the policy's denies) for EGRESS_GLUE_APPROVED_TTL seconds, so that the
 * call policyd answers next is not refused by the kernel. Called before
 * the answer goes out (decide_record). */
#define EGRESS_GLUE_APPROVED_TTL 10
void egress_glue_approved(const void *key, const uint8_t addr[16],
			  uint16_t port, unsigned proto, int rule);

/* D.epfd said the layer's descriptor is readable. Then, before anything
 * else is read, every name the forwarder learned meanwhile is to be
 * recorded in its session (session_names_record) until this says no
 * more: a program that got the answer may connect next. */
void egress_glue_ready(void);
struct egress_glue_learned {
	const void *key;
	char name[256];
	uint8_t addr[16];
};
bool egress_glue_learned_next(struct egress_glue_learned *ret);
/* Timers: expired host addresses, DNS queries, left-over cgroups. */
void egress_glue_tick(void);

/* The session's counters in the layer, read from its maps (bytes and
 * packets out and in, connects let through, refusals, packets dropped):
 * ,"egress":{...} for sessions --json and status --json, or
 * ,"egress":null when the layer is off or does not hold the session. */
void egress_glue_counters_json(struct strbuf *b, const void *key);
/* The same as a sentence for `policyctl status`; false (buf untouched)
 * when there are none. */
bool egress_glue_counters_line(const void *key, char *buf, size_t sz);

/* The status lines: eBPF cgroup hooks, BPF LSM, fentry. */
struct egress_glue_status {
	bool active;
	char egress[1300], lsm[300], fentry[300];
};
void egress_glue_status(struct egress_glue_status *st);

#endif
