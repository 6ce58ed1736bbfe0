/* SPDX-License-Identifier: MIT */
/*
 * conn: a connection to one of policyd's sockets (agent or control) and its
 * buffered I/O. policyd writes nothing on a connection but replies; a reply
 * the peer does not read at once is kept and flushed when the socket is
 * writable. Connections live in D.conns (by descriptor).
 *
 * Lifecycle: conn_new() (accepted) -> conn_send()* -> conn_free() (the
 * loop closes it once c->closing is set and its replies are out).
 */
#ifndef TIERGATE_CONN_H
#define TIERGATE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "caller.h"
#include "conn_share.h"
#include "daemon.h"

#define CONN_RBUF_MAX (1u << 20) /* one whole message at most */
#define CONN_REPLY_MAX 65536	 /* a reply (but HELLO_OK's fast path) */
/* A session's share of policyd: the descriptors its processes' connections
 * hold in policyd (each socket, its peer's pidfd, descriptors passed with
 * an unfinished message) and the bytes of their unfinished messages and
 * of the replies they have not read. One
 * session past it would turn every other session and policyctl away (D.conns
 * has MAX_CONNS slots, by descriptor) or exhaust policyd's memory; a
 * connection beyond it is closed at accept (the interposer there fails
 * closed), a message beyond it closes its connection. 2048 descriptors:
 * 1024 connections (a process keeps one, a multi-threaded one up to 32 in
 * its pool), an eighth of D.conns (or of policyd's RLIMIT_NOFILE where
 * that is lower). */
#define CONN_SESSION_FDS_MAX 2048
#define CONN_SESSION_BYTES_MAX (16u << 20)
/* Processes of no session (agent-shell opening its session, policyctl,
 * anything else that connects: in system mode the agent socket is open
 * to every local user) have a share per uid, the same as a session's
 * (CONN_SESSION_FDS_MAX, or an eighth of RLIMIT_NOFILE; 16 MiB), and all
 * uids' shares together have a most, half of D.conns' slots (or of
 * policyd's RLIMIT_NOFILE) and 64 MiB: one local account, or several
 * together, cannot take every slot from the sessions, nor policyd's
 * memory. Out of it: root and policyd's own uid (the operators: root can
 * stop or ptrace policyd anyway). uids at once: CONN_UIDS_MAX
 * (conn_share.h); a new uid past them is refused. */
#define CONN_OUTSIDE_BYTES_MAX (64u << 20)
/* the control socket's answer to a peer no longer the process that
 * connected (gone, or its pid taken since), at accept or at its request */
#define CONN_PEER_GONE_MSG                                                     \
	"error: the control socket answers only a peer that waits for the "    \
	"answer\n"

struct conn {
	struct ev_tag tag; /* EV_CONN */
	int fd;
	bool control;
	/* a pidfd of the process that connected (SO_PEERPIDFD), -1 on a
	 * kernel without it */
	int pidfd;
	/* the peer (SO_PEERCRED), its session once attributed */
	struct caller caller;
	bool attributed;
	/* the share this connection counts against: its peer's session's
	 * at accept (quota), or (agent-shell and processes of no session)
	 * its uid's, or none (root's, policyd's uid's, a session's once it
	 * ended); and the descriptors it counts there */
	struct conn_share *share;
	struct session *quota;
	unsigned quota_fds;
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;
	size_t wlen, woff;
	size_t wheld; /* of wbuf, counted in quota's bytes */
	bool closing;
	int passed_fd[3]; /* descriptors that came with the last message */
	int npassed;
};

/* A connection on accepted descriptor fd, from the peer whose credentials
 * the kernel gave (SO_PEERCRED); registered in D.conns and D.epfd. NULL
 * (fd closed) when its process cannot be read or memory is short; a
 * control connection whose process is gone is told so first (its child may
 * hold the socket and wait for an answer). */
struct conn *conn_new(int fd, bool control, const struct ucred *cr);
/* Is the control peer of c still the process that connected (alive, its
 * pid its own, the start time read at accept)? Asked before its request is
 * looked at, and again after: a pid it held cannot be another process's
 * while it lives. */
bool conn_peer_here(const struct conn *c);
/* Is the process that connected on c alive (one system call)? While it
 * is, its pid is its own; true where the kernel gives no pidfd. */
bool conn_peer_alive(const struct conn *c);
/* Sends buf (one whole reply), or keeps it for when the socket is
 * writable; a peer that never reads is disconnected (c->closing). */
void conn_send(struct conn *c, const uint8_t *buf, size_t len);
/* Sends what conn_send kept, as far as the socket takes it. */
void conn_flush(struct conn *c);
/* Keeps the descriptors of an SCM_RIGHTS message (three at most, and none
 * past the connection's share: the rest closed), replacing those of the
 * previous message. */
void conn_take_fds(struct conn *c, struct msghdr *mh);
/* Closes the descriptors no message took. */
void conn_drop_fds(struct conn *c);
/* Closes a descriptor a peer passed, without waiting for it: a socket's
 * SO_LINGER is turned off first. */
void conn_close_passed(int fd);
/* May c's read buffer grow to newcap bytes (its share)? */
bool conn_quota_grow(struct conn *c, size_t newcap);
/* c's read buffer is now buf, of cap bytes (counted in its share). */
void conn_rbuf_set(struct conn *c, uint8_t *buf, size_t cap);
/* c's read buffer, empty, given back when it grew past a page or two
 * (a share counts what its connections keep). */
void conn_rbuf_trim(struct conn *c);
/* Connections of session s forget it (it ends). */
void conn_forget_session(const struct session *s);
/* Out of D.conns and D.epfd, closed and freed. */
void conn_free(struct conn *c);

#endif
