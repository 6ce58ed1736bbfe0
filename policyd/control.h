/* SPDX-License-Identifier: MIT */
/*
 * control: the operators' socket (policyctl): status, sessions, reload,
 * kill, audit-path. One request line per connection, a text (or JSON)
 * answer, then the connection closes. Peers must be root or policyd's own
 * uid, and must not belong to any session.
 */
#ifndef TIERGATE_CONTROL_H
#define TIERGATE_CONTROL_H

#include "conn.h"

/* Answers the request line on c and marks c for closing. 0. */
int control_handle(struct conn *c, const char *line);

#endif
