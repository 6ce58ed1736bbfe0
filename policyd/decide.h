/* SPDX-License-Identifier: MIT */
/*
 * decide: one call of one caller decided by its session's policy, whichever
 * way policyd was asked (an agent-socket DECIDE, a seccomp notification).
 * Every path is re-resolved from the kernel's view of the caller (chase.c),
 * lexically and with symlinks followed, and decided on both; host names are
 * believed only when policyd's own lookup agrees (resolver.c). The decision
 * is counted in the session and audited here.
 *
 * The steps, for the kernel path, which adds its own between them (an
 * exec's race checks, a no-effect call's errno):
 *   decide_call() -> outcome_conclude() -> decide_record().
 * decide() is the three for an agent-socket request.
 */
#ifndef TIERGATE_DECIDE_H
#define TIERGATE_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "caller.h"
#include "outcome.h"
#include "req_decode.h"

/* Decides q for caller c into o, counts and audits it (t0: when the
 * request came in, tg_mono_ns). A caller in no session is refused (not
 * counted, not audited). 0, or -EAGAIN when a host lookup must finish
 * first: o is then undecided, hand q in again. */
int decide(struct caller *c, const struct req *q, struct outcome *o,
	   uint64_t t0);
/* decide() for a caller that can wait for an operator (owner, cookie: the
 * waiter, see pending.h): -EAGAIN also while a prompt waits. */
/*
 * Would a copy do what the refused link q (o, decided) would have done:
 * the old name readable, the new one creatable? Asked of a link by git
 * (c's program) that the policy's default refused (no rule names it, and
 * not one of tiergate's own refusals): git links objects and falls back to
 * copying them (git clone of a local repository), so its refusal is git's
 * to recover from, audited but not told. A rule that names the link is
 * the policy asking for the line; any other program gets it (it may have
 * no fallback). When so, o->quiet is set and o->detail says why. Both
 * paths: the kernel path's link/linkat, the interposer's link request.
 */
bool decide_link_copyable(struct caller *c, const struct req *q,
			  struct outcome *o);
int decide_waiting(struct caller *c, const struct req *q, struct outcome *o,
		   uint64_t t0, const void *owner, uint64_t cookie);

/* o initialised and decided by c's session's policy (o->d); a target that
 * cannot be resolved, or a malformed request, is refused (o->unresolved).
 * c must be in a session. 0, or -EAGAIN (a host lookup). */
int decide_call(struct caller *c, const struct req *q, struct outcome *o);
/* Writes the concluded o's audit line and counts it in c's session. An
 * allow whose line could not be written becomes a refusal (rule
 * audit-failed): fail closed. */
void decide_record(struct caller *c, const struct req *q, struct outcome *o,
		   uint64_t t0);
/* o's audit line for c (kind, target, rule, o->decision; argv: q's, else
 * the caller's own command line; q may be NULL), if the audit log and the
 * session's settings want one. 0 (written, or none wanted), or -errno:
 * the line could not be written. */
int decide_audit(struct caller *c, const struct req *q,
		 const struct outcome *o, uint64_t t0);
/* Does path (at dirfd, in c's view) lead to policyd's agent socket? A
 * connect there is never the policy's: the interposer talks to it. */
bool decide_unix_agent(struct caller *c, int dirfd, const char *path);

#endif
