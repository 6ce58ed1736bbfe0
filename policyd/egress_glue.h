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

struct session;
struct layer_report;

/* Starts (or adopts) the layer when this policyd can; registers its
 * descriptor in D.epfd. Never fails policyd: the reason goes to status. */
void egress_glue_init(void);
void egress_glue_shutdown(void);
bool egress_glue_active(void);

/* The session's cgroup exists and is still empty: its rules, limits and
 * DNS forwarder go in before any process does. 0, or -errno with err
 * (then the session must not start: its cgroup would refuse every inet
 * socket). Without the layer (or cgroup_dir NULL: no session cgroups):
 * 0, and a session with limits: is told once that nothing enforces
 * them. */
int egress_glue_session_add(struct session *s, const char *cgroup_dir,
			    char *err, size_t errsz);
/* The session's policy changed: rules, limits and learned names again. */
int egress_glue_session_reload(struct session *s, char *err, size_t errsz);
void egress_glue_session_end(struct session *s);
/* policyd verified that host resolves to addrs (its own lookup): the
 * host rules naming it let those addresses through in the kernel. */
void egress_glue_names(struct session *s, const char *host,
		       const uint8_t (*addrs)[16], unsigned naddrs,
		       uint32_t ttl_s);

/* D.epfd said the layer's descriptor is readable. */
void egress_glue_ready(void);
/* Timers: expired host addresses, DNS queries, left-over cgroups. */
void egress_glue_tick(void);

/* The status lines: eBPF cgroup hooks, BPF LSM/fentry, DNS forwarder. */
void egress_glue_layers(struct layer_report *r);

#endif
