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
	char llbuf[TGP_MAX_MSG]; /* the strings llw and llx point into */
};

/* Runs policyd in l's mode on l->want.policy (it detaches itself; its first
 * process exits 0 once it is listening or about to). 0, or -1 when it could
 * not start (policyd said why on stderr). */
int pdlink_spawn(const struct pdlink *l);

/* Starts policyd and waits up to 5 s for its agent socket: 0, -ECHILD when
 * it did not start, -ETIMEDOUT when it did not listen in time. */
int pdlink_start(const struct pdlink *l);

/* The audit log's path as policyd reports it on the control socket, or ""
 * when it does not answer. */
void pdlink_audit_path(const struct pdlink *l, char *out, size_t cap);

/* Sends SESSION_NEW (l->want) on fd and decodes the answer into s: 0,
 * -ECONNRESET when policyd closed the connection, -EPROTO when it speaks
 * another protocol version (its header is in rbuf), -EBADMSG. rbuf holds
 * TGP_MAX_MSG bytes. */
int pdlink_open_session(const struct pdlink *l, int fd, uint8_t *rbuf,
			struct pdlink_session *s);

/* Hands l->listener and l->inflight to policyd on fd (the session's
 * connection): 0 when policyd supervises the session, -1 otherwise (with a
 * line on stderr when policyd refused). */
int pdlink_send_listener(const struct pdlink *l, int fd);

/* policyd went away (l->fd is closed): wait for a policyd (starting one in
 * user mode), open the session again, hand it the listener and set l->fd.
 * Returns only when it succeeded. */
void pdlink_reattach(struct pdlink *l);

#endif
