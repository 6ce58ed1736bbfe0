/* SPDX-License-Identifier: MIT */
#include "kread.h"

#include <stdio.h>
#include <time.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "policy.h"
#include "session.h"
#include "tg_proto.h"

#define KREAD_PER_SEC 200 /* records a second, all sessions: a loop on a
			     denied file must not fill the audit log */

/* Whether one more record fits in this second (the suppressed ones are
 * counted in the next record written). */
static bool admit(unsigned *ret_dropped)
{
	static time_t sec;
	static unsigned n, dropped;
	time_t now = time(NULL);
	if (now != sec) {
		sec = now;
		n = 0;
	}
	if (n >= KREAD_PER_SEC) {
		dropped++;
		return false;
	}
	n++;
	*ret_dropped = dropped;
	dropped = 0;
	return true;
}

int kread_refused(struct conn *c, const struct req *q)
{
	struct session *s = c->caller.s;
	/* why: only agent-shell's connection (the one that opened the
	 * session) speaks for the kernel layer */
	if (!s || s->shell_fd != c->fd) {
		daemon_log("pid %d sent a kernel refusal report on a "
			   "connection that is not a session's agent-shell's: "
			   "connection closed",
			   (int)c->caller.pid);
		return -EBADMSG;
	}
	if (!q->has_path || q->path[0] != '/') {
		daemon_log("agent-shell (pid %d) sent a kernel refusal report "
			   "without an absolute path: connection closed",
			   (int)c->caller.pid);
		return -EBADMSG;
	}
	unsigned dropped = 0;
	if (!D.audit || !admit(&dropped))
		return 0;
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = q->path, .access = POLICY_ACC_READ};
	struct policy_decision d;
	policy_decide(s->policy, &ev, &d);
	bool now = d.action == POLICY_DENY;
	char detail[256];
	snprintf(detail, sizeof(detail),
		 "kernel deny-read layer (fanotify)%s%s",
		 now ? ""
		     : "; the policy in force no longer denies it (the "
		       "session's deny-read plan is fixed at its start)",
		 dropped ? "; records were dropped (rate limit)" : "");
	struct audit_rec ar = {.session = s->id,
			       .pid = (pid_t)q->pid,
			       .uid = s->uid,
			       .kind = "open",
			       .target = q->path,
			       .rule = now ? d.rule_id : "deny-read plan",
			       .tier = policy_action_tier(POLICY_DENY),
			       .action = policy_action_name(POLICY_DENY),
			       .decision = "refused",
			       .detail = detail};
	audit_write(D.audit, &ar);
	return 0;
}
