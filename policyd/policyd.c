/* SPDX-License-Identifier: MIT */
/*
 * policyd: the tiergate daemon. One loop (poll on an epoll set and the
 * sessions' seccomp listeners) serves the agent socket (decision requests
 * from interposed processes and agent-shell, agent.c),
 * the control socket (policyctl, control.c), the sessions' seccomp
 * listeners (supervisor.c), the resolver's answers and signals. See
 * docs/architecture.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "audit.h"
#include "conn.h"
#include "control.h"
#include "daemon.h"
#include "egress_glue.h"
#include "exec_verify.h"
#include "log.h"
#include "notify.h"
#include "pending.h"
#include "records.h"
#include "resolver.h"
#include "rtcount.h"
#include "self.h"
#include "session.h"
#include "supervisor.h"
#include "sv_open.h"
#include "tg_proto.h"
#include "util.h"

static struct ev_tag ctl_tag = {EV_CONTROL_LISTEN},
		     agent_tag = {EV_AGENT_LISTEN}, sig_tag = {EV_SIGNAL},
		     res_tag = {EV_RESOLVER};

static int listen_on(const char *path, mode_t mode)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	mode_t old = umask(0777 & ~mode);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	/* no descriptors passed to policyd on its sockets (Linux 6.16; every
	 * connection accepted inherits it, from before policyd's first
	 * accept too): one whose last close waits (a lingering socket) would
	 * hold policyd's loop (conn.c, refuse_rights; agent.c turns it on
	 * again for the connection that opens a session) */
	int no = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_PASSRIGHTS, &no, sizeof(no));
	if (r < 0 || listen(fd, 512) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void add_fd(int fd, struct ev_tag *tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
	epoll_ctl(D.epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* A connection closes; agent-shell's ends its session (its supervisor
 * first: no notification may be answered for a session that is gone). */
static void conn_close(struct conn *c)
{
	for (struct session *s = D.sessions; s; s = s->next)
		if (s->shell_fd == c->fd) {
			daemon_log("session %s ended (agent-shell exited)",
				   s->id);
			supervisor_detach(s);
			pending_session_end(s);
			conn_forget_session(s);
			session_end(s, "agent-shell exited");
			break;
		}
	pending_forget_owner(c); /* its prompt, if it waited for one */
	control_forget(c);
	conn_free(c);
}

static void conn_readable(struct conn *c);

static void accept_conn(int lfd, bool control)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
			close(fd);
			continue;
		}
		struct conn *c = conn_new(fd, control, &cr);
		if (c && !control) {
			/* the client sends right after connecting: serve it
			 * now rather than after another epoll round */
			conn_readable(c);
			if (c->closing && c->woff == c->wlen)
				conn_close(c);
		}
	}
}

/* Reads what is there (with any descriptors, agent socket only). 1; 0:
 * the peer is gone (what came is still processed); -1: over the cap or
 * out of memory (nothing more is). */
static int conn_fill(struct conn *c)
{
	for (;;) {
		if (c->rlen == c->rcap) {
			size_t nc = c->rcap ? c->rcap * 2 : 4096;
			if (nc > CONN_RBUF_MAX)
				nc = CONN_RBUF_MAX;
			if (nc == c->rcap)
				return -1; /* over the message cap */
			/* over its session's share (conn.h) */
			if (!conn_quota_grow(c, nc))
				return -1;
			uint8_t *nb = realloc(c->rbuf, nc);
			if (!nb)
				return -1;
			conn_rbuf_set(c, nb, nc);
		}
		size_t room = c->rcap - c->rlen;
		/* agent-shell passes its seccomp listener with SCM_RIGHTS;
		 * any descriptor no message consumes is closed */
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(3 * sizeof(int))];
		} cm;
		struct iovec iov = {.iov_base = c->rbuf + c->rlen,
				    .iov_len = room};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = c->control ? NULL : cm.b,
				    .msg_controllen =
					c->control ? 0 : sizeof(cm.b)};
		ssize_t n =
		    recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n > 0 && !c->control)
			conn_take_fds(c, &mh);
		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->rlen += (size_t)n;
		/* a short read drained the socket (epoll is level-triggered, so
		 * anything that arrives later is reported again): no need for
		 * another recv that would only say EAGAIN */
		if ((size_t)n < room)
			return 1;
	}
}

/* Every complete agent-socket message in c's buffer, handled. */
static void agent_messages(struct conn *c)
{
	size_t off = 0;
	while (!c->closing && c->rlen - off >= sizeof(struct tgp_hdr)) {
		long want = tgp_peek_len(c->rbuf + off);
		if (want < 0) {
			agent_handle(c, c->rbuf + off,
				     c->rlen - off); /* audits it */
			rtcount_done();
			c->closing = true;
			break;
		}
		if ((size_t)want > c->rlen - off)
			break;
		int r = agent_handle(c, c->rbuf + off, (size_t)want);
		rtcount_done();
		if (r == -EAGAIN)
			break; /* waits for the resolver; kept in the buffer */
		conn_drop_fds(c);
		if (r < 0) {
			c->closing = true;
			break;
		}
		off += (size_t)want;
	}
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

/* Reads what is there; processes every complete message. */
static void conn_readable(struct conn *c)
{
	int r = conn_fill(c);
	if (r <= 0)
		c->closing = true;
	if (r < 0)
		return;
	if (!c->control) {
		agent_messages(c);
		conn_rbuf_trim(c);
		return;
	}
	uint8_t *nl = memchr(c->rbuf, '\n', c->rlen);
	if (nl) {
		*nl = '\0';
		control_handle(c, (const char *)c->rbuf);
		c->rlen = 0;
	} else if (c->rlen > 1024) {
		c->closing = true;
	}
}

static uint64_t last_retry_ms; /* when retry_parked last ran */

/* A FIFO's writer waits parked: is its next try due (every 5 ms)? Also
 * while policyd is never idle: one session's tight loop of notified calls
 * used to keep every parked writer of every session waiting until it
 * stopped (a reader waited 2,975 ms against 62 natively:
 * tests/bypass/procfd.sh, static_notify_hammer). */
static bool fifo_retry_due(void)
{
	return sv_open_fifo_waits(false) &&
	       tg_mono_ns() / 1000000 - last_retry_ms >= 5;
}

static void retry_parked(void)
{
	last_retry_ms = tg_mono_ns() / 1000000;
	supervisor_retry_parked();
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = D.conns[i];
		if (c && !c->control && c->rlen >= sizeof(struct tgp_hdr)) {
			conn_readable(c);
			if (c->closing && c->woff == c->wlen)
				conn_close(c);
		}
	}
}

static void handle_signal(void)
{
	struct signalfd_siginfo si;
	while (read(D.sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			exec_verify_poll();
		} else if (si.ssi_signo == SIGHUP) {
			struct records_by by = {"SIGHUP", (pid_t)si.ssi_pid,
						(uid_t)si.ssi_uid};
			records_reload_all(&by, NULL);
		} else {
			daemon_log("signal %u: shutting down", si.ssi_signo);
			D.stop = true;
		}
	}
}

static void usage(void)
{
	fputs("usage: policyd [--policy FILE] [--audit FILE] [--foreground] "
	      "[--approvals] [--user|--system]\n"
	      "  --policy FILE   default policy for sessions (default "
	      "/etc/tiergate/default.yaml)\n"
	      "  --audit FILE    audit log (default: see "
	      "docs/operator-guide.md)\n"
	      "  --foreground    do not detach; log to stderr\n"
	      "  --approvals     Tier 3 calls wait for an operator (policyctl "
	      "approve/deny);\n"
	      "                  without it they wait only while an operator "
	      "runs\n"
	      "                  policyctl watch (or a webhook is set), else "
	      "they are\n"
	      "                  refused at once\n"
	      "  --notify-webhook URL  post each prompt and its outcome to URL "
	      "(JSON)\n"
	      "  --notify-format json|slack  the payload (slack: an incoming "
	      "webhook's)\n"
	      "  --operator-group GROUP  system mode: members of GROUP may "
	      "use policyctl (approve, deny, ...) besides root\n"
	      "  --user          user mode even as root (sockets in "
	      "$XDG_RUNTIME_DIR/tiergate)\n"
	      "  --system        system mode (root only: /run/tiergate, "
	      "session cgroups)\n",
	      stderr);
}

static int daemonize(const char *logfile)
{
	pid_t p = fork();
	if (p < 0)
		return -errno;
	if (p > 0)
		_exit(0);
	setsid();
	p = fork();
	if (p < 0)
		return -errno;
	if (p > 0)
		_exit(0);
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log =
	    open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (nul >= 0)
		dup2(nul, 0);
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
	}
	return 0;
}

struct options {
	const char *policy, *audit;
	const char *webhook; /* --notify-webhook */
	const char *opgroup; /* --operator-group */
	bool slack;
	bool fg;
	int mode; /* -1 auto, 0 user, 1 system */
};

/* The command line; -1 to go on, else main's exit code. */
static int parse_args(int argc, char **argv, struct options *op)
{
	static const struct option opts[] = {
	    {"policy", required_argument, 0, 'p'},
	    {"audit", required_argument, 0, 'a'},
	    {"foreground", no_argument, 0, 'f'},
	    {"approvals", no_argument, 0, 'A'},
	    {"notify-webhook", required_argument, 0, 'W'},
	    {"notify-format", required_argument, 0, 'F'},
	    {"operator-group", required_argument, 0, 'G'},
	    {"user", no_argument, 0, 'u'},
	    {"system", no_argument, 0, 's'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	int o;
	*op = (struct options){.mode = -1};
	while ((o = getopt_long(argc, argv, "p:a:fush", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			op->policy = optarg;
			break;
		case 'a':
			op->audit = optarg;
			break;
		case 'f':
			op->fg = true;
			break;
		case 'A':
			pending_enable(true);
			break;
		case 'W':
			/* the webhook tells someone who can answer */
			op->webhook = optarg;
			pending_enable(true);
			break;
		case 'F':
			if (strcmp(optarg, "json") && strcmp(optarg, "slack")) {
				usage();
				return 2;
			}
			op->slack = !strcmp(optarg, "slack");
			break;
		case 'G':
			op->opgroup = optarg;
			break;
		case 'u':
			op->mode = 0;
			break;
		case 's':
			op->mode = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	return -1;
}

/* The default policy, validated before the sockets are taken: its path
 * in D.default_policy, its audit size cap in *ret_audit_max. */
static int check_policy(const char *policy, uint64_t *ret_audit_max)
{
	char abs[TG_PATH_MAX];
	const char *pol = policy ? policy : "/etc/tiergate/default.yaml";
	if (!realpath(pol, abs)) {
		fprintf(stderr, "policyd: policy %s: %s\n", pol,
			strerror(errno));
		return -errno;
	}
	struct policy_diags dg = {0};
	struct policy *check = NULL;
	struct policy_vars v = {.home = "/", .user = "root", .pwd = "/"};
	if (policy_load(abs, &v, &dg, &check) < 0) {
		for (size_t i = 0; i < dg.n; i++)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", dg.v[i].file,
				dg.v[i].line, dg.v[i].col,
				dg.v[i].warning ? "warning" : "error",
				dg.v[i].msg);
		fprintf(stderr,
			"policyd: the policy has errors; not starting\n");
		policy_diags_free(&dg);
		return -EINVAL;
	}
	*ret_audit_max = policy_settings(check)->audit_max_bytes;
	int r = self_default_policy(check, abs);
	policy_free(check);
	if (r < 0)
		return r;
	policy_diags_free(&dg);
	D.default_policy = strdup(abs);
	return D.default_policy ? 0 : -ENOMEM;
}

/* One daemon per runtime directory: a lock held for policyd's life (two
 * started at once both found no socket to connect to, and the second took
 * the socket names from the first, which kept running unreachable and
 * unlinked them on its way out). 0, or -1 (said why). */
static int take_rundir(void)
{
	int r = rundir_get(D.system_mode, true, &D.rd);
	if (r < 0) {
		fprintf(stderr, "policyd: runtime directory %s: %s\n", D.rd.dir,
			strerror(-r));
		return -1;
	}
	char lockpath[640];
	snprintf(lockpath, sizeof(lockpath), "%s/policyd.lock", D.rd.dir);
	int lockfd =
	    open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lockfd < 0) {
		fprintf(stderr, "policyd: %s: %s\n", lockpath, strerror(errno));
		return -1;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "policyd: already running (%s is locked)\n",
			lockpath);
		return -1;
	}
	int probe = tgp_connect(D.rd.control_sock);
	if (probe >= 0) {
		fprintf(stderr, "policyd: already running (%s)\n",
			D.rd.control_sock);
		close(probe);
		return -1;
	}
	return 0; /* lockfd stays open: the lock is policyd's life */
}

/* The sockets, the generation file, the signals and the resolver: what
 * the loop serves. 0, or -1 (logged). */
static int open_services(void)
{
	/* interposers map this file and re-fetch their fast-path data when
	 * its counter changes (policy reloads) */
	snprintf(D.genfile, sizeof(D.genfile), "%s/generation", D.rd.dir);
	D.genfd =
	    open(D.genfile, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		 0644);
	D.generation = tg_now_us();
	daemon_generation_bump();
	D.epfd = epoll_create1(EPOLL_CLOEXEC);
	/* agent socket: any local process may ask for decisions (it learns
	 * nothing but its own decisions); control socket: owner only */
	D.agent_lfd = listen_on(D.rd.agent_sock, 0666);
	D.control_lfd = listen_on(D.rd.control_sock, 0600);
	if (D.agent_lfd < 0 || D.control_lfd < 0) {
		daemon_log(
		    "cannot listen in %s: %s", D.rd.dir,
		    strerror(-(D.agent_lfd < 0 ? D.agent_lfd : D.control_lfd)));
		return -1;
	}
	struct stat ast;
	if (stat(D.rd.agent_sock, &ast) == 0) {
		D.agent_dev = ast.st_dev;
		D.agent_ino = ast.st_ino;
	}
	/* blocked before the resolver thread starts, so that it inherits
	 * the mask: the signals are read from the signalfd. SIGCHLD: a
	 * process held at its exec (exec_verify.c) stopped or went away */
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGCHLD);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	if (resolver_start() < 0) {
		daemon_log("cannot start the resolver thread");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* why: a write past RLIMIT_FSIZE (an audit log that reached it) must
	 * fail that write (EFBIG), not kill policyd with every session's
	 * calls waiting on it */
	signal(SIGXFSZ, SIG_IGN);
	D.sigfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	add_fd(D.agent_lfd, &agent_tag);
	add_fd(D.control_lfd, &ctl_tag);
	add_fd(D.sigfd, &sig_tag);
	add_fd(D.resolver_fd, &res_tag);
	return 0;
}

/* One epoll event. true: a host lookup finished. */
static bool dispatch(const struct epoll_event *ev)
{
	struct ev_tag *tag = ev->data.ptr;
	switch (tag->kind) {
	case EV_AGENT_LISTEN:
		accept_conn(D.agent_lfd, false);
		return false;
	case EV_CONTROL_LISTEN:
		accept_conn(D.control_lfd, true);
		return false;
	case EV_SIGNAL:
		handle_signal();
		return false;
	case EV_RESOLVER:
		resolver_drain();
		return true;
	case EV_EGRESS: {
		egress_glue_ready();
		/* names the DNS forwarder answered, before anything else is
		 * read: the program may connect to them next */
		struct egress_glue_learned l;
		while (egress_glue_learned_next(&l))
			for (struct session *s = D.sessions; s; s = s->next)
				if (s == l.key)
					session_names_record(
					    s, 0, l.name,
					    (const uint8_t(*)[16])l.addr, 1);
		return false;
	}
	case EV_CONN: {
		struct conn *c = (struct conn *)tag;
		if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_readable(c);
		if (ev->events & EPOLLOUT)
			conn_flush(c);
		if (c->closing && c->woff == c->wlen)
			conn_close(c);
		return false;
	}
	case EV_KIND_MAX:
	default:
		daemon_log("event for an unknown tag %d: stopping",
			   (int)tag->kind);
		D.stop = true; /* memory is not what policyd wrote */
		return false;
	}
}

/* The loop waits in poll(): on the epoll set (sockets, signals, the
 * resolver, egress events) and on each session's seccomp listener
 * directly. A caller's notification then wakes policyd on the caller's
 * CPU (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: the wake-up flag reaches a
 * poll() waiter, not an epoll_wait() one), and the answer wakes the
 * caller there again: no cross-CPU wake-up on either side. */
static int wait_events(struct epoll_event *evs, int max, struct sv **ready,
		       uint32_t *rev, size_t *nready, int timeout)
{
	static struct pollfd p[1 + MAX_SESSIONS];
	static struct sv *who[1 + MAX_SESSIONS];
	p[0] = (struct pollfd){.fd = D.epfd, .events = POLLIN};
	size_t np = 1 + supervisor_pollfds(p + 1, who + 1, MAX_SESSIONS);
	*nready = 0;
	int r = poll(p, (nfds_t)np, timeout);
	if (r < 0 && (errno == ENOMEM || errno == EAGAIN)) {
		/* poll() allocates (its table, the wait entries), epoll_wait()
		 * did not: no memory for a moment is not a reason to stop
		 * serving every session */
		usleep(1000);
		return 0;
	}
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	for (size_t i = 1; i < np; i++)
		if (p[i].revents) {
			/* a listener that is no descriptor any more (never
			 * expected: detaching closes it) is not polled again,
			 * rather than waking the loop for ever */
			uint32_t ev = (uint32_t)p[i].revents;
			if (ev & POLLNVAL)
				ev = EPOLLHUP;
			ready[*nready] = who[i];
			rev[(*nready)++] = ev;
		}
	if (!(p[0].revents & POLLIN))
		return 0;
	int n = epoll_wait(D.epfd, evs, max, 0);
	return n < 0 ? (errno == EINTR ? 0 : -1) : n;
}

static void run(void)
{
	while (!D.stop) {
		struct epoll_event evs[64];
		struct sv *ready[MAX_SESSIONS];
		uint32_t rev[MAX_SESSIONS];
		size_t nready;
		/* a FIFO's writer waits parked for its reader: tried again
		 * every 5 ms, as a blocking open would have gone on at once */
		int n = wait_events(evs, 64, ready, rev, &nready,
				    sv_open_fifo_waits(false) ? 5 : 500);
		if (n < 0)
			break;
		bool parked = false;
		/* the listeners first: a session's end read from a socket in
		 * the same batch detaches its supervisor, which then is only
		 * marked dead (freed by supervisor_reap below) */
		for (size_t i = 0; i < nready; i++)
			supervisor_ready(ready[i], rev[i]);
		for (int i = 0; i < n; i++)
			parked |= dispatch(&evs[i]);
		/* prompts answered or timed out: their waiters are handed in
		 * again (retry_parked) */
		parked |= pending_tick();
		supervisor_reap();
		exec_verify_poll(); /* deadlines; stops whose SIGCHLD merged */
		egress_glue_tick();
		if (parked || (n == 0 && nready == 0) || fifo_retry_due())
			retry_parked();
		control_watch_flush();
		notify_flush();
	}
}

/* Limits policyd inherited that would make it fail (whoever started it
 * may have set them; keeping sessions from setting them on policyd is the
 * supervisor's): too few descriptors (a lookup it cannot make decides
 * deny, but every call then fails), a file size limit (one audited line
 * then killed policyd with SIGXFSZ; ignored, a write past it fails with
 * EFBIG, which the audit log reports). */
static void own_limits(void)
{
	static const int res[] = {RLIMIT_NOFILE, RLIMIT_FSIZE};
	for (size_t i = 0; i < TG_ARRAY_SIZE(res); i++) {
		struct rlimit rl;
		if (getrlimit(res[i], &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(res[i], &rl);
		}
	}
	signal(SIGXFSZ, SIG_IGN);
}

int main(int argc, char **argv)
{
	/* why: policyd takes nothing by inheritance, and whatever it was
	 * started with it would hold for its whole life: a lock a script
	 * held around the start (the suite's lock stayed taken by such a
	 * policyd), the write end of a pipe whose reader then never sees its
	 * end (`agent-shell ... 2>&1 | tee` when agent-shell starts it) */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	struct options op;
	int r = parse_args(argc, argv, &op);
	if (r >= 0)
		return r;
	/* why: every session's descriptors pass through policyd (copies of
	 * their sockets and files, pidfds, listeners); running out of them
	 * must not be what a busy machine, or a session, can make happen */
	own_limits();
	D.system_mode = op.mode == -1 ? geteuid() == 0 : op.mode == 1;
	if (D.system_mode && geteuid() != 0) {
		fprintf(stderr, "policyd: --system needs root\n");
		return 2;
	}
	uint64_t audit_max;
	if (check_policy(op.policy, &audit_max) < 0 || take_rundir() < 0)
		return 1;
	if (!op.fg && daemonize(D.rd.logfile) < 0) {
		fprintf(stderr, "policyd: cannot detach: %s\n",
			strerror(errno));
		return 1;
	}
	const char *audit = op.audit ? op.audit : D.rd.audit;
	if ((r = audit_open(audit, audit_max, &D.audit)) < 0) {
		daemon_log("cannot open audit log %s: %s", audit, strerror(-r));
		return 1;
	}
	if ((r = self_init(audit)) < 0) {
		daemon_log("cannot list tiergate's own files: %s",
			   strerror(-r));
		return 1;
	}
	self_pins_sweep();
	audit_set_namer(D.audit, records_session_name);
	sessions_init_cgroups();
	D.started_us = tg_now_us();
	if (open_services() < 0)
		return 1;
	if (op.opgroup && (!D.system_mode ||
			   (r = control_operator_group(op.opgroup,
						       D.rd.control_sock)) < 0)) {
		daemon_log("--operator-group %s: %s", op.opgroup,
			   !D.system_mode ? "system mode only (in user mode "
					    "the operator is the user)"
			   : r == -ENOENT ? "no such group"
					  : strerror(-r));
		return 1;
	}
	/* after daemonize: the sender is a thread */
	if (op.webhook && (r = notify_start(op.webhook, op.slack)) < 0) {
		daemon_log("cannot notify %s: %s", op.webhook, strerror(-r));
		return 1;
	}
	egress_glue_init(sessions_cgroup_parent());
	FILE *pf = fopen(D.rd.pidfile, "we");
	if (pf) {
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
	}
	daemon_log("listening on %s (%s mode), policy %s, audit %s",
		   D.rd.agent_sock, D.system_mode ? "system" : "user",
		   D.default_policy, audit_path(D.audit));
	run();
	egress_glue_shutdown();
	unlink(D.rd.agent_sock);
	unlink(D.rd.control_sock);
	unlink(D.rd.pidfile);
	audit_close(D.audit);
	return 0;
}
