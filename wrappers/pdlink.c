/* SPDX-License-Identifier: MIT */
#include "pdlink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* policyd runs outside any session: the session variables agent-shell may
 * have set are not passed on. */
int pdlink_spawn(const struct pdlink *l)
{
	char bin[PATH_MAX + 16];
	snprintf(bin, sizeof(bin), "%s/policyd", l->self_dir);
	if (access(bin, X_OK) < 0)
		snprintf(bin, sizeof(bin), "policyd");
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		char *argv[] = {bin, "--policy", (char *)l->want.policy,
				l->user ? "--user" : "--system", NULL};
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		unsetenv("LD_PRELOAD");
		unsetenv("TIERGATE_SOCKET");
		unsetenv("TIERGATE_SESSION");
		execvp(bin, argv);
		fprintf(stderr, "agent-shell: cannot run %s: %s\n", bin,
			strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

int pdlink_start(const struct pdlink *l)
{
	if (pdlink_spawn(l) < 0)
		return -ECHILD;
	for (int i = 0; i < 200; i++) {
		int fd = tgp_connect(l->rd.agent_sock);
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
	int fd = tgp_connect(l->rd.control_sock);
	if (fd < 0)
		return;
	if (tgp_write_all(fd, "audit-path\n", 11) == 0) {
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

/* One string field of SESSION_OK: a Landlock tree goes to llbuf and its
 * list (as long as both have room), the rest to their own members. */
static void session_field(struct pdlink_session *s, const struct tgp_field *f,
			  size_t *llo)
{
	if ((f->tag == TGPT_LL_WRITE || f->tag == TGPT_LL_EXEC) &&
	    *llo + f->len + 1 <= sizeof(s->llbuf)) {
		char *p = s->llbuf + *llo;
		memcpy(p, f->v, f->len);
		p[f->len] = '\0';
		*llo += f->len + 1;
		if (f->tag == TGPT_LL_WRITE && s->nllw < TGP_MAX_GLOBS)
			s->llw[s->nllw++] = p;
		else if (f->tag == TGPT_LL_EXEC && s->nllx < TGP_MAX_GLOBS)
			s->llx[s->nllx++] = p;
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

int pdlink_open_session(const struct pdlink *l, int fd, uint8_t *rbuf,
			struct pdlink_session *s)
{
	uint8_t buf[16384];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_SESSION_NEW, 7);
	if (l->want.name)
		tgp_put_str(&e, TGPT_NAME, l->want.name);
	if (l->want.policy[0])
		tgp_put_str(&e, TGPT_POLICY, l->want.policy);
	if (l->want.tmpdir)
		tgp_put_str(&e, TGPT_TMPDIR, l->want.tmpdir);
	tgp_put_u32(&e, TGPT_FLAGS, l->want.flags);
	long n = tgp_enc_end(&e);
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
	s->nllw = s->nllx = 0;
	size_t llo = 0;
	struct tgp_field f;
	while (tgp_dec_next(&d, &f) == 1)
		session_field(s, &f, &llo);
	s->ok = d.h.type == TGP_SESSION_OK;
	return 0;
}

int pdlink_send_listener(const struct pdlink *l, int fd)
{
	uint8_t buf[64];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_LISTENER, 11);
	long n = tgp_enc_end(&e);
	if (n < 0)
		return -1;
	int fds[2] = {l->listener, l->inflight};
	int nfd = l->inflight >= 0 ? 2 : 1;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
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
		return -1;
	static uint8_t rb[8192];
	long got = tgp_read_msg(fd, rb, sizeof(rb));
	if (got < 0)
		return -1;
	struct tgp_dec d;
	if (tgp_dec_begin(&d, rb, (size_t)got) < 0)
		return -1;
	if (d.h.type != TGP_LISTENER_OK) {
		struct tgp_field f;
		char err[512] = "?";
		while (tgp_dec_next(&d, &f) == 1)
			if (f.tag == TGPT_MESSAGE)
				(void)tgp_str(&f, err, sizeof(err));
		fprintf(stderr,
			"agent-shell: policyd refused the listener: %s\n", err);
		return -1;
	}
	return 0;
}

/* Opens the session again on a new connection and hands the listener
 * over: 0 when the session goes on with this policyd. */
static int reopen(const struct pdlink *l, int fd)
{
	static uint8_t rb[TGP_MAX_MSG];
	static struct pdlink_session s;
	if (pdlink_open_session(l, fd, rb, &s) < 0 || !s.ok)
		return -1;
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
		int fd = tgp_connect(l->rd.agent_sock);
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
			(void)pdlink_spawn(l);
		}
		sleep_ms(100);
	}
}
