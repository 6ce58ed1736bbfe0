/* SPDX-License-Identifier: MIT */
/*
 * kread: audit records for reads the kernel deny-read layer refused
 * (agent-shell's fanotify listener, wrappers/fanlisten.c). The listener
 * reports on agent-shell's own connection (TGP_KREFUSED: PATH, PID);
 * policyd decides the path again with the session's policy to name the
 * rule, and writes the record as it writes the eBPF layer's refusals.
 */
#ifndef TIERGATE_KREAD_H
#define TIERGATE_KREAD_H

#include "conn.h"
#include "req_decode.h"

/* Audits one report. 0, or -EBADMSG (the connection is closed) when it
 * does not come from a session's agent-shell connection or lacks a path:
 * a session's own processes cannot write refusals into the audit log. */
int kread_refused(struct conn *c, const struct req *q);

#endif
