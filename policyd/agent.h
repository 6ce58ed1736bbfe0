/* SPDX-License-Identifier: MIT */
/*
 * agent: the messages of the agent socket, one at a time per connection:
 * HELLO (a process's fast-path data), DECIDE (a call decided, decide.c),
 * NAMES (the names a process looked up), SESSION_NEW (agent-shell opens a
 * session) and LISTENER (agent-shell hands over the session's seccomp
 * listener). A message is answered with one reply on its connection; a
 * malformed one is counted, audited and closes the connection.
 */
#ifndef TIERGATE_AGENT_H
#define TIERGATE_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"

/* Handles one whole message from c. 0; -EAGAIN when it waits for a host
 * lookup (the caller keeps the message and hands it in again); another
 * -errno: the connection is to be closed. */
int agent_handle(struct conn *c, const uint8_t *msg, size_t len);

#endif
