/* SPDX-License-Identifier: MIT */
#include "notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "pending.h"
#include "redact.h"

#define QUEUE_MAX 64
#define ATTEMPTS 5
#define DROPS_MAX 64

struct msg {
	char *body;
	uint32_t id;
	char event[16];
};

static struct {
	bool on, slack;
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

void notify_json_str(struct strbuf *b, const char *s)
{
	strbuf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			strbuf_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			strbuf_printf(b, "\\u%04x", ch);
		else
			strbuf_putc(b, (char)ch);
	}
	strbuf_putc(b, '"');
}

/* ------------------------------------------------------ the sender */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One attempt: true when the webhook answered 2xx. */
static bool post(CURL *h, const char *body)
{
	struct curl_slist *hdr =
	    curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, N.url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
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
		for (unsigned k = 0; h && k < ATTEMPTS && !sent; k++) {
			if (k)
				backoff(k, &seed);
			sent = post(h, m.body);
		}
		free(m.body);
		if (sent)
			continue;
		m.body = NULL;
		pthread_mutex_lock(&N.lock);
		if (N.ndrops < DROPS_MAX)
			N.drops[N.ndrops++] = m;
		else
			N.lost_drops++;
		pthread_mutex_unlock(&N.lock);
	}
	return NULL;
}

int notify_start(const char *url, bool slack)
{
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return -EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	if (!(N.url = strdup(url)))
		return -ENOMEM;
	N.slack = slack;
	if (gethostname(N.host, sizeof(N.host) - 1) < 0)
		snprintf(N.host, sizeof(N.host), "?");
	N.seen = pending_event_last();
	pthread_t t;
	int r = pthread_create(&t, NULL, sender, NULL);
	if (r)
		return -r;
	pthread_detach(t);
	N.on = true;
	return 0;
}

/* ------------------------------------------------------ the loop's side */

static void payload(struct strbuf *b, const struct pending_info *i)
{
	char what[2 * PENDING_SHOWN_MAX], msg[1200];
	redact(i->shown, what, sizeof(what));
	const char *ev = pending_state_name(i->state);
	if (N.slack) {
		int l = snprintf(msg, sizeof(msg),
				 "tiergate on %s: prompt #%u %s: %.600s (rule "
				 "%s, session %s, pid %d)",
				 N.host, i->id, ev, what, i->rule,
				 i->session_name, (int)i->pid);
		if (i->state == PENDING_WAITING && l > 0 &&
		    (size_t)l < sizeof(msg))
			snprintf(msg + l, sizeof(msg) - (size_t)l,
				 "; approve with: policyctl approve %u", i->id);
		strbuf_puts(b, "{\"text\":");
		notify_json_str(b, msg);
		strbuf_puts(b, "}");
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
	snprintf(msg, sizeof(msg), "policyctl approve %u", i->id);
	strbuf_puts(b, ",\"approve\":");
	notify_json_str(b, msg);
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

static void queue(const struct pending_info *i)
{
	struct strbuf b = {0};
	payload(&b, i);
	struct msg m = {.id = i->id};
	snprintf(m.event, sizeof(m.event), "%s", pending_state_name(i->state));
	if (!(m.body = strbuf_steal(&b))) {
		audit_drop(&m, "out of memory");
		return;
	}
	pthread_mutex_lock(&N.lock);
	bool full = N.n == QUEUE_MAX;
	if (!full) {
		N.q[(N.head + N.n) % QUEUE_MAX] = m;
		N.n++;
		pthread_cond_signal(&N.cond);
	}
	pthread_mutex_unlock(&N.lock);
	if (full) {
		audit_drop(&m, "the queue is full");
		free(m.body);
	}
}

void notify_flush(void)
{
	if (!N.on)
		return;
	uint64_t last = pending_event_last();
	for (uint64_t s = N.seen + 1; s <= last; s++) {
		const struct pending_info *i = pending_event(s);
		if (i)
			queue(i);
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
		audit_drop(&drops[k], "no 2xx answer after 5 attempts");
	if (lost)
		daemon_log("%llu more notifications dropped",
			   (unsigned long long)lost);
}
