/* SPDX-License-Identifier: MIT */
/*
 * sv_open: open/openat/creat notifications that may write, create or
 * truncate. Decided like an interposed open, then policyd opens the file
 * itself as the caller (its fsuid, fsgid, groups, umask and root; no
 * symlinks, no magic links) and puts the descriptor in the caller
 * (SECCOMP_IOCTL_NOTIF_ADDFD): the object decided on is the object the
 * caller gets.
 */
#ifndef TIERGATE_SV_OPEN_H
#define TIERGATE_SV_OPEN_H

#include "sv_call.h"

/* Answers k (an open; k->sc says which). 0, or 1: parked (a prompt, or a
 * FIFO waiting for its reader), tried again by supervisor_retry_parked. */
int sv_open(struct call *k);

/* Whether a write-open of a FIFO was parked waiting for its reader since
 * the last call with clear (the main loop then tries parked calls again
 * every few milliseconds instead of every 500). */
bool sv_open_fifo_waits(bool clear);

/* A pass over the parked calls begins (true) or ends (false). The write
 * ends of FIFOs that policyd opens for parked writers during a pass are
 * held by policyd until a pass ends with no writer of that FIFO still
 * waiting, as natively every waiting writer counts as one. */
void sv_open_fifo_pass(bool begin);

#endif
