/* SPDX-License-Identifier: MIT */
/*
 * caller: the process policyd is asked about, whichever way it asked: the
 * peer of an agent-socket connection (SO_PEERCRED) or the thread waiting in
 * a seccomp notification. The decision (decide.c), path resolution as the
 * caller (chase.c) and the audit line all take a struct caller; nothing in
 * it comes from what the caller says, only from the kernel.
 *
 * Lifecycle: filled in by its owner (conn.c for a connection, with the
 * session once attributed; the kernel path per notification), then used;
 * it holds no resources.
 */
#ifndef TIERGATE_CALLER_H
#define TIERGATE_CALLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfs.h"
#include "util.h"

struct session;
struct chase_memo;

struct caller {
	pid_t pid;	/* the peer, or the notified thread */
	uint64_t start; /* the peer's start time, against pid reuse */
	pid_t ppid;
	uid_t uid;	   /* SO_PEERCRED's, or the notified caller's fsuid */
	bool uid_lazy;	   /* uid read from /proc only when an audit line needs
			      it (notified callers) */
	struct session *s; /* NULL: in no session */
	int same_root;	   /* -1 unknown, 0 no, 1 the caller's root is
			      policyd's (see caller_same_root) */
	/* 0 unknown, 1 the caller's user namespace is policyd's, 2 not
	 * (its capabilities count only in its own: caller_creds_enter) */
	int same_userns;
	/* the caller waits in a seccomp notification: policyd read its
	 * arguments from its memory, where they may change after the read
	 * (an exec's argv: the kernel reads it again) */
	bool notified;
	bool have_cr;	       /* cr was read (caller_creds) */
	struct proc_status cr; /* credentials, groups and umask */
	/* a notified caller's working directory, read once per call: the
	 * names of one call and its audit line are resolved against one
	 * reading (a connection's caller reads it per request) */
	bool have_cwd;
	char cwd[TG_PATH_MAX];
	/* a notified caller's absolute name that policyd opened literally
	 * (O_PATH, no symlink or magic link followed) in this call, and how
	 * that went (0 or -errno): the decision's walk of the same name
	 * takes it instead of walking again (chase_literal) */
	bool have_lit;
	int lit_r;
	char lit[TG_PATH_MAX];
	/* a notified caller's call: the first directory its decision walked
	 * to (a name's directory, CHASE_PARENT, in policyd's root, no link
	 * on the way), kept open as found (O_PATH) for policyd to make or
	 * remove the name in (chase_kept_dir); closed with the call
	 * (chase_kept_close). keep_dir: the walk may keep it */
	bool keep_dir, have_dir;
	int dir_fd;
	char dir_path[TG_PATH_MAX];
	/* set for the length of one decision on two names (a rename's, a
	 * link's; see struct chase_memo), else NULL */
	struct chase_memo *memo;
};

/* Is the caller's root policyd's? Looked up once per caller (procfs),
 * then cached in c->same_root: symlinks are then resolved directly
 * instead of through the /proc/PID/root magic link, which costs a walk
 * per component. */
bool caller_same_root(struct caller *c);
/* Reads the caller's credentials and umask into c->cr once, when want is
 * set or policyd is root (it takes them on for what it does as the
 * caller). 0, or -ESRCH: the caller is gone. */
int caller_creds(struct caller *c, bool want);
/* Takes on the caller's file-system credentials (fsuid, fsgid, groups from
 * c->cr) when policyd runs as root for another user, and the caller's
 * effective capabilities whenever it lacks some of policyd's (a root
 * session has dropped several): per thread, raw system calls, never more
 * than the caller by mistake. 0 with *ret_switched saying whether
 * caller_creds_leave must run, or -EACCES. */
int caller_creds_enter(struct caller *c, bool *ret_switched);
/* Back to policyd's own (root's) file-system credentials. */
void caller_creds_leave(void);

/* The caller's umask in force for a call that makes a mode (creat,
 * mkdir, mknod): true when policyd's had to change (caller_umask_leave
 * puts it back). No system call when the two are the same, as they
 * usually are: policyd's cost per notification is in their number. */
bool caller_umask_enter(mode_t mask);
void caller_umask_leave(void);
/* The caller's working directory into out (procfs_link's result): a
 * notified caller's is read once per call (see cwd above). */
int caller_cwd(struct caller *c, char *out, size_t outsz);
/* The uid for an audit line ((uid_t)-1 when it cannot be read). */
uid_t caller_uid(const struct caller *c);
/* The caller's descriptor fd as a descriptor of policyd's (the same open
 * file description, pidfd_getfd). -errno. */
int caller_fd(pid_t pid, int fd);
/* Writes one line to pid's stderr, never blocking policyd: a poll with no
 * timeout first, at most 4096 bytes (atomic on a pipe up to PIPE_BUF). */
void caller_tell(pid_t pid, const char *line, size_t len);

#endif
