/* SPDX-License-Identifier: MIT */
/*
 * sv_proc: notifications of calls that change (or compare) another process
 * without a signal: prlimit64, the sched_set* calls, setpriority,
 * ioprio_set, migrate_pages, move_pages, kcmp, process_madvise,
 * process_mrelease, pidfd_send_signal. Allowed when the target is the
 * caller or a process of its own session (never agent-shell), as the
 * kernel shows it at decision time; otherwise refused (EPERM, rule
 * other-process), with the refusal line and an audit line.
 */
#ifndef TIERGATE_SV_PROC_H
#define TIERGATE_SV_PROC_H

#include "sv_call.h"

/* Answers k. 0. */
int sv_proc(struct call *k);

#endif
