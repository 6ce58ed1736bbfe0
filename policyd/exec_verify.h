/* SPDX-License-Identifier: MIT */
/* exec_verify: checks the exec of a caller that could race at the kernel's
 * exec stop (ptrace), see exec_verify.c. policyd's main thread only. */
#ifndef TIERGATE_EXEC_VERIFY_H
#define TIERGATE_EXEC_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "req_decode.h"

/* Attaches to thread tid, waiting in its exec notification, which o allows
 * (o->exe_known: what must run). A slot for exec_verify_answer, or -errno
 * (-ENOTSUP: o says too little to check; -EAGAIN: too many at once; ptrace's
 * error). */
int exec_verify_hold(pid_t tid, const struct outcome *o, const struct req *q,
		     const char *session);
/* Answers the held notification (continue, or fail with err: 0/-errno)
 * and has the process stopped where the call returns. */
void exec_verify_answer(int slot, int lfd, uint64_t id, int err, bool cont);
/* Collects stops and exits (on SIGCHLD and at each turn of the loop). */
void exec_verify_poll(void);
/* Can policyd hold a racing caller's exec for checking (ptrace)? why says
 * why (or why not); may be NULL. Asked once. */
bool exec_verify_available(char *why, size_t whysz);
/* Execs checked and let run, and killed, since policyd started. */
void exec_verify_counts(uint64_t *verified, uint64_t *killed);

#endif
