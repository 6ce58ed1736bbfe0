/* SPDX-License-Identifier: MIT */
/* egress_events: the eBPF egress layer's events in policyd (see
 * egress_events.h). */
#include "egress_events.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "caller.h"
#include "daemon.h"
#include "log.h"
#include "netaddr.h"
#include "policy.h"
#include "procfs.h"
#include "tg_proto.h"
#include "util.h"

static const char *ev_kind(const struct egress_event *ev)
{
	switch (ev->reason) {
	case EGRESS_R_CONNECT_RATE:
	case EGRESS_R_EGRESS_TOTAL:
	case EGRESS_R_INGRESS_TOTAL:
		return "limit";
	default:
		break;
	}
	switch (ev->kind) {
	case EGRESS_EV_CONNECT:
		return "connect";
	case EGRESS_EV_SENDMSG:
		return "send";
	case EGRESS_EV_SOCKET:
		return "socket";
	default:
		return "network";
	}
}

static void ev_target(const struct egress_event *ev, char *buf, size_t sz)
{
	char a[64];
	struct tg_addr ta;
	memcpy(ta.b, ev->addr, 16);
	tg_addr_format(&ta, a, sizeof(a));
	switch (ev->reason) {
	case EGRESS_R_EGRESS_TOTAL:
	case EGRESS_R_INGRESS_TOTAL:
		snprintf(buf, sz, "%s (%llu bytes counted)",
			 egress_reason_name(ev->reason),
			 (unsigned long long)ev->value);
		return;
	case EGRESS_R_SOCK_RAW:
	case EGRESS_R_SOCK_PROTO:
		snprintf(buf, sz, "socket type %llu protocol %llu",
			 (unsigned long long)(ev->value >> 32),
			 (unsigned long long)(ev->value & 0xffffffffu));
		return;
	default:
		snprintf(buf, sz, "%s%s%s:%u/%s", ev->family == 10 ? "[" : "",
			 a, ev->family == 10 ? "]" : "", ev->port,
			 ev->proto == 6	   ? "tcp"
			 : ev->proto == 17 ? "udp"
					   : "other");
	}
}

/* Per session at most EVENTS_PER_SECOND lines a second: a program that
 * loops on refused connects must not fill the audit log. */
static bool ev_admit(const struct egress_ev_sess *s, struct egress_ev_rate *es)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec;
	if (now != es->second) {
		if (es->suppressed)
			daemon_log("session %s: %llu eBPF events not audited "
				   "(more than %d a second)",
				   s->id, (unsigned long long)es->suppressed,
				   EVENTS_PER_SECOND);
		es->second = now;
		es->count = 0;
		es->suppressed = 0;
	}
	if (es->count++ < EVENTS_PER_SECOND)
		return true;
	es->suppressed++;
	return false;
}

/* The one-line reason on the refused caller's stderr, as the interposer
 * and the kernel path give it: here after the fact (the ring buffer), so
 * a process that exits at once may miss it. Only a session's own
 * processes (its cgroup), never packets (no caller). */
static void tell(const struct egress_event *ev, const struct egress_ev_sess *s,
		 const char *rule, const char *target)
{
	const char *why;
	switch (ev->reason) {
	case EGRESS_R_CONNECT_RATE:
		why = "more connects a second than the policy's connect_rate "
		      "(limits:); refused by the kernel (eBPF egress layer)";
		break;
	case EGRESS_R_SOCK_RAW:
	case EGRESS_R_SOCK_PROTO:
		why = "this kind of socket is refused in this session (eBPF "
		      "egress layer)";
		break;
	default:
		why = ev->action == EGRESS_PROMPT
			  ? "needs an operator's approval, which only a call "
			    "policyd sees can ask for; refused by the kernel "
			    "(eBPF egress layer)"
			  : "refused by the kernel (eBPF egress layer)";
	}
	const struct policy *p = s->policy;
	const char *m =
	    ev->reason == EGRESS_R_RULE && ev->rule < policy_rule_count(p)
		? policy_rule_message(p, (int)ev->rule)
		: NULL;
	/* still a process of the session: a pid that ended meanwhile and
	 * was given to a process elsewhere is not written to */
	char cg[512];
	size_t cl = strlen(s->cgroup);
	if (!cl || procfs_cgroup((pid_t)ev->tgid, cg, sizeof(cg)) < 0 ||
	    strncmp(cg, s->cgroup, cl) || (cg[cl] && cg[cl] != '/'))
		return;
	char msg[700], line[1024];
	snprintf(msg, sizeof(msg), "%s%s%s", m ? m : "", m ? "; " : "", why);
	size_t n = tgp_refusal_line(line, sizeof(line), "refused", ev_kind(ev),
				    target, rule, msg);
	caller_tell((pid_t)ev->tgid, line, n);
}

void egress_event_record(const struct egress_event *ev,
			 const struct egress_ev_sess *es)
{
	/* a supervised session's connects are audited by policyd already
	 * (the kernel path); the kernel's log-tier copy would repeat them */
	if (es && es->supervised && ev->action == EGRESS_LOG)
		return;
	if (es && !ev_admit(es, es->rate))
		return;
	const struct policy *p = es ? es->policy : NULL;
	const char *rule = egress_reason_name(ev->reason);
	if (ev->reason == EGRESS_R_DEFAULT)
		rule = "default";
	else if (p && ev->reason == EGRESS_R_RULE &&
		 ev->rule < policy_rule_count(p))
		rule = policy_rule_id(p, (int)ev->rule);
	char target[128], detail[256];
	ev_target(ev, target, sizeof(target));
	bool passed = ev->action == EGRESS_LOG;
	if (!passed && es && ev->tgid && ev->kind != EGRESS_EV_EGRESS &&
	    ev->kind != EGRESS_EV_INGRESS)
		tell(ev, es, rule, target);
	if (!D.audit)
		return;
	snprintf(detail, sizeof(detail),
		 "eBPF cgroup hook (kernel): %s; comm %s; session %s",
		 egress_reason_name(ev->reason), ev->comm,
		 es ? es->name : "(not this policyd's)");
	struct audit_rec ar = {
	    .session = es ? es->id : "",
	    .pid = (pid_t)ev->tgid,
	    .uid = es ? es->uid : 0,
	    .kind = ev_kind(ev),
	    .target = target,
	    .rule = rule,
	    .tier = policy_action_tier((enum policy_action)(
		ev->action < EGRESS_ACTION_MAX ? ev->action : EGRESS_DENY)),
	    .action = egress_action_name(ev->action),
	    .decision = passed ? "allowed" : "refused",
	    .detail = detail};
	audit_write(D.audit, &ar);
}
