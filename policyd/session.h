/* SPDX-License-Identifier: MIT */
/*
 * session: a session is the process tree agent-shell starts (session.c
 * says how a process is attributed to one). Sessions live in D.sessions;
 * each holds its own compiled policy, its counters and the host names its
 * processes looked up.
 *
 * Lifecycle: session_create() (SESSION_NEW) -> session_of_*() per request,
 * session_reload() on SIGHUP or `policyctl reload` -> session_end() when
 * agent-shell's connection closes (its supervisor detached first).
 */
#ifndef TIERGATE_SESSION_H
#define TIERGATE_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn_share.h"
#include "policy.h"
#include "sha256.h"

struct sv;
struct ll_bound;

#define SESSION_NAMES 256

struct session {
	char id[32];
	char name[64];
	pid_t root_pid;
	uint64_t root_start;
	uid_t uid;
	char *policy_path;
	struct policy *policy;
	char home[512], user[64], pwd[4096], tmpdir[512];
	/* the session's scratch directory where agent-shell made its route
	 * (settings.scratch: private; handed over with the listener): kept
	 * where it is (self.c) and never renamed across (sv_fs.c); or NULL */
	char *scratch;
	char cgroup[512]; /* v2 path relative to the mount, system mode */
	int shell_fd;  /* agent-shell's connection: the session lives while it
			  does */
	bool seccomp;  /* agent-shell installs its seccomp refusal filter */
	bool landlock; /* agent-shell can apply Landlock */
	bool ll_write, ll_exec;	   /* what Landlock restricts in this session */
	bool denyread; /* its policy denies reading paths agent-shell masks */
	struct ll_bound *ll_bound; /* the write trees Landlock was given
				      (landlock.c); NULL: none kept */
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
	} names[SESSION_NAMES];
	uint64_t names_next;
	struct sv *sv; /* the seccomp supervisor, when agent-shell sent its
			  listener */
	uint64_t hello_gen; /* generation its snapshot file was written in
			       (policyd/hello.h); 0: none */
	/* its processes' share of policyd's connections (conn.h:
	 * CONN_SESSION_FDS_MAX, CONN_SESSION_BYTES_MAX; set up by conn.c at
	 * their first connection) */
	struct conn_share conn;
	struct session *next;
};

/* What SESSION_NEW asks for, and who asks (the kernel's view of
 * agent-shell: its pid, start time and uid, its connection). */
struct session_params {
	pid_t pid;
	int pidfd; /* of pid (-1: none): checked around its cgroup's write */
	uint64_t start;
	uid_t uid;
	int shell_fd;
	const char *name, *policy, *tmpdir; /* "" or NULL: the defaults */
	uint32_t flags;			    /* TGPF_SECCOMP, TGPF_LANDLOCK */
};

/* The session of a process, from the kernel's view of it. NULL: none. */
struct session *session_of_pid(pid_t pid);
/* session_of_pid, and *ret_unsure set when the answer "none" comes from
 * walks up the process tree each cut short by a parent that died meanwhile
 * (untouched otherwise): whoever must not take such a caller for a process
 * outside every session refuses it instead. */
struct session *session_of_pid_sure(pid_t pid, bool *ret_unsure);
/* A new session for p (its policy loaded and compiled for its user; its
 * cgroup made in system mode), put in D.sessions. 0, or -errno with the
 * reason in err. */
int session_create(const struct session_params *p, struct session **ret,
		   char *err, size_t errsz);
/* Ends s: audited, its cgroup removed if empty, freed. Its supervisor must
 * have been detached and connections must have forgotten it. */
void session_end(struct session *s, const char *why);
/* By id or name; NULL: none. */
struct session *session_find(const char *id);
/* What a reload changed, for its audit record: the policy's content
 * digests (policy_digest: every file read, includes too) before and
 * after, and why the new content could not be pinned ("" when it was). */
struct session_reloaded {
	uint8_t was[TG_SHA256_LEN], now[TG_SHA256_LEN];
	char pin_err[512];
};
/* Compiles s's policy again; on error the old one stays (err says why).
 * Writes no record: the caller's reload record says what ret holds. */
int session_reload(struct session *s, struct session_reloaded *ret, char *err,
		   size_t errsz);
/* Kills every process of s; how many, or -errno. */
int session_kill(struct session *s);
/* Whether sessions get cgroups (system mode with cgroup v2); D.cgroup_why
 * says why or why not. */
void sessions_init_cgroups(void);
/* The sessions' parent cgroup directory (absolute; with D.cgroups). */
const char *sessions_cgroup_parent(void);

/* A process of s (pid) looked up host and got addrs (its own word, or
 * policyd's forwarder's): remembered for the kernel path's connects (host
 * normalised by the caller), which believe the name only once policyd's
 * own lookup agrees. Not handed to the eBPF layer: its host rules learn an
 * address for SESSION_NAME_TTL seconds from policyd's lookups only
 * (decide.c, connect_host; the forwarder). */
#define SESSION_NAME_TTL 300
void session_names_record(struct session *s, pid_t pid, const char *host,
			  const uint8_t (*addrs)[16], unsigned naddrs);
/* The name a connect from pid to addr is for: among the names the session
 * looked up for addr, one pid looked up before another process's, one a
 * host rule names before one none does, then the latest. NULL: none. */
const char *session_name_for(struct session *s, const uint8_t addr[16],
			     pid_t pid);

#endif
