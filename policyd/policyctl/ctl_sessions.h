/* SPDX-License-Identifier: MIT */
/*
 * ctl_sessions: the sessions policyd has open, so that an operator may name
 * a session by its id or by its name wherever policyctl takes one; and
 * `policyctl sessions [--json|--names] [SESSION]`: all of them, or the one
 * named, as a table whose columns fit what they hold, as policyd's JSON, or
 * as their ids and names one per line (for scripts and shell completion).
 */
#ifndef TIERGATE_CTL_SESSIONS_H
#define TIERGATE_CTL_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>

enum ctl_session_field {
	CTL_SF_ID,
	CTL_SF_NAME,
	CTL_SF_PID,
	CTL_SF_UID,
	CTL_SF_DECIDED,
	CTL_SF_ALLOWED,
	CTL_SF_REFUSED,
	CTL_SF_POLICY,
	CTL_SF_WORKSPACE,
	CTL_SF_MAX
};

struct ctl_session {
	char f[CTL_SF_MAX][1024];
	const char *json; /* the object as policyd wrote it (in list.json) */
	size_t json_len;
};

/* Lifecycle: ctl_session_list fills it, ctl_session_list_free empties it. */
struct ctl_session_list {
	struct ctl_session *v;
	size_t n;
	char *json; /* policyd's answer */
};

/* Asks policyd (`sessions --json`; mode as in ctl_conn.h). 0, a
 * ctl_request error, or -EBADMSG / -ENOMEM (said unless quiet). */
int ctl_session_list(int mode, bool quiet, struct ctl_session_list *ret);
void ctl_session_list_free(struct ctl_session_list *l);

/* Does SESSION (an id or a name) name s? */
bool ctl_session_is(const struct ctl_session *s, const char *session);

/* argv[0] is "sessions". Returns the exit status. */
int ctl_sessions_cmd(int mode, int argc, char **argv);

#endif
