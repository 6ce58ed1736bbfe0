/* SPDX-License-Identifier: MIT */
/*
 * tb: the BPF egress suite's harness. The driver runs as root in a
 * network namespace of its own (so every address, server and veth it
 * makes is gone with it), makes a parent cgroup of its own under the
 * cgroup v2 mount, loads the layer with libtgbpf.a and runs test
 * children in session cgroups. Only processes it started are killed.
 */
#ifndef TIERGATE_TB_H
#define TIERGATE_TB_H

#include <limits.h>
#include <linux/types.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "egress.h"

struct tb {
	char mount[PATH_MAX];  /* cgroup v2 */
	char parent[PATH_MAX]; /* the suite's parent cgroup */
	char pin_dir[PATH_MAX];
	char progdir[PATH_MAX]; /* static helpers */
	struct egress *e;
	int pass, fail, skip;
	int nsess; /* cgroups made, for names */
	/* every cgroup made and not yet removed, removed in reverse order
	 * by a signal's handler too */
	char cg[64][PATH_MAX];
	int ncg;
	pid_t pid; /* the driver's */
};
extern struct tb T;

__attribute__((format(printf, 1, 2))) void tb_ok(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tb_bad(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tb_skip(const char *fmt, ...);
/* ok or bad by cond; returns cond */
__attribute__((format(printf, 2, 3))) bool tb_check(bool cond, const char *fmt,
						    ...);

/* The driver's environment: 0 or a reason to skip everything in why. */
int tb_setup(char *why, size_t whysz);
void tb_teardown(void);
/* Starts the layer (no pinning unless pin is set). */
int tb_start(bool pin);
int tb_start_opts(const struct egress_opts *o);
void tb_stop(void);

/* A session: a cgroup under the parent, added to the layer. */
struct tb_sess {
	char path[PATH_MAX];
	uint64_t id;
};
int tb_sess_new(struct tb_sess *s, const struct egress_session *cfg);
void tb_sess_end(struct tb_sess *s);
/* tb_sess_new, a failure counted (bad "cannot add the session"): did it
 * make the session? */
bool tb_sess_open(struct tb_sess *s, const struct egress_session *cfg);
/* The same for a session of rules r[0..n), default deny. */
bool tb_sess_deny(struct tb_sess *s, const struct egress_rule *r, size_t n);
int tb_cgroup_make(const char *parent, const char *name, char *out,
		   size_t outsz, uint64_t *ret_id);
int tb_cgroup_remove(const char *path);
int tb_cgroup_enter(const char *path, pid_t pid);

/* Runs fn(arg) in a child moved into cgroup path (NULL: stays in the
 * driver's cgroup). The child's return value (0..255), or -1. */
int tb_run_in(const char *path, int (*fn)(void *), void *arg);
/* The same, calling idle() (which should wait a little) until the child
 * is done: the driver serves it meanwhile (the DNS forwarder). */
int tb_run_in_loop(const char *path, int (*fn)(void *), void *arg,
		   void (*idle)(void));
/* The layer's programs attached to the suite's parent cgroup (cgroup
 * NULL), or those that run for the cgroup at path (its effective ones:
 * the parent's and a session's own, egress_sessprogs.c). */
int tb_layer_progs(const char *cgroup, __u32 *ids, int cap);
/* 0.0.0.0/0 and ::/0 (plen 0 in the engine's form), any port, allow */
extern const struct egress_rule tb_allow_all;
/* Runs argv in cgroup path, output in out; exit status or -1. */
int tb_exec_in(const char *path, char *const argv[], char *out, size_t outsz);

/* Rules: parses "10.0.0.0/8", "fd00::/64", "::ffff:1.2.3.4", "1.2.3.4". */
struct egress_rule tb_rule(const char *cidr, unsigned protos, uint16_t lo,
			   uint16_t hi, unsigned action, uint32_t rule);
int tb_addr(const char *s, uint8_t out[16]);

/* Sockets. A connect/send result is 0 or an errno. */
int tb_connect(const char *addr, uint16_t port, int type);
int tb_sendto(const char *addr, uint16_t port);
int tb_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss,
		socklen_t *len);
/* A listening socket on every address (dual stack): fd, port in *port. */
int tb_listen_any(int type, uint16_t *port);
/* Accepts (and closes) what waits on a listener; drains a UDP socket.
 * Returns how many. */
int tb_drain(int fd, int type);
/* Sends len bytes of buf on fd to to (NULL: the connected peer) with one
 * control message (level, type, dlen bytes of data, TB_CMSG_MAX at most):
 * 0 or an errno. */
#define TB_CMSG_MAX 64
int tb_send_cmsg(int fd, const void *to, socklen_t tolen, const void *buf,
		 size_t len, int level, int type, const void *data,
		 size_t dlen);

/* Events of the layer: collected by tb_events_poll into a small array. */
#define TB_MAX_EVENTS 256
struct tb_events {
	struct egress_event v[TB_MAX_EVENTS];
	int n;
};
void tb_events_poll(struct tb_events *ev);
/* Number of events matching (cgid, reason, action); -1 = any. */
int tb_events_count(const struct tb_events *ev, uint64_t cgid, int reason,
		    int action);

uint64_t tb_now_ns(void);
/* Zeroed memory shared with the children forked after (or NULL). */
void *tb_shared(size_t n);
/* Runs a shell command (ip, sysctl); 0 on success. */
__attribute__((format(printf, 1, 2))) int tb_sh(const char *fmt, ...);

/* Suites. */
void t_rules(void);
void t_sockets(void);
void t_dns(void);
void t_limits(void);
void t_rate(void);
void t_lifecycle(void);
void t_anyaddr(void);
void t_srcroute(void);
void t_inbound(void);

#endif
