/* SPDX-License-Identifier: MIT */
/*
 * control: the operators' socket (policyctl): status, sessions, reload,
 * kill, audit-path, and the prompts (pending, approve, deny, grants,
 * revoke, watch). One request line per connection, a
 * text (or JSON) answer, then the connection closes; `watch` stays open
 * and gets one JSON line per prompt event. Peers must be root or
 * policyd's own uid (system mode: or a member of the operator group),
 * and must not belong to any session (the kernel's view of the peer):
 * an agent cannot approve its own prompts.
 */
#ifndef TIERGATE_CONTROL_H
#define TIERGATE_CONTROL_H

#include "conn.h"

/* Answers the request line on c and marks c for closing. 0. */
int control_handle(struct conn *c, const char *line);
/* c closes: it watches no more. */
void control_forget(const struct conn *c);
/* Sends the watchers the prompt events they have not seen (after each
 * round of the loop). */
void control_watch_flush(void);
/* System mode: members of group name are operators too; the control
 * socket at sock becomes root:name 0660. 0, -ENOENT (no such group) or
 * -errno. */
int control_operator_group(const char *name, const char *sock);

#endif
