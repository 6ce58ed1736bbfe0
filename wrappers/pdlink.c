/* SPDX-License-Identifier: MIT */
#include "pdlink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

int pdlink_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || fl < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The policyd to run: the one next to agent-shell, else the one on PATH. */
static void policyd_bin(const struct pdlink *l, char *bin, size_t cap)
{
	snprintf(bin, cap, "%s/policyd", l->self_dir);
	if (access(bin, X_OK) < 0)
		snprintf(bin, cap, "policyd");
}

/* In a child about to exec policyd: policyd runs outside any session (the
 * session variables agent-shell may have set are not passed on), with the
 * signals agent-shell ignores or blocks back to normal. */
static void exec_policyd(const struct pdlink *l, const char *bin, bool fg)
{
	unsetenv("LD_PRELOAD");
	unsetenv("TIERGATE_SOCKET");
	unsetenv("TIERGATE_SESSION");
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	char *argv[] = {(char *)bin,
			"--policy",
			(char *)l->want.policy,
			l->user ? "--user" : "--system",
			fg ? "--foreground" : NULL,
			NULL};
	execvp(bin, argv);
	fprintf(stderr, "agent-shell: cannot run %s: %s\n", bin,
		strerror(errno));
	_exit(127);
}

int pdlink_spawn(const struct pdlink *l)
{
	char bin[PATH_MAX + 16];
	policyd_bin(l, bin, sizeof(bin));
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		exec_policyd(l, bin, false);
	}
	int st;
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* Once agent-shell is the session's subreaper, a policyd that detached
 * itself would be re-parented to us: below agent-shell like the session's
 * own processes, killed with them when the command exits and not told
 * apart from them when it answers. So a policyd started while reattaching
 * is our own child, in the foreground in a session of its own, logging to
 * its log file, and kept (l->keep) until it exits. */
static void spawn_kept(struct pdlink *l)
{
	char bin[PATH_MAX + 16];
	policyd_bin(l, bin, sizeof(bin));
	proctree_keep_reap(&l->keep);
	if (l->keep.n == PROCTREE_KEEP_MAX)
		return;
	pid_t p = fork();
	if (p < 0)
		return;
	if (p == 0) {
		setsid();
		int nul = open("/dev/null", O_RDWR);
		int log = open(l->rd.logfile,
			       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (nul >= 0)
			dup2(nul, 0);
		if (log >= 0 || nul >= 0) {
			dup2(log >= 0 ? log : nul, 1);
			dup2(log >= 0 ? log : nul, 2);
		}
		exec_policyd(l, bin, true);
	}
	(void)proctree_keep_add(&l->keep, p);
}

int pdlink_start(const struct pdlink *l)
{
	if (pdlink_spawn(l) < 0)
		return -ECHILD;
	for (int i = 0; i < 200; i++) {
		int fd = pdlink_connect(l->rd.agent_sock);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		sleep_ms(25);
	}
	return -ETIMEDOUT;
}

void pdlink_audit_path(const struct pdlink *l, char *out, size_t cap)
{
	out[0] = '\0';
	int fd = pdlink_connect(l->rd.control_sock);
	if (fd < 0)
		return;
	struct pdauth_peer peer;
	if (pdauth_check(&l->auth, fd, &peer) == 0 &&
	    tgp_write_all(fd, "audit-path\n", 11) == 0) {
		ssize_t n = recv(fd, out, cap - 1, 0);
		if (n > 0) {
			out[n] = '\0';
			out[strcspn(out, "\n")] = '\0';
			if (!strncmp(out, "error", 5))
				out[0] = '\0';
		}
	}
	close(fd);
}

/* The list of SESSION_OK a string tag goes to, or NULL. */
static const char **session_list(struct pdlink_session *s, uint16_t tag,
				 size_t **ret_n)
{
	switch (tag) {
	case TGPT_LL_WRITE:
		*ret_n = &s->nllw;
		return s->llw;
	case TGPT_LL_EXEC:
		*ret_n = &s->nllx;
		return s->llx;
	case TGPT_MASK_PATH:
		*ret_n = &s->nmpath;
		return s->mpath;
	case TGPT_MASK_TREE:
		*ret_n = &s->nmtree;
		return s->mtree;
	case TGPT_MASK_GLOB:
		*ret_n = &s->nmglob;
		return s->mglob;
	default:
		return NULL;
	}
}

/* One string field of SESSION_OK: a Landlock tree or a deny-read path goes
 * to llbuf and its list (as long as both have room; a deny-read plan cut
 * short is not used: pdlink_open_session drops TGPF_MASK, agent-shell
 * says so), the rest to their own members. */
static void session_field(struct pdlink_session *s, const struct tgp_field *f,
			  size_t *llo)
{
	size_t *n = NULL;
	const char **list = session_list(s, f->tag, &n);
	if (list) {
		if (*llo + f->len + 1 > sizeof(s->llbuf) ||
		    *n >= TGP_MAX_GLOBS) {
			s->mask_cut |= list == s->mpath || list == s->mtree ||
				       list == s->mglob;
			return;
		}
		char *p = s->llbuf + *llo;
		memcpy(p, f->v, f->len);
		p[f->len] = '\0';
		*llo += f->len + 1;
		list[(*n)++] = p;
		return;
	}
	if (f->tag == TGPT_SESSION)
		(void)tgp_str(f, s->id, sizeof(s->id));
	else if (f->tag == TGPT_NAME)
		(void)tgp_str(f, s->name, sizeof(s->name));
	else if (f->tag == TGPT_POLICY)
		(void)tgp_str(f, s->policy, sizeof(s->policy));
	else if (f->tag == TGPT_FAIL)
		s->fail_open = tgp_u32(f) != 0;
	else if (f->tag == TGPT_FLAGS) {
		s->flags = tgp_u32(f);
		s->joined = s->flags & 1;
	} else if (f->tag == TGPT_MESSAGE)
		(void)tgp_str(f, s->err, sizeof(s->err));
}

/* SESSION_NEW for l->want into buf: its length, or -E2BIG. */
static long session_request(const struct pdlink *l, uint8_t *buf, size_t cap)
{
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, cap, TGP_SESSION_NEW, 7);
	if (l->want.name)
		tgp_put_str(&e, TGPT_NAME, l->want.name);
	if (l->want.policy[0])
		tgp_put_str(&e, TGPT_POLICY, l->want.policy);
	if (l->want.tmpdir)
		tgp_put_str(&e, TGPT_TMPDIR, l->want.tmpdir);
	tgp_put_u32(&e, TGPT_FLAGS, l->want.flags);
	return tgp_enc_end(&e);
}

int pdlink_open_session(const struct pdlink *l, int fd, uint8_t *rbuf,
			struct pdlink_session *s)
{
	uint8_t buf[16384];
	long n = session_request(l, buf, sizeof(buf));
	long rn =
	    n > 0 ? tgp_roundtrip(fd, buf, (size_t)n, rbuf, TGP_MAX_MSG) : -1;
	if (rn < 0)
		return -ECONNRESET;
	struct tgp_dec d;
	int dr = tgp_dec_begin(&d, rbuf, (size_t)rn);
	if (dr < 0)
		return dr;
	s->ok = false;
	s->id[0] = s->name[0] = s->policy[0] = s->err[0] = '\0';
	s->fail_open = s->joined = false;
	s->flags = 0;
	s->nllw = s->nllx = s->nmpath = s->nmtree = s->nmglob = 0;
	s->mask_cut = false;
	size_t llo = 0;
	struct tgp_field f;
	while (tgp_dec_next(&d, &f) == 1)
		session_field(s, &f, &llo);
	if (s->mask_cut)
		s->flags &= ~TGPF_MASK;
	s->ok = d.h.type == TGP_SESSION_OK;
	return 0;
}

int pdlink_authenticate(struct pdlink *l, int fd, const char *prefix,
			const char *suffix)
{
	static pid_t said_pid;
	static char said_why[sizeof(((struct pdauth_peer *)0)->why)];
	struct pdauth_peer peer;
	int r = pdauth_check(&l->auth, fd, &peer);
	if (r == 0)
		return 0;
	/* it died while we looked: no policyd, nothing to say */
	if (r == -ESRCH)
		return r;
	if (peer.pid != said_pid || strcmp(peer.why, said_why)) {
		fprintf(stderr, "%srefused the process listening on %s: %s%s\n",
			prefix, l->rd.agent_sock, peer.why, suffix);
		said_pid = peer.pid;
		snprintf(said_why, sizeof(said_why), "%s", peer.why);
	}
	return -EPERM;
}

bool pdlink_other_version(int fd, char *mism, size_t cap)
{
	/* an empty HELLO: it tells nothing, and a policyd of another version
	 * answers any message with its own version's header */
	uint8_t buf[64];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO, 1);
	long n = tgp_enc_end(&e);
	if (n < 0 || tgp_write_all(fd, buf, (size_t)n) < 0)
		return false;
	size_t got = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (got < sizeof(struct tgp_hdr) && poll(&p, 1, 2000) == 1) {
		ssize_t r = recv(fd, buf + got, sizeof(struct tgp_hdr) - got,
				 MSG_DONTWAIT);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < sizeof(struct tgp_hdr) || tgp_peek_len(buf) != -EPROTO)
		return false;
	tgp_version_mismatch(mism, cap, buf, "agent-shell");
	return true;
}

int pdlink_send_listener(const struct pdlink *l, int fd)
{
	uint8_t buf[TGP_MAX_PATH + 256];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_LISTENER, 11);
	/* TGPF_SCRATCH: the last descriptor is the scratch directory, PATH
	 * the name agent-shell made it under (policyd checks that it is
	 * still there before it keeps it there) */
	if (l->scratch >= 0 && l->scratch_path) {
		tgp_put_u32(&e, TGPT_FLAGS, TGPF_SCRATCH);
		tgp_put_str(&e, TGPT_PATH, l->scratch_path);
	}
	long n = tgp_enc_end(&e);
	if (n < 0)
		return -ENOBUFS;
	int fds[3] = {l->listener}, nfd = 1;
	if (l->inflight >= 0)
		fds[nfd++] = l->inflight;
	if (l->scratch >= 0 && l->scratch_path)
		fds[nfd++] = l->scratch;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(3 * sizeof(int))];
	} cm;
	memset(&cm, 0, sizeof(cm));
	struct iovec iov = {.iov_base = buf, .iov_len = (size_t)n};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.b,
			    .msg_controllen = CMSG_SPACE(nfd * sizeof(int))};
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(nfd * sizeof(int));
	memcpy(CMSG_DATA(h), fds, nfd * sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != n)
		return -ECONNRESET;
	static uint8_t rb[8192];
	long got = tgp_read_msg(fd, rb, sizeof(rb));
	if (got < 0)
		return -ECONNRESET;
	struct tgp_dec d;
	if (tgp_dec_begin(&d, rb, (size_t)got) < 0)
		return -EBADMSG;
	if (d.h.type != TGP_LISTENER_OK) {
		struct tgp_field f;
		char err[512] = "?";
		while (tgp_dec_next(&d, &f) == 1)
			if (f.tag == TGPT_MESSAGE)
				(void)tgp_str(&f, err, sizeof(err));
		fprintf(stderr,
			"agent-shell: policyd refused the listener: %s\n", err);
		return -EPERM;
	}
	return 0;
}

/* Opens the session again on a new connection and hands the listener
 * over: 0 when the session goes on with this policyd. */
static int reopen(struct pdlink *l, int fd)
{
	static uint8_t rb[TGP_MAX_MSG];
	static struct pdlink_session s;
	static char said[sizeof(s.err)];
	if (pdlink_open_session(l, fd, rb, &s) < 0)
		return -1;
	if (!s.ok) {
		/* e.g. the policy is not the content the session started
		 * with: said once, the session stays waiting (fail closed) */
		if (strcmp(said, s.err))
			fprintf(
			    stderr,
			    "tiergate: policyd refused to serve the session "
			    "again: %s; mediated calls keep waiting\n",
			    s.err);
		snprintf(said, sizeof(said), "%s", s.err);
		sleep_ms(
		    1900); /* asked again every 2 s, not flooding its log */
		return -1;
	}
	return l->listener < 0 || pdlink_send_listener(l, fd) == 0 ? 0 : -1;
}

/* The session's notified calls wait in the kernel meanwhile (our copy of
 * the listener keeps them queued). */
void pdlink_reattach(struct pdlink *l)
{
	/* how long to wait for someone else (systemd, an operator) to restart
	 * policyd before starting one ourselves (user mode only) */
	const char *ms = getenv("TIERGATE_RESTART_AFTER_MS");
	long after = ms ? atol(ms) / 100 : 20;
	fprintf(stderr, "tiergate: policyd stopped; mediated calls wait until "
			"it is back\n");
	for (int i = 0;; i++) {
		siginfo_t si = {0};
		if (l->cmd_pidfd >= 0 &&
		    waitid(P_PIDFD, (id_t)l->cmd_pidfd, &si,
			   WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid) {
			fprintf(stderr, "tiergate: the session's command "
					"ended while policyd was away; the "
					"session ends\n");
			return; /* l->fd stays -1 */
		}
		int fd = pdlink_connect(l->rd.agent_sock);
		/* whoever answers gets nothing before it proves to be
		 * policyd; one that is not counts as no answer */
		if (fd >= 0 &&
		    pdlink_authenticate(l, fd, "tiergate: ",
					"; mediated calls keep waiting for "
					"policyd") < 0) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0) {
			if (reopen(l, fd) == 0) {
				fprintf(stderr, "tiergate: policyd is back; "
						"the session goes on\n");
				l->fd = fd;
				return;
			}
			close(fd);
		} else if (l->user && i >= after && (i - after) % 20 == 0) {
			/* nobody restarted it within 2 s: start our own, and
			 * again every 2 s while none answers (one that died
			 * while starting must not leave the session waiting
			 * for ever) */
			spawn_kept(l);
		}
		sleep_ms(100);
	}
}
