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

/* Answers k (an open; k->sc says which). 0 (never parks). */
int sv_open(struct call *k);

#endif
