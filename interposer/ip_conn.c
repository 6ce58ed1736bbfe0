/* SPDX-License-Identifier: MIT */
/* ip_conn: connections to policyd, the pool, verdicts. See ip_conn.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_conn.h"
#include "ip_state.h"
#include "tg_proto.h"

/* connection pool for non-exec calls */
#define POOL_MAX 32
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int pool[POOL_MAX];
static uint64_t pool_ino[POOL_MAX]; /* the socket's inode: still ours? */
static int pool_n;
/* the process the pool belongs to; 0 until it is first used (then
 * pool_check_fork sets it), and left as the parent's in a child that
 * inherits nothing (the child's first use sets it) */
static _Atomic pid_t pool_pid;
/* the connection of the names report whose answer is not read yet, kept
 * out of the pool, and here until the answer has been read; -1: none.
 * Written with names_settle_lock held (and in a forked child). */
static _Atomic int names_fd = -1;
static uint64_t names_ino;
static pthread_mutex_t names_settle_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---------------------------------------------------------- verdicts */

void ip_verdict_parse(const uint8_t *rbuf, long n, struct ip_verdict *v)
{
	struct tgp_dec d;
	struct tgp_field f;
	v->allow = false;
	v->unreachable = false;
	v->quiet = false;
	v->rule[0] = v->msg[0] = v->target[0] = '\0';
	int dr = tgp_dec_begin(&d, rbuf, (size_t)n);
	if (dr == -EPROTO) {
		/* refused, with what to do */
		tgp_version_mismatch(v->msg, sizeof(v->msg), rbuf,
				     "interposer");
		size_t l = ip_slen(v->msg);
		ip_scopy(v->msg + l, sizeof(v->msg) - l,
			 ": restart policyd from this tiergate's installation",
			 NULL);
		return;
	}
	if (dr < 0) {
		ip_scopy(v->msg, sizeof(v->msg),
			 "policyd sent a malformed answer", NULL);
		return;
	}
	if (d.h.type != TGP_DECISION) {
		ip_scopy(v->msg, sizeof(v->msg), "policyd refused the request",
			 NULL);
	}
	uint32_t action = 3;
	int r;
	while ((r = tgp_dec_next(&d, &f)) == 1) {
		if (f.tag == TGPT_ACTION)
			action = tgp_u32(&f);
		else if (f.tag == TGPT_RULE)
			(void)tgp_str(&f, v->rule, sizeof(v->rule));
		else if (f.tag == TGPT_MESSAGE)
			(void)tgp_str(&f, v->msg, sizeof(v->msg));
		else if (f.tag == TGPT_TARGET)
			(void)tgp_str(&f, v->target, sizeof(v->target));
		else if (f.tag == TGPT_FLAGS)
			v->quiet = (tgp_u32(&f) & TGPF_QUIET) != 0;
	}
	if (r == 0 && d.h.type == TGP_DECISION)
		v->allow = action == 0 || action == 1; /* allow, log */
}

void ip_verdict_unreachable(struct ip_verdict *v)
{
	v->unreachable = true;
	v->allow = ip_fail_open;
	v->target[0] = '\0';
	ip_scopy(v->rule, sizeof(v->rule), "", NULL);
	ip_scopy(v->msg, sizeof(v->msg),
		 ip_fail_open
		     ? "policyd is unreachable; allowed because the policy "
		       "says fail: open"
		     : "policyd is unreachable and the policy fails closed; "
		       "restart it (agent-shell does this) and retry",
		 NULL);
}

int ip_refuse(const char *kind, const char *label, const struct ip_verdict *v,
	      int err)
{
	ip_say("refused", kind, label, v->rule, v->msg);
	errno = err;
	return -1;
}

/* ------------------------------------------------------ the pool */

/*
 * The lowest number the interposer keeps a descriptor at: the top eighth
 * of the soft RLIMIT_NOFILE, counted in the first 1,024 numbers (896 for
 * the usual 1,024 and any higher limit). The program owns its descriptor
 * table: it expects the lowest free number from open (a child after
 * addclose(0) expects 0 to stay free), sets up 0-9 and numbers from 10
 * upwards for redirections, and shells keep their own at 255 and below;
 * the numbers near the top are what a program reaches last. Not nearer
 * the top of a higher limit: a descriptor at a million would make the
 * kernel grow the table, and copy it at every fork, to that size. Raw
 * system calls (vfork-safe).
 */
static int conn_base(void)
{
	struct rlimit rl;
	unsigned long lim = 1024;
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) == 0 &&
	    rl.rlim_cur < lim)
		lim = rl.rlim_cur;
	return (int)(lim - lim / 8);
}

int ip_conn_fresh(void)
{
	int fd = tgp_connect(ip_sock_path);
	if (fd < 0)
		return -1;
	int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, conn_base());
	if (hi < 0)
		return fd; /* every high number is taken: used, never kept */
	syscall(SYS_close, fd);
	return hi;
}

/* A child's copies of its parent's pooled connections: closed, but only
 * where the number still holds that socket. fork() drops them at once
 * (atfork); a child made by vfork or a raw clone finds out here, later,
 * when the program may already have put its own file at the number (a
 * shell's `3>file` before exec) and closing it would lose that file. */
static bool pool_still_ours(int fd, uint64_t ino)
{
	struct stat st;
	return syscall(SYS_fstat, fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       (uint64_t)st.st_ino == ino;
}

static void pool_drop_inherited(void)
{
	for (int i = 0; i < pool_n; i++)
		if (pool_still_ours(pool[i], pool_ino[i]))
			syscall(SYS_close, pool[i]);
	int nfd = names_fd;
	if (nfd >= 0 && pool_still_ours(nfd, names_ino))
		syscall(SYS_close, nfd);
	/* written only when not so already: in a child after fork every
	 * page written costs a fault */
	if (pool_n)
		pool_n = 0;
	if (nfd != -1)
		names_fd = -1;
}

static void pool_check_fork(void)
{
	pid_t me = (pid_t)syscall(SYS_getpid);
	if (pool_pid != me) {
		/* a forked child: the inherited connections are the
		 * parent's; drop them (close our copies) */
		pthread_mutex_lock(&pool_lock);
		if (pool_pid != me) {
			pool_drop_inherited();
			pool_pid = me;
		}
		pthread_mutex_unlock(&pool_lock);
	}
}

/* A pooled connection, or -1 when the pool has none. */
static int pool_take(void)
{
	pool_check_fork();
	for (;;) {
		pthread_mutex_lock(&pool_lock);
		int fd = -1;
		uint64_t ino = 0;
		if (pool_n) {
			fd = pool[--pool_n];
			ino = pool_ino[pool_n];
		}
		pthread_mutex_unlock(&pool_lock);
		/* the program may have closed it (a close of every
		 * descriptor, closefrom) and opened its own file at that
		 * number: a request must never be written there */
		if (fd < 0 || pool_still_ours(fd, ino))
			return fd;
	}
}

static int pool_get(void)
{
	int fd = pool_take();
	return fd >= 0 ? fd : ip_conn_fresh();
}

static void pool_put(int fd, bool ok)
{
	if (!ok) {
		syscall(SYS_close, fd);
		return;
	}
	pthread_mutex_lock(&pool_lock);
	struct stat st;
	/* kept only at 896 and above: under a soft limit below 1,024 the
	 * program counts its descriptors (a test lowering the limit to 29
	 * found the child's kept connection at 26, among its own) */
	if (pool_n < POOL_MAX && pool_pid == (pid_t)syscall(SYS_getpid) &&
	    fd >= 896 && fd >= conn_base() &&
	    syscall(SYS_fstat, fd, &st) == 0) {
		pool_ino[pool_n] = (uint64_t)st.st_ino;
		pool[pool_n++] = fd;
		fd = -1;
	}
	pthread_mutex_unlock(&pool_lock);
	if (fd >= 0)
		syscall(SYS_close, fd);
}

long ip_conn_roundtrip(const uint8_t *msg, size_t len, uint8_t *rbuf,
		       size_t rcap)
{
	int fd = pool_take();
	bool pooled = fd >= 0;
	if (!pooled)
		fd = ip_conn_fresh();
	if (fd < 0)
		return -1;
	long n = tgp_roundtrip(fd, msg, len, rbuf, rcap);
	if (pooled)
		pool_put(fd, n > 0);
	else
		syscall(SYS_close, fd);
	return n;
}

/* A request over a pooled connection (not for vfork children). */
void ip_conn_ask(const uint8_t *msg, size_t len, struct ip_verdict *v)
{
	/* on the stack: a thread-local buffer would be 8 KiB more static TLS
	 * for every thread of every program, zeroed at each start */
	uint8_t rbuf[8192];
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = pool_get();
		if (fd < 0)
			break;
		long n = tgp_roundtrip(fd, msg, len, rbuf, sizeof(rbuf));
		pool_put(fd, n > 0);
		if (n > 0) {
			ip_verdict_parse(rbuf, n, v);
			return;
		}
		/* a pooled connection may be stale (policyd restarted): retry
		 * once fresh */
	}
	ip_verdict_unreachable(v);
}

/* ------------------------------------------- answers read later */

/* with names_settle_lock held: reads the outstanding answer, if any */
static void names_answer(void)
{
	int fd = names_fd;
	if (fd < 0)
		return;
	/* the program may have closed it and reused the number: then there
	 * is nothing of ours to read, and nothing to close */
	if (pool_still_ours(fd, names_ino)) {
		uint8_t rbuf[64];
		(void)tgp_read_msg(fd, rbuf, sizeof(rbuf));
		syscall(SYS_close, fd);
	}
	names_fd = -1;
}

bool ip_conn_deferred(void)
{
	return names_fd >= 0;
}

void ip_conn_settle(void)
{
	if (names_fd < 0)
		return;
	pool_check_fork(); /* a child: its parent's reports are not its own */
	if (names_fd < 0)
		return;
	pthread_mutex_lock(&names_settle_lock);
	names_answer();
	pthread_mutex_unlock(&names_settle_lock);
}

void ip_conn_defer(const uint8_t *msg, long len)
{
	int saved = errno;
	pool_check_fork();
	pthread_mutex_lock(&names_settle_lock);
	names_answer(); /* one answer outstanding at most */
	int fd = len > 0 ? pool_get() : -1;
	struct stat st;
	if (fd >= 0) {
		if (tgp_write_all(fd, msg, (size_t)len) == 0 &&
		    syscall(SYS_fstat, fd, &st) == 0) {
			names_ino = (uint64_t)st.st_ino;
			names_fd = fd;
		} else {
			syscall(SYS_close, fd);
		}
	}
	pthread_mutex_unlock(&names_settle_lock);
	errno = saved;
}

/* ------------------------------------------------------------ fork */

/* names_settle_lock is taken before pool_lock (a report holds it while it
 * takes a connection from the pool) */
void ip_conn_lock(void)
{
	pthread_mutex_lock(&names_settle_lock);
	pthread_mutex_lock(&pool_lock);
}

void ip_conn_unlock(void)
{
	pthread_mutex_unlock(&pool_lock);
	pthread_mutex_unlock(&names_settle_lock);
}

void ip_conn_atfork_child(void)
{
	/* nothing inherited: nothing to drop, and no write (every page a
	 * child writes before its exec is copied: a fault, ~12 us on a VM,
	 * in every fork of bash or make) nor getpid; pool_check_fork sees
	 * the parent's pid and takes the pool before any use */
	if (!pool_n && names_fd == -1)
		return;
	int saved = errno; /* fork's caller sees errno as libc left it */
	pool_drop_inherited();
	pool_pid = (pid_t)syscall(SYS_getpid);
	errno = saved;
}
