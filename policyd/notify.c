/* SPDX-License-Identifier: MIT */
#include "notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "notify_text.h"
#include "pending.h"
#include "redact.h"
#include "session.h"

#define QUEUE_MAX 64
#define ATTEMPTS 5
#define DROPS_MAX 64

/* One notification and where it goes: a webhook (url) or a command
 * (argv, run as uid/gid when set). Owns its strings. */
struct msg {
	char *body;
	uint32_t id;
	char event[16];
	char *url;
	char **cmd;
	uint64_t timeout_ms;
	bool as_user, command;
	uid_t uid;
	gid_t gid;
};

static void msg_free(struct msg *m)
{
	free(m->body);
	free(m->url);
	tg_strv_free(m->cmd);
	m->body = m->url = NULL;
	m->cmd = NULL;
}

static struct {
	bool on, started, slack;
	char *url;
	char host[256];
	uint64_t seen; /* the last prompt event queued */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct msg q[QUEUE_MAX];
	size_t head, n;
	/* given up (the sender's), audited by the loop */
	struct msg drops[DROPS_MAX];
	size_t ndrops;
	uint64_t lost_drops;
} N = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* ------------------------------------------------------ the sender */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One attempt: true when the webhook answered 2xx. */
static bool post(CURL *h, const struct msg *m)
{
	const char *body = m->body;
	struct curl_slist *hdr =
	    curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, m->url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)m->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	/* the webhook only: no redirects elsewhere, no other protocol */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	long code = 0;
	CURLcode r = curl_easy_perform(h);
	if (r == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	return r == CURLE_OK && code >= 200 && code < 300;
}

/* Before attempt k (1...): 0.5 s * 2^(k-1), at most 30 s, plus up to half
 * again at random (many policyds retrying in step would not spread). */
static void backoff(unsigned k, unsigned *seed)
{
	uint64_t ms = 500ull << (k - 1);
	if (ms > 30000)
		ms = 30000;
	ms += (uint64_t)rand_r(seed) % (ms / 2 + 1);
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * The command notifier: m->cmd run with the notification on its stdin,
 * true when it exits 0 within m->timeout_ms (then killed, with its
 * process group). Who runs it: policyd's own user, or in system mode the
 * account settings.notify.user names (groups, gid, uid switched in the
 * child before exec) -- never the session's user and never inside a
 * session: it is policyd's child, in policyd's cgroup, without the
 * interposer, with a fixed environment (PATH, LANG=C.UTF-8) and no other
 * descriptor than its stdin and /dev/null. Everything the child needs is
 * prepared before fork (this thread shares policyd's memory).
 */
static bool run_command(const struct msg *m)
{
	static char *const envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin",
				     "LANG=C.UTF-8", NULL};
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return false;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0) {
		/* async-signal-safe calls only until exec */
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		/* policyd ignores SIGPIPE; an ignored signal stays ignored
		 * across exec */
		struct sigaction dfl = {.sa_handler = SIG_DFL};
		sigaction(SIGPIPE, &dfl, NULL);
		setpgid(0, 0);
		if (dup2(p[0], 0) < 0 || devnull < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0)
			_exit(126);
		if (m->as_user && (setgroups(0, NULL) < 0 ||
				   setgid(m->gid) < 0 || setuid(m->uid) < 0))
			_exit(126);
		execve(m->cmd[0], m->cmd, envp);
		_exit(127);
	}
	close(p[0]);
	if (devnull >= 0)
		close(devnull);
	if (pid < 0) {
		close(p[1]);
		return false;
	}
	/* the body is small (a few KiB: below a pipe's buffer); a command
	 * that does not read it must not block this thread */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	size_t len = strlen(m->body);
	ssize_t w = write(p[1], m->body, len);
	(void)w;
	close(p[1]);
	uint64_t deadline = tg_mono_ns() + m->timeout_ms * 1000000;
	int status = 0;
	pid_t r;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	       tg_mono_ns() < deadline) {
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	if (r == 0) { /* too slow: killed, with what it started */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return false;
	}
	return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void *sender(void *arg)
{
	(void)arg;
	CURL *h = curl_easy_init();
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	for (;;) {
		pthread_mutex_lock(&N.lock);
		while (!N.n)
			pthread_cond_wait(&N.cond, &N.lock);
		struct msg m = N.q[N.head];
		N.head = (N.head + 1) % QUEUE_MAX;
		N.n--;
		pthread_mutex_unlock(&N.lock);
		bool sent = false;
		m.command = m.cmd != NULL;
		if (m.cmd)
			sent = run_command(&m);
		for (unsigned k = 0; h && m.url && k < ATTEMPTS && !sent; k++) {
			if (k)
				backoff(k, &seed);
			sent = post(h, &m);
		}
		msg_free(&m);
		if (sent)
			continue;
		pthread_mutex_lock(&N.lock);
		if (N.ndrops < DROPS_MAX)
			N.drops[N.ndrops++] = m;
		else
			N.lost_drops++;
		pthread_mutex_unlock(&N.lock);
	}
	return NULL;
}

/* The sender thread, once (the loop's thread: curl_global_init is not
 * thread-safe). */
static int start_sender(void)
{
	if (N.started)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	if (gethostname(N.host, sizeof(N.host) - 1) < 0)
		snprintf(N.host, sizeof(N.host), "?");
	pthread_t t;
	int r = pthread_create(&t, NULL, sender, NULL);
	if (r)
		return -r;
	pthread_detach(t);
	N.started = true;
	return 0;
}

int notify_start(const char *url, bool slack)
{
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return -EINVAL;
	if (!(N.url = strdup(url)))
		return -ENOMEM;
	N.slack = slack;
	N.seen = pending_event_last();
	int r = start_sender();
	if (r < 0)
		return r;
	N.on = true;
	return 0;
}

/* ------------------------------------------------------ the loop's side */

static void payload(struct strbuf *b, const struct pending_info *i,
		    bool slack)
{
	char what[2 * PENDING_SHOWN_MAX];
	redact(i->shown, what, sizeof(what));
	const char *ev = pending_state_name(i->state);
	if (slack) {
		/* the agent's text escaped for Slack (no mention or link of
		 * its own) and its cut said ("..."), then the whole as JSON */
		struct strbuf t = {0};
		strbuf_puts(&t, "tiergate on ");
		notify_slack_text(&t, N.host, 128);
		strbuf_printf(&t, ": prompt #%u %s: ", i->id, ev);
		notify_slack_text(&t, what, 600);
		strbuf_puts(&t, " (rule ");
		notify_slack_text(&t, i->rule, 128);
		strbuf_puts(&t, ", session ");
		notify_slack_text(&t, i->session_name, 128);
		strbuf_printf(&t, ", pid %d)", (int)i->pid);
		if (i->state == PENDING_WAITING)
			strbuf_printf(
			    &t, "; approve with: policyctl approve %u", i->id);
		strbuf_puts(b, "{\"text\":");
		notify_json_str(b, t.s ? t.s : "");
		strbuf_puts(b, "}");
		strbuf_free(&t);
		return;
	}
	strbuf_printf(b, "{\"id\":%u,\"event\":", i->id);
	notify_json_str(b, ev);
	strbuf_puts(b, ",\"host\":");
	notify_json_str(b, N.host);
	strbuf_puts(b, ",\"session\":");
	notify_json_str(b, i->session);
	strbuf_puts(b, ",\"session_name\":");
	notify_json_str(b, i->session_name);
	strbuf_printf(b, ",\"uid\":%u,\"pid\":%d,\"kind\":", (unsigned)i->uid,
		      (int)i->pid);
	notify_json_str(b, i->kind);
	strbuf_puts(b, ",\"what\":");
	notify_json_str(b, what);
	strbuf_puts(b, ",\"rule\":");
	notify_json_str(b, i->rule);
	strbuf_puts(b, ",\"message\":");
	notify_json_str(b, i->message);
	char approve[48];
	snprintf(approve, sizeof(approve), "policyctl approve %u", i->id);
	strbuf_puts(b, ",\"approve\":");
	notify_json_str(b, approve);
	strbuf_printf(b, ",\"expires_us\":%llu",
		      (unsigned long long)i->deadline_us);
	if (i->state == PENDING_APPROVED || i->state == PENDING_DENIED) {
		strbuf_puts(b, ",\"by\":");
		notify_json_str(b, i->by_name);
		strbuf_puts(b, ",\"scope\":");
		notify_json_str(b, pending_scope_name(i->scope));
	}
	strbuf_puts(b, "}");
}

static void audit_drop(const struct msg *m, const char *why)
{
	daemon_log("notification of prompt #%u (%s) dropped: %s", m->id,
		   m->event, why);
	if (!D.audit)
		return;
	char t[64], d[160];
	snprintf(t, sizeof(t), "prompt #%u %s", m->id, m->event);
	snprintf(d, sizeof(d), "notification dropped: %s", why);
	struct audit_rec r = {.kind = "notify",
			      .target = t,
			      .tier = -1,
			      .decision = "dropped",
			      .detail = d};
	audit_write(D.audit, &r);
}

static void enqueue(struct msg *m)
{
	pthread_mutex_lock(&N.lock);
	bool full = N.n == QUEUE_MAX;
	if (!full) {
		N.q[(N.head + N.n) % QUEUE_MAX] = *m;
		N.n++;
		pthread_cond_signal(&N.cond);
	}
	pthread_mutex_unlock(&N.lock);
	if (full) {
		audit_drop(m, "the queue is full");
		msg_free(m);
	}
}

/* Event i for a webhook (url, slack payload or not) or a command. */
static void queue(const struct pending_info *i, const char *url, bool slack,
		  const struct policy_notify *cmd)
{
	struct strbuf b = {0};
	payload(&b, i, slack);
	struct msg m = {.id = i->id, .timeout_ms = 5000};
	snprintf(m.event, sizeof(m.event), "%s", pending_state_name(i->state));
	if (cmd) {
		m.timeout_ms = cmd->timeout_ms;
		size_t n = 0;
		while (cmd->command[n])
			n++;
		m.cmd = tg_strv_dup((const char *const *)cmd->command, n);
		if (cmd->user && D.system_mode) {
			/* looked up here, not in the child after fork */
			struct passwd *pw = getpwnam(cmd->user);
			if (!pw) {
				strbuf_free(&b);
				msg_free(&m);
				audit_drop(&m, "settings.notify.user: no such "
					       "account");
				return;
			}
			m.as_user = true;
			m.uid = pw->pw_uid;
			m.gid = pw->pw_gid;
		}
	} else {
		m.url = strdup(url);
	}
	m.body = strbuf_steal(&b);
	if (!m.body || (cmd ? !m.cmd : !m.url)) {
		msg_free(&m);
		audit_drop(&m, "out of memory");
		return;
	}
	enqueue(&m);
}

/* Event i to where it goes: policyd's --notify-webhook, and the
 * settings.notify of its session's policy (while the session is open). */
static void route(const struct pending_info *i)
{
	if (N.on)
		queue(i, N.url, N.slack, NULL);
	struct session *s = session_find(i->session);
	const struct policy_notify *pn =
	    s && s->policy ? policy_settings(s->policy)->notify : NULL;
	if (!pn || start_sender() < 0)
		return;
	if (pn->webhook && !(N.on && !strcmp(pn->webhook, N.url)))
		queue(i, pn->webhook, pn->slack, NULL);
	if (pn->command)
		queue(i, NULL, false, pn);
}

void notify_flush(void)
{
	uint64_t last = pending_event_last();
	for (uint64_t s = N.seen + 1; s <= last; s++) {
		const struct pending_info *i = pending_event(s);
		if (i)
			route(i);
	}
	N.seen = last;
	struct msg drops[DROPS_MAX];
	size_t nd;
	uint64_t lost;
	pthread_mutex_lock(&N.lock);
	nd = N.ndrops;
	memcpy(drops, N.drops, nd * sizeof(drops[0]));
	N.ndrops = 0;
	lost = N.lost_drops;
	N.lost_drops = 0;
	pthread_mutex_unlock(&N.lock);
	for (size_t k = 0; k < nd; k++)
		audit_drop(&drops[k], drops[k].command
					  ? "the command did not exit 0 within "
					    "settings.notify.timeout"
					  : "no 2xx answer after 5 attempts");
	if (lost)
		daemon_log("%llu more notifications dropped",
			   (unsigned long long)lost);
}
