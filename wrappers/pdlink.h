/* SPDX-License-Identifier: MIT */
/*
 * pdlink: agent-shell's side of the agent socket. Starting policyd when
 * none runs, opening the session (SESSION_NEW) and reading what policyd
 * answers, handing over the session's seccomp listener (TGP_LISTENER), and
 * finding a policyd again when the one supervising the session goes away.
 *
 * Lifecycle: main fills a struct pdlink (run directory, mode, the session
 * as asked for) before the first connection; fd, listener and inflight are
 * set as the session comes up and stay agent-shell's until it exits.
 */
#ifndef TIERGATE_PDLINK_H
#define TIERGATE_PDLINK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdauth.h"
#include "proctree.h"
#include "rundir.h"
#include "tg_proto.h"

/* The session as it was asked for, to ask again after a policyd restart. */
struct pdlink_want {
	const char *name;
	char policy[PATH_MAX];
	const char *tmpdir;
	uint32_t flags; /* TGPF_SECCOMP, TGPF_LANDLOCK */
};

struct pdlink {
	struct rundir rd;
	bool user;	      /* user mode: agent-shell may start policyd */
	const char *self_dir; /* agent-shell's own directory */
	struct pdlink_want want;
	int fd;	      /* the session's connection to policyd, or -1 */
	int listener; /* our copy of the session's seccomp listener, or -1 */
	int inflight; /* the in-flight table policyd writes, or -1 */
	/* the session's scratch directory where its filter and Landlock made
	 * the route (TG_SCRATCH_FD), handed over with the listener so that
	 * policyd keeps it where it is; or -1 */
	int scratch;
	const char *scratch_path; /* where agent-shell made it */
	/* a pidfd of the session's command once it runs, or -1: a reattach
	 * gives up when it has ended (nothing of the session is left to
	 * wait for policyd but what its end kills) */
	int cmd_pidfd;
	struct proctree_keep keep; /* policyds we started as our children */
	struct pdauth auth;	   /* who may be policyd */
};

/* What policyd answered to SESSION_NEW. Large (the Landlock trees): keep
 * it in static storage. */
struct pdlink_session {
	bool ok;		/* SESSION_OK; otherwise err says why */
	char id[64], name[64], policy[PATH_MAX], err[4096];
	bool fail_open, joined; /* joined: the caller was in a session */
	uint32_t flags;		/* TGPF_LL_WRITE, TGPF_LL_EXEC */
	const char *llw[TGP_MAX_GLOBS], *llx[TGP_MAX_GLOBS];
	size_t nllw, nllx;
	/* the deny-read plan (TGPF_MASK): files, trees, globs */
	const char *mpath[TGP_MAX_GLOBS], *mtree[TGP_MAX_GLOBS],
	    *mglob[TGP_MAX_GLOBS];
	size_t nmpath, nmtree, nmglob;
	bool mask_cut; /* more than fits: the plan is not used */
	char llbuf[TGP_MAX_MSG]; /* the strings of the lists above */
};

/* Connects to policyd's socket at path: the fd, or -1 with errno. It
 * never waits: a process that listens there but does not accept (its
 * backlog full) would otherwise hold agent-shell in connect(2) while the
 * real policyd comes back. */
int pdlink_connect(const char *path);

/* Runs policyd in l's mode on l->want.policy (it detaches itself; its first
 * process exits 0 once it is listening or about to). 0, or -1 when it could
 * not start (policyd said why on stderr). */
int pdlink_spawn(const struct pdlink *l);

/* Starts policyd and waits up to 5 s for its agent socket: 0, -ECHILD when
 * it did not start, -ETIMEDOUT when it did not listen in time. */
int pdlink_start(const struct pdlink *l);

/* Is the peer of fd policyd (pdauth_check)? 0, or -EPERM with a line on
 * stderr: PREFIX "refused the process listening on SOCKET: WHY" SUFFIX. The
 * line is said once per peer and reason (reattaching asks ten times a
 * second). -ESRCH, with no line, when the peer exited meanwhile. */
int pdlink_authenticate(struct pdlink *l, int fd, const char *prefix,
			const char *suffix);

/* A policyd of another protocol version answers on fd? Asks with an empty
 * HELLO and waits 2 s at most; true with mism set (tgp_version_mismatch).
 * For a peer already refused, to say why in the words that help. */
bool pdlink_other_version(int fd, char *mism, size_t cap);

/* The audit log's path as policyd reports it on the control socket, or ""
 * when it does not answer (or policyd is not who answers). */
void pdlink_audit_path(const struct pdlink *l, char *out, size_t cap);

/* Sends SESSION_NEW (l->want) on fd and decodes the answer into s: 0,
 * -ECONNRESET when policyd closed the connection, -EPROTO when it speaks
 * another protocol version (its header is in rbuf), -EBADMSG. rbuf holds
 * TGP_MAX_MSG bytes. */
int pdlink_open_session(const struct pdlink *l, int fd, uint8_t *rbuf,
			struct pdlink_session *s);

/* Hands l->listener and l->inflight to policyd on fd (the session's
 * connection): 0 when policyd supervises the session; -ECONNRESET when the
 * connection failed (policyd went away), -EPERM when policyd refused (with
 * a line on stderr), -EBADMSG, -ENOBUFS otherwise. */
int pdlink_send_listener(const struct pdlink *l, int fd);

/* policyd went away (l->fd is closed): wait for a policyd (starting one in
 * user mode, as our child: see pdlink.c), authenticate it, open the
 * session again, hand it the listener and set l->fd. Returns when it
 * succeeded (until then the session's notified calls keep waiting), or
 * with l->fd still -1 once the session's command (l->cmd_pidfd) has
 * ended. */
void pdlink_reattach(struct pdlink *l);

#endif
