/* SPDX-License-Identifier: MIT */
/*
 * records: the audit records policyd writes about sessions themselves
 * (started, killed, policy reloaded), and the session names every record
 * carries. Decisions are audited by decide.c; the record format is
 * audit.h's (docs/operator-guide.md lists the fields).
 */
#ifndef TIERGATE_RECORDS_H
#define TIERGATE_RECORDS_H

#include <stdbool.h>
#include <sys/types.h>

struct session;
struct strbuf;

/* Who asked for something done to sessions: a signal's sender or a
 * control-socket peer. */
struct records_by {
	const char *how; /* "SIGHUP", "policyctl reload", ... */
	pid_t pid;
	uid_t uid;
};

/* The name of the live session with this id, or NULL (audit_set_namer). */
const char *records_session_name(const char *id);

/* s was opened by agent-shell, process shell: its exe and parent, the
 * policy and its digest. */
void records_session_started(const struct session *s, pid_t shell, uid_t uid);

/* An operator killed s's n processes (n < 0: the kill failed, -errno). */
void records_session_killed(const struct session *s,
			    const struct records_by *by, int n);

/* Reloads every session's policy (a policy with errors leaves the old one
 * in force), tells the interposers (the generation counter) and audits
 * each session's outcome with the policy's path, SHA-256 and the new
 * generation. What happened goes to report when not NULL (the control
 * socket's answer). Returns the number of sessions whose policy was
 * kept because of errors. */
int records_reload_all(const struct records_by *by, struct strbuf *report);

#endif
