/* SPDX-License-Identifier: MIT */
/*
 * rtcount: policyd's round trips counted by kind (issue 20's budget):
 * agent-socket requests and seccomp notifications, each by what they
 * asked (an exec, an exec of git, a write-open, a file call that makes or
 * removes names, ...), and the notifications by system call. policyctl
 * status shows them; tests/integration/rounds.sh reads them to check the
 * round-trip budget (docs/architecture.md, "Hot paths").
 *
 * The loop is single-threaded: rtcount_request/rtcount_notified note the
 * round trip being handled, and rtcount_retag moves it to another kind
 * once the decision knows more (an exec whose program is git).
 * rtcount_done adds the time policyd's loop spent on it (monotonic clock,
 * from the receive to the answer: what the caller waits beyond the
 * kernel's wake-ups) to its kind and its system call.
 */
#ifndef TIERGATE_RTCOUNT_H
#define TIERGATE_RTCOUNT_H

#include <stdbool.h>

#include "syscalls.h"

struct req;
struct strbuf;

enum rt_kind {
	RT_EXEC,       /* an exec (not of git) */
	RT_GIT,	       /* an exec whose program is git */
	RT_OPEN_READ,  /* an open to read (interposer: not fast-pathed) */
	RT_OPEN_WRITE, /* an open that may write, create or truncate */
	RT_FILE_NAMES, /* names made, removed, renamed or linked */
	RT_FILE_META,  /* truncate, chmod, chown, xattrs, times */
	RT_BIND,       /* bind (a named Unix socket is a file made) */
	RT_CONNECT,    /* connect and addressed sends */
	RT_NAMES,      /* a name lookup's addresses (TGP_NAMES) */
	RT_HELLO,      /* the fast-path snapshot (HELLO) */
	RT_SESSION,    /* session set-up: SESSION_NEW, LISTENER */
	RT_PROC,       /* calls on other processes */
	RT_REFUSED,    /* calls refused by name, notified to be explained */
	RT_OTHER,      /* anything else (raw sockets, bad messages) */
	RT_KIND_MAX
};

/* An agent-socket request of message type type (tgp_type), q decoded
 * (NULL when it did not decode). */
void rtcount_request(unsigned type, const struct req *q);
/* A seccomp notification of call sc (NULL: not in the table). */
void rtcount_notified(const struct tg_syscall *sc);
/* The round trip being handled is answered (or parked): the time since
 * its rtcount_request/rtcount_notified is added to its kind's. */
void rtcount_done(void);
/* The round trip being handled, if counted as from, is of kind to. */
void rtcount_retag(enum rt_kind from, enum rt_kind to);
/* The table for policyctl status (text) or status --json (the members
 * "round_trips" and "notified_calls", each preceded by a comma). */
void rtcount_format(struct strbuf *b, bool json);

#endif
