/* SPDX-License-Identifier: MIT */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "missing.h"
#include "procfs.h"
#include "session.h"

/* A pidfd of the process that connected on fd: -1 where the kernel has
 * none to give (before 6.5); -2 when that process is gone. */
static int peer_pidfd(int fd)
{
	int pfd = -1;
	socklen_t l = sizeof(pfd);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pfd, &l) == 0)
		return pfd;
	return errno == ESRCH ? -2 : -1;
}

static void close_conn_fd(int fd);

/* The control socket's answer to a peer that is gone, then the close. */
static void refuse_gone(int fd, pid_t pid)
{
	daemon_log("control connection from pid %d refused: the process is "
		   "gone",
		   (int)pid);
	(void)!send(fd, CONN_PEER_GONE_MSG, sizeof(CONN_PEER_GONE_MSG) - 1,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
	close_conn_fd(fd);
}

/* The session whose share a connection from pid counts against: its
 * session's, but agent-shell's (the session's root, outside its sandbox,
 * which connects before its session exists and again after a restart:
 * its uid's share, below). */
static struct session *quota_session(pid_t pid)
{
	struct session *s = session_of_pid(pid);
	return s && s->root_pid != pid ? s : NULL;
}

/* A share's most of descriptors (a session's, a uid's):
 * CONN_SESSION_FDS_MAX, or an eighth of what policyd may hold where its
 * limit leaves fewer than MAX_CONNS (read once: policyd raises its
 * RLIMIT_NOFILE at start, before any connection). */
static unsigned quota_fds_max(void)
{
	static unsigned max;
	struct rlimit nl;
	if (max)
		return max;
	max = CONN_SESSION_FDS_MAX;
	if (getrlimit(RLIMIT_NOFILE, &nl) == 0 && nl.rlim_cur < MAX_CONNS &&
	    nl.rlim_cur / 8 < max)
		max = nl.rlim_cur / 8 > 16 ? (unsigned)(nl.rlim_cur / 8) : 16;
	return max;
}

/* Session s's share, set up at its processes' first connection. */
static struct conn_share *session_share(struct session *s)
{
	if (!s->conn.fds_max)
		conn_share_init(&s->conn, quota_fds_max(),
				CONN_SESSION_BYTES_MAX, NULL);
	return &s->conn;
}

/* The shares of processes of no session, by uid (conn.h), set up at the
 * first connection: all of them together half of D.conns' slots, or of
 * policyd's RLIMIT_NOFILE where that is lower. */
static struct conn_uids *uid_shares(void)
{
	static struct conn_uids t;
	static bool ready;
	struct rlimit nl;
	if (ready)
		return &t;
	unsigned slots = MAX_CONNS;
	if (getrlimit(RLIMIT_NOFILE, &nl) == 0 && nl.rlim_cur < slots)
		slots = (unsigned)nl.rlim_cur;
	conn_uids_init(&t, quota_fds_max(), CONN_SESSION_BYTES_MAX, slots / 2,
		       CONN_OUTSIDE_BYTES_MAX);
	ready = true;
	return &t;
}

/* Is uid out of the shares outside sessions? Root and policyd's own uid:
 * the operators (root may stop, ptrace or replace policyd anyway; in user
 * mode policyd's uid is the user whose daemon it is). */
static bool share_exempt(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* What a share ran out of, for policyd's log. */
enum share_what {
	SHARE_FDS,    /* descriptors: a connection or a passed one refused */
	SHARE_RBYTES, /* unfinished messages: the connection closed */
	SHARE_WBYTES, /* unread replies too: the connection closed */
	SHARE_WHAT_MAX
};

/* Has sh room for fds more descriptors and bytes more bytes? Said once
 * in policyd's log (per share: a session's, a uid's, all uids' together)
 * when it has not: each refused connection would be a line. s: the
 * session whose share sh is, NULL for a uid's. */
static bool share_room(struct conn_share *sh, const struct session *s,
		       unsigned fds, size_t bytes, enum share_what what,
		       pid_t pid)
{
	enum conn_share_over o = conn_share_room(sh, fds, bytes);
	if (o == CONN_SHARE_FITS)
		return true;
	struct conn_share *full = o == CONN_SHARE_POOL ? sh->pool : sh;
	if (full->told)
		return false;
	full->told = true;
	char who[96];
	const char *its = "its", *share = "its share";
	if (o == CONN_SHARE_POOL) {
		snprintf(who, sizeof(who),
			 "processes of no session, every uid's together");
		its = "their";
		share = "their share together";
	} else if (s) {
		snprintf(who, sizeof(who), "session %s", s->id);
	} else {
		snprintf(who, sizeof(who), "uid %u (processes of no session)",
			 (unsigned)sh->uid);
	}
	switch (what) {
	case SHARE_FDS:
		daemon_log("%s: %s processes hold %u descriptors in policyd, "
			   "%s; connections beyond it are closed (pid %d)",
			   who, its, full->fds, share, (int)pid);
		break;
	case SHARE_RBYTES:
		daemon_log("%s: %s processes' unfinished messages hold %zu "
			   "bytes in policyd, %s; pid %d's connection closed",
			   who, its, full->bytes, share, (int)pid);
		break;
	case SHARE_WBYTES:
		daemon_log("%s: %s processes' unread replies and unfinished "
			   "messages hold %zu bytes in policyd, %s; pid %d's "
			   "connection closed",
			   who, its, full->bytes, share, (int)pid);
		break;
	case SHARE_WHAT_MAX:
	default:
		daemon_log("share of pid %d: unknown kind %d", (int)pid,
			   (int)what);
		break;
	}
	return false;
}

/* uid's share for a connection from pid, of no session; NULL (said once)
 * when CONN_UIDS_MAX other uids hold connections already: refused, fail
 * closed, rather than a table that grows with every uid. */
static struct conn_share *uid_share_get(uid_t uid, pid_t pid)
{
	struct conn_uids *t = uid_shares();
	struct conn_share *sh = conn_uids_get(t, uid);
	if (!sh && !t->full_told) {
		daemon_log("uid %u (processes of no session): %d other uids' "
			   "processes of no session hold connections to "
			   "policyd, the most it counts; connections of new "
			   "uids are closed (pid %d)",
			   (unsigned)uid, CONN_UIDS_MAX, (int)pid);
		t->full_told = true;
	}
	return sh;
}

/* c counts against its share no more (the connection ends). */
static void share_leave(struct conn *c)
{
	struct conn_share *sh = c->share;
	if (!sh)
		return;
	conn_share_sub(sh, c->quota_fds, c->wheld + c->rcap);
	/* said again once it has come back well within its share */
	if (conn_share_low(sh))
		sh->told = false;
	if (sh->pool && conn_share_low(sh->pool))
		sh->pool->told = false;
	c->share = NULL;
	if (c->quota)
		return;
	conn_uids_put(sh);
	struct conn_uids *t = uid_shares();
	if (!sh->refs && t->full_told && conn_uids_count(t) < CONN_UIDS_MAX / 2)
		t->full_told = false;
}

void conn_close_passed(int fd)
{
	/* why: a TCP socket with SO_LINGER whose peer reads nothing makes
	 * its last close wait up to the linger time; passed to policyd and
	 * closed by it (the sender's copy closed first), it held policyd's
	 * loop, every session's calls with it, for as long as the sender
	 * asked (tests/bypass/passfd.sh). Not a socket: ENOTSOCK. */
	struct linger off = {0, 0};
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
	close(fd);
}

/* Descriptors still in fd's queue, taken and closed before fd is: its
 * close would release them in policyd, lingering or not. The peer can
 * send nothing more once fd is shut for reading; what it sent is bounded
 * by its send buffer. */
static void drain_rights(int fd)
{
	char data[4096];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(16 * sizeof(int))];
	} cm;
	(void)shutdown(fd, SHUT_RD);
	for (int i = 0; i < 4096; i++) {
		struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cm.b,
				    .msg_controllen = sizeof(cm.b)};
		if (recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h;
		     h = CMSG_NXTHDR(&mh, h))
			if (h->cmsg_level == SOL_SOCKET &&
			    h->cmsg_type == SCM_RIGHTS)
				for (size_t k = 0;
				     k <
				     (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				     k++)
					conn_close_passed(
					    ((int *)CMSG_DATA(h))[k]);
	}
}

/* An accepted connection's descriptor, closed (what is left in it
 * first). */
static void close_conn_fd(int fd)
{
	drain_rights(fd);
	close(fd);
}

/* Refuses descriptors to this connection (Linux 6.16: SO_PASSRIGHTS;
 * the listening sockets refuse them from the start, policyd.c listen_on,
 * and accepted connections inherit that: this is the same said again): a
 * descriptor policyd holds is one whose release it may have to wait for,
 * even unread in a connection it closes. The connection that opens a
 * session may pass them again (its listener: agent.c). A kernel without
 * it relies on conn_close_passed and on conn_free reading what is left. */
static void refuse_rights(int fd)
{
	int no = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_PASSRIGHTS, &no, sizeof(no));
}

struct conn *conn_new(int fd, bool control, const struct ucred *cr)
{
	struct proc_stat st;
	refuse_rights(fd);
	if (fd >= MAX_CONNS) {
		close_conn_fd(fd);
		return NULL;
	}
	/* a peer's /proc entry is its own only while it lives: one that
	 * exited and whose pid another process took since would be read as
	 * that process (a session's child holding the socket, then taken for
	 * a process of none) */
	int pfd = peer_pidfd(fd);
	struct session *qs = NULL;
	bool here = pfd != -2 && procfs_pidfd_alive(pfd) &&
		    procfs_stat(cr->pid, &st) == 0 &&
		    (qs = quota_session(cr->pid), procfs_pidfd_alive(pfd));
	unsigned nfds = 1 + (pfd >= 0);
	/* why: without a share per session, one session's processes could
	 * hold every slot of D.conns (connections, idle or unfinished), and
	 * every other session, agent-shell and policyctl would be turned
	 * away (tests/bypass/connflood.sh); without one per uid for
	 * processes of no session, any local account could (system mode:
	 * the agent socket is 0666; tests/bypass/uidflood.sh) */
	struct conn_share *sh = NULL;
	bool refuse = false;
	if (here && qs)
		sh = session_share(qs);
	else if (here && !share_exempt(cr->uid))
		refuse = !(sh = uid_share_get(cr->uid, cr->pid));
	if (here && !refuse)
		refuse = !share_room(sh, qs, nfds, 0, SHARE_FDS, cr->pid);
	if (refuse) {
		if (sh && !qs)
			conn_uids_put(sh);
		if (pfd >= 0)
			close(pfd);
		close_conn_fd(fd);
		return NULL;
	}
	if (!here) {
		if (pfd >= 0)
			close(pfd);
		if (control)
			refuse_gone(fd, cr->pid);
		else /* the interposer connects anew in every process */
			close_conn_fd(fd);
		return NULL;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		if (sh && !qs)
			conn_uids_put(sh);
		if (pfd >= 0)
			close(pfd);
		close_conn_fd(fd);
		return NULL;
	}
	c->pidfd = pfd;
	c->share = sh;
	c->quota = qs;
	c->quota_fds = nfds;
	conn_share_add(sh, nfds, 0);
	c->tag.kind = EV_CONN;
	c->fd = fd;
	c->control = control;
	c->caller.pid = cr->pid;
	c->caller.uid = cr->uid;
	c->caller.start = st.starttime;
	c->caller.ppid = st.ppid;
	c->caller.same_root = -1;
	D.conns[fd] = c;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c->tag};
	epoll_ctl(D.epfd, EPOLL_CTL_ADD, fd, &ev);
	return c;
}

/* c's bytes in its share go from was to now. */
static void share_bytes(struct conn *c, size_t was, size_t now)
{
	if (now > was)
		conn_share_add(c->share, 0, now - was);
	else
		conn_share_sub(c->share, 0, was - now);
}

/* The replies c keeps (wbuf) count n bytes in its share. */
static void wheld_set(struct conn *c, size_t n)
{
	share_bytes(c, c->wheld, n);
	c->wheld = n;
}

void conn_send(struct conn *c, const uint8_t *buf, size_t len)
{
	if (c->closing)
		return;
	if (c->wlen == c->woff) {
		c->wlen = c->woff = 0;
		wheld_set(c, 0);
		ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == (ssize_t)len)
			return;
		if (w < 0 && errno != EAGAIN) {
			c->closing = true;
			return;
		}
		if (w < 0)
			w = 0;
		buf += w;
		len -= (size_t)w;
	}
	if (c->wlen + len > 4 * CONN_REPLY_MAX) {
		c->closing = true; /* a client that never reads */
		return;
	}
	/* why: replies a session's processes ask for and never read were
	 * kept out of its share, 256 KiB a connection: one session's 1,900
	 * connections sending HELLOs took policyd from 5 MB to 280 MB
	 * (tests/bypass/connflood.sh, conn_wflood) */
	if (!share_room(c->share, c->quota, 0, len, SHARE_WBYTES,
			c->caller.pid)) {
		c->closing = true;
		return;
	}
	uint8_t *nb = realloc(c->wbuf, c->wlen + len);
	if (!nb) {
		c->closing = true;
		return;
	}
	c->wbuf = nb;
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	wheld_set(c, c->wlen);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
				 .data.ptr = &c->tag};
	epoll_ctl(D.epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

void conn_flush(struct conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t w = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno != EAGAIN)
				c->closing = true;
			return;
		}
		c->woff += (size_t)w;
	}
	c->wlen = c->woff = 0;
	wheld_set(c, 0);
	free(c->wbuf); /* what is not counted is not kept */
	c->wbuf = NULL;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c->tag};
	epoll_ctl(D.epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

void conn_drop_fds(struct conn *c)
{
	for (int i = 0; i < c->npassed; i++)
		conn_close_passed(c->passed_fd[i]);
	conn_share_sub(c->share, (unsigned)c->npassed, 0);
	c->quota_fds -= (unsigned)c->npassed;
	c->npassed = 0;
}

void conn_take_fds(struct conn *c, struct msghdr *mh)
{
	for (struct cmsghdr *h = CMSG_FIRSTHDR(mh); h; h = CMSG_NXTHDR(mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(h);
		conn_drop_fds(c);
		for (size_t i = 0; i < k; i++) {
			if (c->npassed < 3 &&
			    share_room(c->share, c->quota, 1, 0, SHARE_FDS,
				       c->caller.pid)) {
				c->passed_fd[c->npassed++] = fds[i];
				c->quota_fds++;
				conn_share_add(c->share, 1, 0);
			} else {
				conn_close_passed(fds[i]);
			}
		}
	}
}

bool conn_quota_grow(struct conn *c, size_t newcap)
{
	size_t more = newcap > c->rcap ? newcap - c->rcap : 0;
	return share_room(c->share, c->quota, 0, more, SHARE_RBYTES,
			  c->caller.pid);
}

void conn_rbuf_set(struct conn *c, uint8_t *buf, size_t cap)
{
	share_bytes(c, c->rcap, cap);
	c->rbuf = buf;
	c->rcap = cap;
}

void conn_rbuf_trim(struct conn *c)
{
	if (c->rlen || c->rcap <= 8192)
		return;
	share_bytes(c, c->rcap, 0);
	free(c->rbuf);
	c->rbuf = NULL;
	c->rcap = 0;
}

void conn_forget_session(const struct session *s)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		if (D.conns[i] && D.conns[i]->caller.s == s)
			D.conns[i]->caller.s = NULL;
		if (D.conns[i] && D.conns[i]->quota == s) {
			D.conns[i]->quota = NULL;
			D.conns[i]->share = NULL;
		}
	}
}

bool conn_peer_alive(const struct conn *c)
{
	return procfs_pidfd_alive(c->pidfd);
}

bool conn_peer_here(const struct conn *c)
{
	struct proc_stat ps;
	return procfs_pidfd_alive(c->pidfd) &&
	       procfs_stat(c->caller.pid, &ps) == 0 &&
	       ps.starttime == c->caller.start && procfs_pidfd_alive(c->pidfd);
}

void conn_free(struct conn *c)
{
	epoll_ctl(D.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	conn_drop_fds(c);
	share_leave(c);
	if (c->pidfd >= 0)
		close(c->pidfd);
	close_conn_fd(c->fd);
	if (c->fd >= 0 && c->fd < MAX_CONNS)
		D.conns[c->fd] = NULL;
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}
