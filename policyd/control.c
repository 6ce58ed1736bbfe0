/* SPDX-License-Identifier: MIT */
/*
 * control: the operators' socket. One request line per connection, a text
 * (or JSON) answer, then the connection closes. Peers must be root or
 * policyd's own uid, and must not belong to any session, whatever their
 * uid: an agent cannot reload, kill or read its own session's controls.
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
#include "records.h"
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

int control_handle(struct conn *c, const char *line)
{
	struct strbuf b = {0};
	if (c->caller.uid != 0 && c->caller.uid != geteuid()) {
		strbuf_puts(&b, "error: the control socket is for operators "
				"(root or policyd's user)\n");
		out(c, &b);
		return 0;
	}
	if (session_of_pid(c->caller.pid)) {
		strbuf_puts(&b, "error: the control socket refuses processes "
				"inside a tiergate session\n");
		daemon_log(
		    "control request from pid %d inside a session refused",
		    (int)c->caller.pid);
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
	else if (!strcmp(cmd, "audit-path"))
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
