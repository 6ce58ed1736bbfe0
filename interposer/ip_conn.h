/* SPDX-License-Identifier: MIT */
/*
 * ip_conn: the interposer's connections to policyd's agent socket and the
 * answers that come back on them.
 *
 * - ip_conn_fresh(): a new connection, raw system calls only (the exec
 *   path's, vfork-safe); the caller closes it.
 * - ip_conn_ask(): a request over a pooled connection (one per concurrent
 *   caller, not for vfork children), answered into a verdict.
 * - ip_conn_roundtrip(): one request (the HELLO) on a pooled connection if
 *   there is one, else on a fresh one closed after it.
 * - ip_conn_defer()/ip_conn_settle(): a request whose answer is read later
 *   (the names report; see ip_net.c), at most one outstanding; its
 *   connection is closed once the answer is read.
 *
 * Descriptors: every connection is moved to a high number (the top eighth
 * of the first 1,024 or of a lower soft RLIMIT_NOFILE), close-on-exec;
 * only requests that programs make again and again (ip_conn_ask) keep one
 * open, so a program that needs no decision from policyd after its
 * HELLO holds none of tiergate's descriptors at all.
 *
 * The program owns its descriptor table: a pooled connection is used, or
 * closed by a child made without atfork (vfork, raw clone), only while its
 * number still holds that socket (the inode is kept with the pool); one
 * the program closed and reused is forgotten, never written to or closed.
 */
#ifndef TIERGATE_IP_CONN_H
#define TIERGATE_IP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

struct ip_verdict {
	bool allow;
	bool unreachable;
	bool quiet; /* refused with no line (TGPF_QUIET: a link by git that
		       a copy replaces) */
	char rule[128];
	char msg[1024];
	char target[1024];
};

/* A DECISION answer (n bytes of rbuf) into v; anything else refuses, with
 * a message saying why (another protocol version, a malformed answer). */
void ip_verdict_parse(const uint8_t *rbuf, long n, struct ip_verdict *v);
/* policyd could not be asked: allowed only when the policy fails open. */
void ip_verdict_unreachable(struct ip_verdict *v);
/* Says the refusal on stderr, sets errno to err and returns -1. */
int ip_refuse(const char *kind, const char *label, const struct ip_verdict *v,
	      int err);

int ip_conn_fresh(void);
void ip_conn_ask(const uint8_t *msg, size_t len, struct ip_verdict *v);
/* One request and its answer (into rbuf, rcap bytes), no retry: the
 * answer's length, or -1. */
long ip_conn_roundtrip(const uint8_t *msg, size_t len, uint8_t *rbuf,
		       size_t rcap);

/* Sends msg (len bytes; nothing when len <= 0) on a pooled connection and
 * keeps it aside until its answer is read (by the next ip_conn_defer or
 * ip_conn_settle); first reads the answer still outstanding, if any.
 * Keeps errno. */
void ip_conn_defer(const uint8_t *msg, long len);
/* Is an answer outstanding? (cheap; a hint without the lock) */
bool ip_conn_deferred(void);
/* Returns once every deferred request so far is answered, including one
 * another thread is reading the answer to. */
void ip_conn_settle(void);

/* fork(): the locks, taken in the parent around it (prepare, parent) */
void ip_conn_lock(void);
void ip_conn_unlock(void);
/* the child: the parent's pooled connections go now, before the program
 * runs on and reuses their numbers (errno kept); nothing is written when
 * there were none */
void ip_conn_atfork_child(void);

#pragma GCC visibility pop

#endif
