/* SPDX-License-Identifier: MIT */
/*
 * control: the operators' socket. One request line per connection, a text
 * (or JSON) answer, then the connection closes (`watch` stays open). Peers
 * must be root or policyd's own uid, and must not belong to any session,
 * whatever their uid: an agent cannot reload, kill, read its own
 * session's controls or approve its own prompts. Membership is the
 * kernel's view of the peer (SO_PEERCRED pid: cgroup, or the session's
 * process tree), never anything the peer says.
 */
#include "control.h"

#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "egress_glue.h"
#include "jsonw.h"
#include "layers.h"
#include "log.h"
#include "notify.h"
#include "overlay.h"
#include "pending.h"
#include "pending_grants.h"
#include "procfs.h"
#include "records.h"
#include "rtcount.h"
#include "session.h"
#include "tg_proto.h"
#include "util.h"

static void out(struct conn *c, struct strbuf *b)
{
	if (b->s)
		conn_send(c, (const uint8_t *)b->s, b->len);
	strbuf_free(b);
	c->closing = true;
}

/* A string of the JSON answers: valid UTF-8 JSON whatever bytes a path
 * holds, and no control character a terminal acts on, C1's included
 * (jsonw.h). why: these answers reach terminals (`policyctl pending
 * --json`, `watch` into a pipe or a file shown later), and a terminal
 * that honours C1 controls takes U+009B as CSI and U+009D as OSC: an
 * agent's command line or path could rewrite the screen or set the
 * clipboard (tests/bypass/promptc1.sh). Decoded, the string is the same. */
static void json_str(struct strbuf *b, const char *s)
{
	jsonw_str(b, s ? s : "", SIZE_MAX, NULL);
}

/* status: one line per session the eBPF egress layer holds, with its
 * counters (read from the layer's maps). */
static void egress_lines(struct strbuf *b)
{
	bool head = false;
	for (struct session *s = D.sessions; s; s = s->next) {
		char line[600];
		if (!egress_glue_counters_line(s, line, sizeof(line)))
			continue;
		if (!head)
			strbuf_puts(b, "eBPF egress per session (bytes on "
				       "loopback not counted):\n");
		head = true;
		strbuf_printf(b, "  %s %s: %s\n", s->id, s->name, line);
	}
}

static void cmd_status(struct strbuf *b, bool json)
{
	uint64_t up = (tg_now_us() - D.started_us) / 1000000;
	struct layer_report lr;
	layers_detect(&lr);
	if (json) {
		strbuf_printf(b,
			      "{\"pid\":%d,\"mode\":\"%s\",\"uptime_s\":%llu,"
			      "\"protocol\":%d,\"sessions\":%u,"
			      "\"requests\":%llu,\"bad_messages\":%llu,"
			      "\"notifications\":%llu,\"lookups\":%llu,"
			      "\"audit\":",
			      (int)getpid(), D.system_mode ? "system" : "user",
			      (unsigned long long)up, TGP_VERSION, D.nsessions,
			      (unsigned long long)D.n_requests,
			      (unsigned long long)D.n_bad_messages,
			      (unsigned long long)D.n_notifications,
			      (unsigned long long)D.n_lookups);
		json_str(b, D.audit ? audit_path(D.audit) : "");
		rtcount_format(b, true);
		strbuf_puts(b, ",\"default_policy\":");
		json_str(b, D.default_policy);
		strbuf_puts(b, ",\"layers\":[");
		for (int i = 0; i < lr.n; i++) {
			strbuf_printf(b, "%s{\"name\":", i ? "," : "");
			json_str(b, lr.v[i].name);
			strbuf_printf(b, ",\"active\":%s,\"why\":",
				      lr.v[i].active ? "true" : "false");
			json_str(b, lr.v[i].why);
			strbuf_putc(b, '}');
		}
		strbuf_puts(b, "],\"egress_sessions\":[");
		bool first = true;
		for (struct session *s = D.sessions; s; s = s->next) {
			strbuf_printf(b, "%s{\"id\":", first ? "" : ",");
			json_str(b, s->id);
			strbuf_puts(b, ",\"name\":");
			json_str(b, s->name);
			egress_glue_counters_json(b, s);
			strbuf_putc(b, '}');
			first = false;
		}
		strbuf_puts(b, "]}\n");
		return;
	}
	strbuf_printf(b,
		      "policyd: running, pid %d, %s mode, up %llus, "
		      "protocol version %d\n",
		      (int)getpid(), D.system_mode ? "system" : "user",
		      (unsigned long long)up, TGP_VERSION);
	strbuf_printf(b, "default policy: %s\n", D.default_policy);
	strbuf_printf(b, "agent socket:   %s\ncontrol socket: %s\n",
		      D.rd.agent_sock, D.rd.control_sock);
	strbuf_printf(b, "audit log:      %s\n",
		      D.audit ? audit_path(D.audit) : "(none)");
	strbuf_printf(b, "sessions:       %u open\n", D.nsessions);
	strbuf_printf(b, "requests:       %llu (%llu malformed)\n",
		      (unsigned long long)D.n_requests,
		      (unsigned long long)D.n_bad_messages);
	strbuf_printf(b, "notifications:  %llu\nname lookups:   %llu\n",
		      (unsigned long long)D.n_notifications,
		      (unsigned long long)D.n_lookups);
	rtcount_format(b, false);
	strbuf_puts(b, "enforcement layers:\n");
	for (int i = 0; i < lr.n; i++)
		strbuf_printf(b, "  %-28s %-8s %s\n", lr.v[i].name,
			      lr.v[i].active ? "active" : "off", lr.v[i].why);
	egress_lines(b);
}

static void cmd_sessions(struct strbuf *b, bool json)
{
	if (json)
		strbuf_putc(b, '[');
	else
		strbuf_printf(b, "%-14s %-16s %-7s %-6s %-8s %-8s %-8s %s\n",
			      "SESSION", "NAME", "PID", "UID", "DECIDED",
			      "ALLOWED", "REFUSED", "POLICY / WORKSPACE");
	bool first = true;
	for (struct session *s = D.sessions; s; s = s->next) {
		if (json) {
			strbuf_printf(b, "%s{\"id\":", first ? "" : ",");
			json_str(b, s->id);
			strbuf_puts(b, ",\"name\":");
			json_str(b, s->name);
			strbuf_printf(b,
				      ",\"pid\":%d,\"uid\":%u,\"decided\":%llu,"
				      "\"allowed\":%llu,"
				      "\"refused\":%llu,\"policy\":",
				      (int)s->root_pid, (unsigned)s->uid,
				      (unsigned long long)s->n_decisions,
				      (unsigned long long)s->n_allowed,
				      (unsigned long long)s->n_refused);
			json_str(b, s->policy_path);
			strbuf_puts(b, ",\"workspace\":");
			json_str(b, s->pwd);
			strbuf_puts(b, ",\"cgroup\":");
			json_str(b, s->cgroup);
			egress_glue_counters_json(b, s);
			strbuf_putc(b, '}');
		} else {
			strbuf_printf(
			    b,
			    "%-14s %-16s %-7d %-6u %-8llu %-8llu %-8llu %s\n",
			    s->id, s->name, (int)s->root_pid, (unsigned)s->uid,
			    (unsigned long long)s->n_decisions,
			    (unsigned long long)s->n_allowed,
			    (unsigned long long)s->n_refused, s->policy_path);
			strbuf_printf(b, "%-14s %-16s %s\n", "", "", s->pwd);
		}
		first = false;
	}
	if (json)
		strbuf_puts(b, "]\n");
}

/* ------------------------------------------------------ prompts */

#define WATCHERS_MAX 16

static struct {
	const struct conn *c;
	uint64_t seen; /* the last event sent */
} watchers[WATCHERS_MAX];

/* ,"key":"val" */
static void json_kv(struct strbuf *b, const char *key, const char *val)
{
	strbuf_printf(b, ",\"%s\":", key);
	json_str(b, val);
}

/* Whole seconds from now until the wall-clock time until_us (0 if past). */
static unsigned long long secs_left(uint64_t until_us)
{
	uint64_t now = tg_now_us();
	return until_us > now ? (until_us - now) / 1000000 : 0;
}

static void info_json(struct strbuf *b, const struct pending_info *i)
{
	strbuf_printf(b, "{\"id\":%u,\"state\":", i->id);
	json_str(b, pending_state_name(i->state));
	json_kv(b, "session", i->session);
	json_kv(b, "session_name", i->session_name);
	strbuf_printf(b, ",\"pid\":%d,\"uid\":%u", (int)i->pid,
		      (unsigned)i->uid);
	json_kv(b, "kind", i->kind);
	json_kv(b, "what", i->shown);
	json_kv(b, "target", i->target);
	json_kv(b, "cwd", i->cwd);
	json_kv(b, "rule", i->rule);
	json_kv(b, "message", i->message);
	strbuf_printf(b,
		      ",\"opened_us\":%llu,\"deadline_us\":%llu,"
		      "\"waiters\":%u",
		      (unsigned long long)i->opened_us,
		      (unsigned long long)i->deadline_us, i->waiters);
	if (i->state == PENDING_APPROVED || i->state == PENDING_DENIED) {
		strbuf_printf(b, ",\"by_uid\":%u", (unsigned)i->by_uid);
		json_kv(b, "by", i->by_name);
		json_kv(b, "scope", pending_scope_name(i->scope));
		if (i->grant)
			strbuf_printf(b, ",\"grant\":%u", i->grant);
		if (i->grant_name[0])
			json_kv(b, "grant_name", i->grant_name);
		if (i->like[0])
			json_kv(b, "like", i->like);
	}
	if (i->reason[0])
		json_kv(b, "reason", i->reason);
	strbuf_puts(b, "}");
}

struct list_ctx {
	struct strbuf *b;
	bool json, first;
};

/* s for an operator's terminal, into out (cap bytes): C0 controls, DEL,
 * C1 controls (U+0080..U+009F) and bytes that are not UTF-8 as '?'. why:
 * the text listings print what the agent chose (a command line, a path,
 * its working directory) on the terminal of the operator deciding about
 * it: an escape sequence there could rewrite the lines around it, set the
 * clipboard (OSC 52) or the title, and a newline could add a forged
 * prompt line (tests/bypass/prompttext.sh). The JSON forms escape them. */
static const char *term_safe(const char *s, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	for (size_t i = 0; i < n && o + 1 < cap;) {
		size_t k = jsonw_utf8_len(u + i, n - i);
		bool c1 = k == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0;
		if (k > 1 && !c1) {
			if (o + k >= cap)
				break;
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
			continue;
		}
		out[o++] = k == 1 && u[i] >= 0x20 && u[i] != 0x7f ? s[i] : '?';
		i += k ? k : 1;
	}
	out[o] = '\0';
	return out;
}

static void list_one(const struct pending_info *i, void *arg)
{
	struct list_ctx *x = arg;
	if (x->json) {
		if (!x->first)
			strbuf_putc(x->b, ',');
		info_json(x->b, i);
	} else {
		uint64_t now = tg_now_us();
		unsigned long long age =
		    now > i->opened_us ? (now - i->opened_us) / 1000000 : 0;
		char left[32] = "never";
		if (i->deadline_us)
			snprintf(left, sizeof(left), "%llus",
				 secs_left(i->deadline_us));
		char name[sizeof(i->session_name)], shown[sizeof(i->shown)];
		char cwd[sizeof(i->cwd)], sid[sizeof(i->session)];
		char message[sizeof(i->message)];
		strbuf_printf(x->b, "%-6u %-6llu %-8s %-24.24s %-7d %-16s %s: %s\n",
			      i->id, age, left,
			      term_safe(i->session_name, name, sizeof(name)),
			      (int)i->pid, i->rule, i->kind,
			      term_safe(i->shown, shown, sizeof(shown)));
		strbuf_printf(x->b, "%-6s session %s, cwd %s%s%s\n", "",
			      term_safe(i->session, sid, sizeof(sid)),
			      term_safe(i->cwd, cwd, sizeof(cwd)),
			      i->message[0] ? "; " : "",
			      term_safe(i->message, message, sizeof(message)));
	}
	x->first = false;
}

static void cmd_pending(struct strbuf *b, bool json)
{
	struct list_ctx x = {b, json, true};
	if (json)
		strbuf_putc(b, '[');
	else if (pending_count())
		strbuf_printf(b, "%-6s %-6s %-8s %-24s %-7s %-16s %s\n", "ID",
			      "AGE", "TIMEOUT", "SESSION", "PID", "RULE",
			      "WHAT");
	else
		strbuf_puts(b, "no prompts waiting\n");
	pending_each(list_one, &x);
	if (json)
		strbuf_puts(b, "]\n");
}

static void grant_one(const struct pending_grant_info *g, void *arg)
{
	struct list_ctx *x = arg;
	if (x->json) {
		strbuf_printf(x->b, "%s{\"id\":\"grant-%u\"",
			      x->first ? "" : ",", g->id);
		json_kv(x->b, "scope", g->until_us ? "for" : "session");
		json_kv(x->b, "session", g->session);
		json_kv(x->b, "kind", g->kind);
		json_kv(x->b, "what", g->shown);
		if (g->like[0])
			json_kv(x->b, "like", g->like);
		json_kv(x->b, "rule", g->rule);
		strbuf_printf(x->b,
			      ",\"by_uid\":%u,\"made_us\":%llu,"
			      "\"until_us\":%llu,\"uses\":%llu}",
			      (unsigned)g->by_uid,
			      (unsigned long long)g->made_us,
			      (unsigned long long)g->until_us,
			      (unsigned long long)g->uses);
	} else {
		char until[48] = "session end";
		if (g->until_us)
			snprintf(until, sizeof(until), "%llus left",
				 secs_left(g->until_us));
		char name[24];
		snprintf(name, sizeof(name), "grant-%u", g->id);
		char sid[sizeof(g->session)], shown[sizeof(g->shown)];
		strbuf_printf(x->b, "%-11s %-14s %-16s %-6llu %-12s %s%s%s: %s\n",
			      name, term_safe(g->session, sid, sizeof(sid)),
			      g->rule, (unsigned long long)g->uses, until,
			      g->kind, g->like[0] ? " like " : "", g->like,
			      term_safe(g->shown, shown, sizeof(shown)));
	}
	x->first = false;
}

static void always_one(const struct policy_grant *g, const char *file,
		       void *arg)
{
	struct list_ctx *x = arg;
	char what[1200];
	policy_grant_describe(g, what, sizeof(what));
	if (x->json) {
		strbuf_printf(x->b, "%s{\"id\":", x->first ? "" : ",");
		json_str(x->b, g->id);
		json_kv(x->b, "scope", "always");
		json_kv(x->b, "file", file);
		strbuf_printf(x->b, ",\"line\":%d", g->line);
		json_kv(x->b, "kind", g->kind);
		json_kv(x->b, "what", what);
		if (g->like)
			json_kv(x->b, "like", g->like);
		json_kv(x->b, "rule", g->rule);
		json_kv(x->b, "by", g->by ? g->by : "");
		strbuf_printf(x->b, ",\"by_uid\":%u", (unsigned)g->uid);
		json_kv(x->b, "made", g->made ? g->made : "");
		strbuf_putc(x->b, '}');
	} else {
		/* what: the command line or path the grant was made for */
		char safe[sizeof(what)];
		strbuf_printf(x->b, "%-11s %-14s %-16s %-6s %-12s %s\n", g->id,
			      "(every)", g->rule, "-", "never",
			      term_safe(what, safe, sizeof(safe)));
		strbuf_printf(x->b, "%-11s %s:%d, by %s on %s\n", "", file,
			      g->line, g->by ? g->by : "?",
			      g->made ? g->made : "?");
	}
	x->first = false;
}

static void cmd_grants(struct strbuf *b, bool json)
{
	struct list_ctx x = {b, json, true};
	if (json)
		strbuf_putc(b, '[');
	else
		strbuf_printf(b, "%-11s %-14s %-16s %-6s %-12s %s\n", "GRANT",
			      "SESSION", "RULE", "USES", "EXPIRES", "WHAT");
	pending_grants_each(grant_one, &x);
	overlay_each(always_one, &x);
	if (json)
		strbuf_puts(b, "]\n");
}

/* approve ID... [--once|--session|--for DURATION|--always] [--preview]
 *   [--json] [--like PATTERN] (PATTERN: the rest of the line)
 * deny ID... [--json] [--reason TEXT] (TEXT: the rest of the line) */
struct answer_req {
	uint32_t ids[64];
	size_t nids;
	struct pending_reply r;
	bool json, scope_given;
};

/* The words of an answer's line into a. 0, or -EINVAL with the error in b. */
static int answer_parse(char *buf, bool approve, struct answer_req *a,
			struct strbuf *b)
{
	const char *tail_opt = approve ? " --like " : " --reason ";
	char *tail = strstr(buf, tail_opt);
	if (tail) {
		*tail = '\0';
		tail += strlen(tail_opt);
		if (approve)
			a->r.like = tail;
		else
			a->r.reason = tail;
	}
	a->r.approve = approve;
	char *save = NULL, *t = strtok_r(buf, " \t", &save); /* the verb */
	while ((t = strtok_r(NULL, " \t", &save))) {
		char *end;
		uint64_t ms;
		if (!strcmp(t, "--json")) {
			a->json = true;
		} else if (approve && !strcmp(t, "--preview")) {
			a->r.preview = true;
		} else if (approve && !strcmp(t, "--once")) {
			a->r.scope = PENDING_ONCE;
			a->scope_given = true;
		} else if (approve && !strcmp(t, "--session")) {
			a->r.scope = PENDING_SESSION;
			a->scope_given = true;
		} else if (approve && !strcmp(t, "--always")) {
			a->r.scope = PENDING_ALWAYS;
			a->scope_given = true;
		} else if (approve && !strcmp(t, "--for")) {
			t = strtok_r(NULL, " \t", &save);
			if (!t || tg_parse_duration_ms(t, &ms) < 0 || !ms ||
			    ms > 7ULL * 86400 * 1000) {
				strbuf_puts(b, "error: --for takes a duration "
					       "(30s, 15m, 2h; at most 7d)\n");
				return -EINVAL;
			}
			a->r.scope = PENDING_FOR;
			a->scope_given = true;
			a->r.until_us = tg_now_us() + ms * 1000;
		} else {
			unsigned long v = strtoul(t, &end, 10);
			if (*t == '#')
				v = strtoul(t + 1, &end, 10);
			if (*end || !v || v > UINT32_MAX ||
			    a->nids == TG_ARRAY_SIZE(a->ids)) {
				strbuf_printf(b, "error: bad prompt id '%.40s'\n",
					      t);
				return -EINVAL;
			}
			a->ids[a->nids++] = (uint32_t)v;
		}
	}
	if (!a->nids) {
		strbuf_printf(b, "error: name a prompt (policyctl pending "
				 "lists them)\n");
		return -EINVAL;
	}
	/* a pattern widens the grant: this call only makes no sense */
	if (a->r.like && !a->scope_given)
		a->r.scope = PENDING_SESSION;
	return 0;
}

static void answer_one(struct conn *c, struct strbuf *b,
		       const struct answer_req *a, uint32_t id)
{
	char msg[1600] = "";
	int r = pending_reply(id, &a->r, msg, sizeof(msg));
	const char *verb = a->r.preview   ? "would be approved"
			   : a->r.approve ? "approved"
					  : "denied";
	char err[1700] = "";
	if (r == -ENOENT)
		snprintf(err, sizeof(err), "no prompt #%u waits", id);
	else if (r == -EALREADY)
		snprintf(err, sizeof(err), "prompt #%u was answered already",
			 id);
	else if (r < 0)
		snprintf(err, sizeof(err), "prompt #%u: %s", id, msg);
	if (a->json) {
		strbuf_printf(b, "{\"id\":%u,\"ok\":%s", id,
			      r < 0 ? "false" : "true");
		if (r < 0) {
			json_kv(b, "error", err);
		} else {
			json_kv(b, "answer", verb);
			if (a->r.approve)
				json_kv(b, "scope",
					pending_scope_name(a->r.scope));
			if (msg[0])
				json_kv(b, "grant", msg);
			if (a->r.reason)
				json_kv(b, "reason", a->r.reason);
		}
		strbuf_puts(b, "}\n");
	} else if (r < 0) {
		char safe[sizeof(err)];
		strbuf_printf(b, "error: %s\n",
			      term_safe(err, safe, sizeof(safe)));
	} else {
		/* the grant's description holds the agent's command line or
		 * path: printed as policyctl pending prints it */
		char safe[sizeof(msg)];
		strbuf_printf(
		    b, "prompt #%u %s%s%s%s%s\n", id, verb,
		    a->r.approve ? ", " : "",
		    a->r.approve ? pending_scope_name(a->r.scope) : "",
		    msg[0] ? ": " : "", term_safe(msg, safe, sizeof(safe)));
	}
	if (r == 0 && !a->r.preview)
		daemon_log("prompt #%u %s by uid %u%s%s", id, verb,
			   (unsigned)c->caller.uid, msg[0] ? ": " : "", msg);
}

static void cmd_answer(struct conn *c, struct strbuf *b, const char *line,
		       bool approve)
{
	char buf[1100];
	snprintf(buf, sizeof(buf), "%s", line);
	struct answer_req a = {.r.by = c->caller.uid};
	if (answer_parse(buf, approve, &a, b) < 0)
		return;
	for (size_t i = 0; i < a.nids; i++)
		answer_one(c, b, &a, a.ids[i]);
}

static void cmd_revoke(struct conn *c, struct strbuf *b, const char *arg)
{
	char err[600];
	if (strstr(arg, "always-")) {
		if (overlay_revoke(arg, c->caller.uid, err, sizeof(err)) < 0)
			strbuf_printf(b, "error: %s\n", err);
		else
			strbuf_printf(b, "%s revoked\n", arg);
		return;
	}
	const char *n = !strncmp(arg, "grant-", 6) ? arg + 6 : arg;
	char *end;
	unsigned long v = strtoul(n, &end, 10);
	if (*end || !v || v > UINT32_MAX ||
	    pending_revoke((uint32_t)v, c->caller.uid) < 0)
		strbuf_printf(b, "error: no grant '%.40s' (policyctl grants "
				 "lists them)\n",
			      arg);
	else
		strbuf_printf(b, "grant-%lu revoked\n", v);
}

/* pending.c waits on prompts while someone watches */
static void watchers_count(void)
{
	unsigned n = 0;
	for (size_t i = 0; i < WATCHERS_MAX; i++)
		n += watchers[i].c != NULL;
	pending_set_watchers(n);
}

static void cmd_watch(struct conn *c, struct strbuf *b)
{
	for (size_t i = 0; i < WATCHERS_MAX; i++)
		if (!watchers[i].c) {
			watchers[i].c = c;
			/* what waits now, then every event from here on */
			watchers[i].seen = pending_event_last();
			struct list_ctx x = {b, true, true};
			strbuf_puts(b, "{\"watch\":\"started\",\"pending\":[");
			pending_each(list_one, &x);
			strbuf_puts(b, "]}\n");
			watchers_count();
			return;
		}
	strbuf_puts(b, "error: too many watchers\n");
}

void control_forget(const struct conn *c)
{
	for (size_t i = 0; i < WATCHERS_MAX; i++)
		if (watchers[i].c == c)
			watchers[i].c = NULL;
	watchers_count();
}

void control_watch_flush(void)
{
	uint64_t last = pending_event_last();
	for (size_t i = 0; i < WATCHERS_MAX; i++) {
		struct conn *c = (struct conn *)watchers[i].c;
		if (!c || watchers[i].seen >= last)
			continue;
		struct strbuf b = {0};
		for (uint64_t s = watchers[i].seen + 1; s <= last; s++) {
			const struct pending_info *e = pending_event(s);
			if (!e) {
				strbuf_puts(&b, "{\"lost\":1}\n");
				continue;
			}
			strbuf_puts(&b, "{\"event\":");
			json_str(&b, pending_state_name(e->state));
			strbuf_puts(&b, ",\"prompt\":");
			info_json(&b, e);
			strbuf_puts(&b, "}\n");
		}
		watchers[i].seen = last;
		if (b.s)
			conn_send(c, (const uint8_t *)b.s, b.len);
		strbuf_free(&b);
	}
}

/* A process of a session asked: refused, logged and audited (an agent
 * trying to approve its own prompt, or to reach the controls). */
static void refuse_session_peer(struct conn *c, struct session *s,
				const char *line)
{
	daemon_log("control request from pid %d inside session %s refused",
		   (int)c->caller.pid, s->id);
	if (!D.audit)
		return;
	char t[128];
	snprintf(t, sizeof(t), "%.120s", line);
	struct audit_rec r = {.session = s->id,
			      .pid = c->caller.pid,
			      .uid = c->caller.uid,
			      .kind = "control",
			      .target = t,
			      .rule = "control-from-session",
			      .tier = 0,
			      .decision = "refused",
			      .detail = "a process of a session may not use "
					"the control socket"};
	audit_write(D.audit, &r);
}

/* --operator-group (system mode) */
static bool have_group;
static gid_t op_gid;

int control_operator_group(const char *name, const char *sock)
{
	struct group *g = getgrnam(name);
	if (!g)
		return -ENOENT;
	/* the socket's mode lets the group connect; who is an operator is
	 * still decided per peer below (and sessions never are) */
	if (chown(sock, 0, g->gr_gid) < 0 || chmod(sock, 0660) < 0)
		return -errno;
	op_gid = g->gr_gid;
	have_group = true;
	return 0;
}

/* Is the peer of c an operator: root, policyd's user, or (system mode,
 * --operator-group) a member of the operator group. The group is the
 * kernel's view of the peer when it connected (SO_PEERCRED's gid,
 * SO_PEERGROUPS), never anything it says. */
static bool is_operator(const struct conn *c)
{
	if (c->caller.uid == 0 || c->caller.uid == geteuid())
		return true;
	if (!have_group)
		return false;
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 &&
	    cr.gid == op_gid)
		return true;
	gid_t gs[1024];
	socklen_t gl = sizeof(gs);
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, gs, &gl) < 0)
		return false; /* more groups than that, or an old kernel */
	for (size_t i = 0; i < gl / sizeof(gs[0]); i++)
		if (gs[i] == op_gid)
			return true;
	return false;
}

/* Is the peer an operator: allowed to ask, still the process that
 * connected, known to be in no session? false with the refusal in b. */
static bool peer_may_ask(struct conn *c, const char *line, struct strbuf *b)
{
	if (!is_operator(c)) {
		strbuf_puts(b, "error: the control socket is for operators "
			       "(root, policyd's user or the operator "
			       "group)\n");
		return false;
	}
	/* the peer must still be the process that connected: one that sent
	 * its request and exited (or whose pid was taken since) cannot be
	 * placed in or out of a session, and is refused: otherwise a session
	 * process could approve its own prompt by exiting in time */
	if (!conn_peer_here(c)) {
		strbuf_puts(b, CONN_PEER_GONE_MSG);
		daemon_log("control request from pid %d refused: the process "
			   "is gone",
			   (int)c->caller.pid);
		return false;
	}
	bool unsure = false;
	struct session *in = session_of_pid_sure(c->caller.pid, &unsure);
	if (!in && unsure) {
		/* its parents kept dying while they were read: not known to be
		 * outside every session, so not an operator (fail closed) */
		strbuf_puts(b, "error: cannot tell whether this process is in "
			       "a tiergate session (its parent processes "
			       "changed while they were read); try again\n");
		daemon_log("control request from pid %d refused: its process "
			   "tree changed during every walk up it",
			   (int)c->caller.pid);
		return false;
	}
	if (!in && !conn_peer_here(c)) {
		/* gone while it was looked up: its pid may be another's */
		strbuf_puts(b, CONN_PEER_GONE_MSG);
		return false;
	}
	if (in) {
		strbuf_puts(b, "error: the control socket refuses processes "
			       "inside a tiergate session\n");
		refuse_session_peer(c, in, line);
		return false;
	}
	return true;
}

int control_handle(struct conn *c, const char *line)
{
	struct strbuf b = {0};
	if (!peer_may_ask(c, line, &b)) {
		out(c, &b);
		return 0;
	}
	char cmd[64] = "", arg[256] = "";
	if (sscanf(line, "%63s %255s", cmd, arg) < 1) {
		strbuf_puts(&b, "error: empty request\n");
		out(c, &b);
		return 0;
	}
	bool json = !strcmp(arg, "--json");
	if (!strcmp(cmd, "status"))
		cmd_status(&b, json);
	else if (!strcmp(cmd, "sessions"))
		cmd_sessions(&b, json);
	else if (!strcmp(cmd, "reload"))
		records_reload_all(&(struct records_by){"policyctl reload",
							c->caller.pid,
							c->caller.uid},
				   &b);
	else if (!strcmp(cmd, "pending"))
		cmd_pending(&b, json);
	else if (!strcmp(cmd, "grants"))
		cmd_grants(&b, json);
	else if (!strcmp(cmd, "approve") || !strcmp(cmd, "deny"))
		cmd_answer(c, &b, line, !strcmp(cmd, "approve"));
	else if (!strcmp(cmd, "revoke"))
		cmd_revoke(c, &b, arg);
	else if (!strcmp(cmd, "watch")) {
		cmd_watch(c, &b);
		if (b.s && strncmp(b.s, "error", 5)) {
			conn_send(c, (const uint8_t *)b.s, b.len);
			strbuf_free(&b);
			return 0; /* stays open */
		}
	} else if (!strcmp(cmd, "audit-path"))
		strbuf_printf(&b, "%s\n", D.audit ? audit_path(D.audit) : "");
	else if (!strcmp(cmd, "kill")) {
		struct session *s = session_find(arg);
		if (!s) {
			strbuf_printf(&b, "error: no session '%s'\n", arg);
		} else {
			int n = session_kill(s);
			strbuf_printf(&b, "session %s: %d process%s killed\n",
				      s->id, n < 0 ? 0 : n, n == 1 ? "" : "es");
			daemon_log("session %s killed by operator (uid %u)",
				   s->id, (unsigned)c->caller.uid);
			records_session_killed(
			    s,
			    &(struct records_by){"policyctl kill",
						 c->caller.pid, c->caller.uid},
			    n);
		}
	} else {
		strbuf_printf(&b, "error: unknown request '%s'\n", cmd);
	}
	out(c, &b);
	return 0;
}
