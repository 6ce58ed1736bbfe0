/* SPDX-License-Identifier: MIT */
/*
 * decide_exec: an exec decided on what the kernel would run. The program is
 * resolved as the caller sees it (chase.c), then the chain the kernel would
 * follow is decided link by link (scripts to their interpreter, ld.so to
 * the program it loads), on the literal and the resolved name of each, and
 * git is parsed from argv when the program is git. policyd's main thread
 * only (static buffers).
 */
#ifndef TIERGATE_DECIDE_EXEC_H
#define TIERGATE_DECIDE_EXEC_H

#include "caller.h"
#include "outcome.h"
#include "req_decode.h"

/* Decides the exec q of caller c (in a session) into o->d; o->kind, target,
 * object and detail say what. For a notified caller also o->argv_dep and
 * what the kernel must have run (o->exe_known ...). 0, or -errno: the
 * program cannot be resolved (o->absent set when it does not exist). */
int decide_exec(struct caller *c, const struct req *q, struct outcome *o);

#endif
