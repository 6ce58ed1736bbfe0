/* SPDX-License-Identifier: MIT */
/*
 * daemon: policyd's shared state (one daemon per process: the global D,
 * defined in daemon.c) and what the events of its loop's epoll set are for.
 * Everything here is plain data; the modules that own a part of it say so
 * in their headers (session.h: the session list, conn.h: D.conns).
 */
#ifndef TIERGATE_DAEMON_H
#define TIERGATE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rundir.h"

/* connection slots, by descriptor (a connection holds two: its socket and
 * its peer's pidfd); a session's processes get a share of them
 * (conn.h: CONN_SESSION_FDS_MAX) */
#define MAX_CONNS 16384
#define MAX_SESSIONS 256

struct audit;
struct conn;
struct session;

/* What an epoll event is about: every object registered with D.epfd
 * starts with one of these, and the loop dispatches on its kind. The
 * sessions' seccomp listeners are not in the set: the loop polls them
 * directly (run() in policyd.c). */
enum ev_kind {
	EV_AGENT_LISTEN,   /* the agent socket: accept */
	EV_CONTROL_LISTEN, /* the control socket: accept */
	EV_SIGNAL,	   /* the signalfd */
	EV_RESOLVER,	   /* a host lookup finished */
	EV_CONN,	   /* a connection (struct conn) */
	EV_EGRESS,	   /* the eBPF layer's events, DNS forwarder */
	EV_KIND_MAX
};

struct ev_tag {
	enum ev_kind kind;
};

struct daemon {
	struct rundir rd;
	bool system_mode;
	char *default_policy;
	struct audit *audit;
	int epfd, agent_lfd, control_lfd, sigfd, resolver_fd;
	dev_t agent_dev; /* the agent socket's file: sessions may always */
	ino_t agent_ino; /* connect to it (their interposers do) */
	struct conn *conns[MAX_CONNS];
	struct session *sessions;
	unsigned nsessions;
	unsigned next_session;
	char cgroup_mount[512];
	bool cgroups; /* session cgroups usable */
	char cgroup_why[1200];
	uint64_t started_us;
	uint64_t n_requests, n_bad_messages;
	uint64_t n_notifications; /* seccomp notifications, all sessions */
	uint64_t n_lookups;	  /* host names policyd looked up itself */
	bool stop;
	char genfile[700];
	int genfd;
	uint64_t generation;
};

extern struct daemon D;

/* Tells interposers that cached fast-path data is stale (after a reload):
 * bumps the counter in RUNDIR/generation, which they map. */
void daemon_generation_bump(void);

#endif
