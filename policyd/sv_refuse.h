/* SPDX-License-Identifier: MIT */
/*
 * sv_refuse: the calls a session never makes (common/syscalls.h, family
 * TG_SC_REFUSE: ptrace, namespaces, mounts, kernel interfaces no rule
 * covers, administering the machine). They are refused with EPERM whatever
 * the policy says, as the seccomp filter alone would refuse them; they are
 * notified only so that each refusal is audited (rule "sandbox") and, unless
 * programs probe the call and do without it, explained on the caller's
 * stderr: what was refused and what to do instead.
 */
#ifndef TIERGATE_SV_REFUSE_H
#define TIERGATE_SV_REFUSE_H

#include <stdbool.h>

#include "sv_call.h"

/* Answers k with -EPERM, audited, with the refusal line unless quiet. 0. */
int sv_refuse(struct call *k);

/* Why the call numbered nr is refused (the agent's message), and whether
 * programs probe it and do without it (no refusal line then: the failure
 * is theirs to recover from, the audit line still says it). NULL when nr
 * is not one of them. */
const char *sv_refuse_why(int nr, bool *ret_quiet);

#endif
