/* SPDX-License-Identifier: MIT */
/*
 * conn_share: the bookkeeping of shares of policyd's connections (conn.h):
 * how many descriptors and bytes a group of connections holds in policyd
 * against its most. A session has one share (its processes'); processes
 * of no session have one per uid, taken from a fixed table, and all uids'
 * shares together are a pool with a most of its own. Plain data and
 * arithmetic: no log, no system call (conn.c says what a refusal means).
 *
 * Lifecycle: a session's share is part of its struct session
 * (conn_share_init once); a uid's is conn_uids_get() (one per connection
 * counted against it) -> conn_share_add/sub -> conn_uids_put() (its entry
 * is free again once no connection counts against it).
 */
#ifndef TIERGATE_CONN_SHARE_H
#define TIERGATE_CONN_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* uids whose processes of no session may hold connections at once: a
 * fixed table, so that a flood of uids cannot grow it (a new uid past it
 * is refused, fail closed; policyd's log says so once) */
#define CONN_UIDS_MAX 256

struct conn_share {
	unsigned fds;	  /* descriptors held */
	size_t bytes;	  /* bytes held */
	unsigned fds_max; /* most of each */
	size_t bytes_max;
	bool told; /* policyd's log has said it reached its most */
	/* the pool it counts in too (uid shares: all uids'), or NULL */
	struct conn_share *pool;
	/* uid shares: the uid, and the connections counted against it
	 * (0: the entry is free) */
	uid_t uid;
	unsigned refs;
};

/* What a share has no room for. */
enum conn_share_over {
	CONN_SHARE_FITS, /* room */
	CONN_SHARE_OWN,	 /* over its own most */
	CONN_SHARE_POOL, /* over its pool's */
	CONN_SHARE_OVER_MAX
};

/* The shares of processes of no session, by uid. */
struct conn_uids {
	struct conn_share all; /* every uid's together */
	bool full_told;	       /* the log said the table was full */
	struct conn_share uid[CONN_UIDS_MAX];
};

/* sh, empty, with its most (fds, bytes) and its pool (or NULL). */
void conn_share_init(struct conn_share *sh, unsigned fds_max, size_t bytes_max,
		     struct conn_share *pool);
/* Has sh (and its pool) room for fds more descriptors and bytes more
 * bytes? sh NULL: no share, always room. */
enum conn_share_over conn_share_room(const struct conn_share *sh, unsigned fds,
				     size_t bytes);
/* sh (and its pool) holds fds more descriptors and bytes more bytes, or
 * fewer (sub); NULL: nothing. */
void conn_share_add(struct conn_share *sh, unsigned fds, size_t bytes);
void conn_share_sub(struct conn_share *sh, unsigned fds, size_t bytes);
/* Is sh well within its most again (under half of both)? Its log line
 * may then be said again. */
bool conn_share_low(const struct conn_share *sh);

/* t, empty: each uid's most (fds, bytes), all uids' together. */
void conn_uids_init(struct conn_uids *t, unsigned fds_max, size_t bytes_max,
		    unsigned all_fds_max, size_t all_bytes_max);
/* uid's share in t, counting one more connection against it (its entry
 * taken if it had none). NULL: the table is full. */
struct conn_share *conn_uids_get(struct conn_uids *t, uid_t uid);
/* One connection fewer counts against sh (from conn_uids_get); its entry
 * is free once none does (what it held must be given back first). */
void conn_uids_put(struct conn_share *sh);
/* uids that hold an entry of t. */
unsigned conn_uids_count(const struct conn_uids *t);

#endif
