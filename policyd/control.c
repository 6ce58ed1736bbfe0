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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "jsonw.h"
#include "layers.h"
#include "log.h"
#include "notify.h"
#include "pending.h"
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

/* A string of sessions --json / status --json: valid UTF-8 JSON whatever
 * bytes a path holds (jsonw.h says how invalid bytes are written). */
static void json_str(struct strbuf *b, const char *s)
{
	jsonw_str(b, s ? s : "", SIZE_MAX, NULL);
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
	}
	if (i->reason[0])
		json_kv(b, "reason", i->reason);
	strbuf_puts(b, "}");
}

struct list_ctx {
	struct strbuf *b;
	bool json, first;
};

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
		strbuf_printf(x->b, "%-6u %-6llu %-8s %-24.24s %-7d %-16s %s: %s\n",
			      i->id, age, left, i->session_name, (int)i->pid,
			      i->rule, i->kind, i->shown);
		strbuf_printf(x->b, "%-6s session %s, cwd %s%s%s\n", "",
			      i->session, i->cwd, i->message[0] ? "; " : "",
			      i->message);
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
		strbuf_printf(x->b, "%s{\"id\":%u", x->first ? "" : ",",
			      g->id);
		json_kv(x->b, "session", g->session);
		json_kv(x->b, "kind", g->kind);
		json_kv(x->b, "what", g->shown);
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
		strbuf_printf(x->b, "grant-%-5u %-14s %-16s %-6llu %-12s %s: %s\n",
			      g->id, g->session, g->rule,
			      (unsigned long long)g->uses, until, g->kind,
			      g->shown);
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
	if (json)
		strbuf_puts(b, "]\n");
}

/* approve ID... [--once|--session|--for DURATION]
 * deny ID... [--reason TEXT] (TEXT: the rest of the line) */
static void cmd_answer(struct conn *c, struct strbuf *b, const char *line,
		       bool approve)
{
	char buf[1100];
	snprintf(buf, sizeof(buf), "%s", line);
	char *reason = approve ? NULL : strstr(buf, " --reason ");
	if (reason) {
		*reason = '\0';
		reason += strlen(" --reason ");
	}
	uint32_t ids[64];
	size_t nids = 0;
	enum pending_scope scope = PENDING_ONCE;
	uint64_t until = 0;
	char *save = NULL, *t = strtok_r(buf, " \t", &save); /* the verb */
	while ((t = strtok_r(NULL, " \t", &save))) {
		char *end;
		uint64_t ms;
		if (approve && !strcmp(t, "--once")) {
			scope = PENDING_ONCE;
		} else if (approve && !strcmp(t, "--session")) {
			scope = PENDING_SESSION;
		} else if (approve && !strcmp(t, "--for")) {
			t = strtok_r(NULL, " \t", &save);
			if (!t || tg_parse_duration_ms(t, &ms) < 0 || !ms ||
			    ms > 7ULL * 86400 * 1000) {
				strbuf_puts(b, "error: --for takes a duration "
					       "(30s, 15m, 2h; at most 7d)\n");
				return;
			}
			scope = PENDING_FOR;
			until = tg_now_us() + ms * 1000;
		} else {
			unsigned long v = strtoul(t, &end, 10);
			if (*t == '#')
				v = strtoul(t + 1, &end, 10);
			if (*end || !v || v > UINT32_MAX ||
			    nids == TG_ARRAY_SIZE(ids)) {
				strbuf_printf(b, "error: bad prompt id '%.40s'\n",
					      t);
				return;
			}
			ids[nids++] = (uint32_t)v;
		}
	}
	if (!nids) {
		strbuf_printf(b, "error: name a prompt (policyctl pending "
				 "lists them)\n");
		return;
	}
	for (size_t i = 0; i < nids; i++) {
		int r = pending_answer(ids[i], approve, scope, until,
				       c->caller.uid, reason);
		if (r == -ENOENT)
			strbuf_printf(b, "error: no prompt #%u waits\n", ids[i]);
		else if (r == -EALREADY)
			strbuf_printf(b, "error: prompt #%u was answered "
					 "already\n",
				      ids[i]);
		else
			strbuf_printf(b, "prompt #%u %s%s%s\n", ids[i],
				      approve ? "approved" : "denied",
				      approve ? ", " : "",
				      approve ? pending_scope_name(scope) : "");
		if (r == 0)
			daemon_log("prompt #%u %s by uid %u", ids[i],
				   approve ? "approved" : "denied",
				   (unsigned)c->caller.uid);
	}
}

static void cmd_revoke(struct conn *c, struct strbuf *b, const char *arg)
{
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

int control_handle(struct conn *c, const char *line)
{
	struct strbuf b = {0};
	if (c->caller.uid != 0 && c->caller.uid != geteuid()) {
		strbuf_puts(&b, "error: the control socket is for operators "
				"(root or policyd's user)\n");
		out(c, &b);
		return 0;
	}
	/* the peer must still be the process that connected: one that sent
	 * its request and exited (or whose pid was taken since) cannot be
	 * placed in or out of a session, and is refused: otherwise a session
	 * process could approve its own prompt by exiting in time */
	struct proc_stat ps;
	if (procfs_stat(c->caller.pid, &ps) < 0 ||
	    ps.starttime != c->caller.start) {
		strbuf_puts(&b, "error: the control socket answers only a "
				"peer that waits for the answer\n");
		daemon_log("control request from pid %d refused: the process "
			   "is gone",
			   (int)c->caller.pid);
		out(c, &b);
		return 0;
	}
	struct session *in = session_of_pid(c->caller.pid);
	if (in) {
		strbuf_puts(&b, "error: the control socket refuses processes "
				"inside a tiergate session\n");
		refuse_session_peer(c, in, line);
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
