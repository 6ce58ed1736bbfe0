/* SPDX-License-Identifier: MIT */
/* policyd's shared state: connections, sessions, the event loop. */
#ifndef TIERGATE_DAEMON_H
#define TIERGATE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit.h"
#include "policy.h"
#include "rundir.h"
#include "tg_proto.h"

#define MAX_CONNS 4096
#define MAX_SESSIONS 256
#define CONN_RBUF_MAX (1u << 20) /* one whole message at most */

struct session {
	char id[32];
	char name[64];
	pid_t root_pid;
	uint64_t root_start;
	uid_t uid;
	char *policy_path;
	struct policy *policy;
	char home[512], user[64], pwd[4096], tmpdir[512];
	char cgroup[512]; /* v2 path relative to the mount, system mode */
	int shell_fd;  /* agent-shell's connection: the session lives while it
			  does */
	bool seccomp;  /* agent-shell installs its seccomp refusal filter */
	bool landlock; /* agent-shell can apply Landlock */
	bool ll_write, ll_exec; /* what Landlock restricts in this session */
	uint64_t created_us;
	uint64_t n_decisions, n_allowed, n_refused, n_notifications;
	uint64_t n_injected; /* write-opens done by policyd (ADDFD) */
	/* names the session's processes looked up (getaddrinfo), for the
	 * kernel path's connect decisions; policyd verifies each itself.
	 * One per (address, name), the oldest given up first: a lookup
	 * gives up to 8 addresses, and hosts behind one CDN share them */
	struct {
		uint8_t addr[16];
		char host[256];
		pid_t pid;    /* the process that looked it up */
		uint64_t seq; /* names_next when it was (last) reported;
				 0: unused */
	} names[256];
	uint64_t names_next;
	struct sv *sv; /* the seccomp supervisor, when agent-shell sent its
			  listener */
	struct session *next;
};

struct req;
struct outcome;

struct conn {
	int fd;
	bool control;
	pid_t pid;
	uid_t uid;
	bool uid_lazy;	/* seccomp callers: uid read from /proc only when an
			   audit line needs it */
	uint64_t start; /* peer's start time, against pid reuse */
	pid_t ppid;
	int same_root; /* -1 unknown, 0 no, 1 the peer's root is ours */
	struct session *s;
	bool attributed;
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;
	size_t wlen, woff;
	bool closing;
	/* seccomp callers: could something rewrite the caller's argv after
	 * policyd read it? Asked only when an allow depends on argv. NULL for
	 * interposer requests (their argv is a copy in the message). */
	bool (*could_race)(struct conn *c);
	/* seccomp callers: an exec about to be allowed. A caller that could
	 * race is held for checking at its exec stop (exec_verify.c): 1
	 * held, 0 nothing to hold, -errno it cannot be held (refuse) */
	int (*hold_exec)(struct conn *c, const struct req *q,
			 const struct outcome *o);
	/* seccomp callers: for a call about to be refused, the errno the
	 * kernel would fail it with if it can have no effect (making a name
	 * that exists, removing one that does not), or 0. Such a call is
	 * answered with that errno: no refusal, no audit line. */
	int (*noop)(struct conn *c);
	int passed_fd[2]; /* descriptors that came with the last message */
	int npassed;
	struct sv *notifier; /* set on a seccomp listener's epoll tag */
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

/* session.c */
struct session *session_of_pid(pid_t pid);
/* Same, for a process whose parent is already known (saves a /proc read). */
struct session *session_of_child(pid_t pid, uint64_t start, pid_t ppid);
int session_create(struct conn *c, const char *name, const char *policy,
		   const char *tmpdir, uint32_t flags, struct session **ret,
		   char *err, size_t errsz);
void session_end(struct session *s, const char *why);
struct session *session_find(const char *id);
int session_reload(struct session *s, char *err, size_t errsz);
int session_kill(struct session *s);
void sessions_init_cgroups(void);

/* What policyd decided about one call. request_decide() initialises it:
 * the fields before target are zeroed, the buffers from target on start
 * empty (a decision is made per request: 26 KiB were zeroed for each). */
struct outcome {
	struct policy_decision d;
	const char *kind;
	const char *decision; /* "allowed", "refused" or "absent" */
	int absent; /* exec: ENOENT/ENOTDIR when there is no such program */
	/* exec by a seccomp caller (c->could_race set): what the process
	 * must be running when the kernel has done the exec, for callers
	 * that could rewrite path or argv after policyd read them (the
	 * supervisor checks at the exec stop): the file the kernel maps (the
	 * first link of the chain that is not a script: ld.so for "ld.so
	 * PROG") and the argv it starts with, as the entries before the
	 * caller's own argv[1..] (NUL-terminated, joined, kprefix_len bytes) */
	bool exe_known;
	bool argv_dep; /* the allow held only for the argv policyd saw */
	dev_t exe_dev;
	ino_t exe_ino;
	size_t kprefix_len;
	/* from here on: strings, initialised empty */
	char target[TGP_MAX_PATH * 2 + 64];
	/* what the call acts on, symlinks resolved: the program of an exec,
	 * the (first) file of an open; empty when not resolved */
	char object[TGP_MAX_PATH];
	char object2[TGP_MAX_PATH]; /* the second name of a rename or link */
	char detail[512];
	char msg[1400]; /* for the agent's stderr */
	char kprefix[8192];
};

/* request.c */
struct req;
/* Decides a request for a caller (an agent-socket connection, or a seccomp
 * notification dressed as one), counts and audits it. 0, or -EAGAIN when
 * a host lookup must finish first. */
int request_decide(struct conn *c, struct req *q, struct outcome *o,
		   uint64_t t0);
/* Is the peer's root policyd's? Looked up once per connection. */
bool conn_same_root(struct conn *c);
/* path (absolute, in the peer's root) as policyd can name it: itself, or
 * under /proc/PID/root when the peer's root is another. */
void conn_view(struct conn *c, const char *path, char *out, size_t outsz);
void request_audit(struct conn *c, struct req *q, struct outcome *o,
		   const char *decision, uint64_t t0);
int request_handle(struct conn *c, const uint8_t *msg, size_t len);
void conn_send(struct conn *c, const uint8_t *buf, size_t len);
void conn_close(struct conn *c);
void daemon_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* resolver.c: verifies host names the interposer reports */
int resolver_start(void);
/* 1: host resolves to addr for policyd; 0: it does not (or the lookup
 * took too long); -EAGAIN: looking it up (ask again when resolver_fd is
 * readable); -EBUSY: owner (a session id) has as many lookups waiting as
 * it may, or the queue is full: decide without the name */
int resolver_check(const char *host, const uint8_t addr[16], const char *owner);
void resolver_drain(void);

/* policyd.c: tell interposers that cached fast-path data is stale */
void generation_bump(void);

/* supervisor.c: notifications parked for a host lookup, tried again */
void supervisor_retry_parked(void);
/* The name a connect from pid to addr is for: among the names the session
 * looked up for addr, one pid looked up before another process's, one a
 * host rule names before one none does, then the latest. NULL: none. */
const char *session_name_for(struct session *s, const uint8_t addr[16],
			     pid_t pid);

/* control.c */
int control_handle(struct conn *c, const char *line);

#endif
