/* SPDX-License-Identifier: MIT */
/*
 * sv_call: one seccomp notification being answered (struct call), and what
 * every call family's handler does with it: read-checks, the decision
 * (decide.c, with the caller as a struct caller), the refusal line on the
 * caller's stderr, the in-flight mark of a call policyd carried out, and the
 * answer. Answers take 0 or a negative errno.
 */
#ifndef TIERGATE_SV_CALL_H
#define TIERGATE_SV_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <linux/seccomp.h>

#include "caller.h"
#include "outcome.h"
#include "req_decode.h"
#include "syscalls.h"
#include "tg_proto.h"

/* A refusal of a call that can have no effect gets the kernel's errno,
 * undecided (sv_call_decide): the errno when q.path names something
 * (-EEXIST, -EADDRINUSE), whether its absence means so, looked up from
 * dirfd, following a final symlink or not. */
struct call_noop {
	int exists;
	bool missing, follow;
	int dirfd;
};

struct call {
	int lfd; /* the listener it came on */
	const struct seccomp_notif *n;
	const struct tg_syscall *sc; /* its entry in common/syscalls.h */
	struct caller c;
	struct req q; /* what is decided, filled in by the handler */
	uint64_t t0;
	int fsfd;      /* by descriptor: policyd's copy of it, or -1 */
	bool fsfd_cwd; /* ... not a descriptor's: the caller's cwd */
	struct tgp_inflight *ifl; /* its in-flight slot, or NULL */
	bool rehandled;		  /* left by a previous policyd */
	bool waiting; /* a prompt waits for an operator: not answered, parked */
	/* the audit record this notification got when it was last decided
	 * (a digest of its decision, rule and target; 0: none): a call
	 * parked and decided again (a FIFO's writer waiting for its reader,
	 * every 5 ms) is recorded again only when that changes */
	uint64_t recorded;
	struct call_noop noop;
};

/* Answers notification id on lfd: cont (the kernel performs the call), or
 * err (0/-errno) with val as the call's result. 0, or -errno (-ENOENT: the
 * caller is gone, killed). */
int sv_respond(int lfd, uint64_t id, int err, int64_t val, bool cont);
/* Does id still name a waiting call (its caller alive, the pid not
 * reused)? Asked after reading its memory. */
bool sv_notif_valid(int lfd, uint64_t id);

bool sv_call_valid(const struct call *k);
void sv_call_continue(struct call *k);
/* Answers the call with r: 0 (it succeeded, result 0) or -errno. */
void sv_call_answer(struct call *k, int r);
/* Marks the in-flight slot (the call was carried out by policyd) before
 * the answer, so that a policyd killed in between leaves the mark. */
void sv_call_mark(struct call *k, uint32_t state, int32_t value,
		  const struct stat *st);
/* Answers a call policyd performed (r: 0 or -errno), marked first. */
void sv_call_performed(struct call *k, int r);
/* The refusal line on the caller's stderr. */
void sv_call_tell(const struct call *k, const char *kind, const char *target,
		  const struct outcome *o);

/* A prompt-tier o (decided) waits for an operator (pending.h): true, the
 * call is not to be answered (k->waiting: it is parked); or o now says
 * what the operator, a grant or the timeout made of it: false. */
bool sv_call_gate(struct call *k, struct outcome *o);

/* Refuses k by a rule of tiergate's own (not the policy's): counted,
 * audited (kind, target), the refusal line with msg, answered err. */
void sv_call_refuse(struct call *k, const char *kind, const char *rule,
		    const char *target, const char *msg, int err);

/* Could something rewrite the caller's memory at addrs (its argv, a
 * path) after policyd read it: a second thread, a process sharing its
 * memory (a vfork parent's threads), a shared writable mapping? Whatever
 * cannot be told is taken to race. */
bool sv_caller_racy(const struct caller *c, const uint64_t *addrs, size_t n);

/* Decides k->q (filled in by the handler) into o: decided, concluded, and
 * counted and audited; a refusal of a call that can have no effect
 * (o->absent, or k->noop) becomes DECISION_ABSENT, neither counted nor
 * audited. 0, or -EAGAIN: a host lookup must finish first, or a prompt
 * waits (k->waiting). */
int sv_call_decide(struct call *k, struct outcome *o);
/* The part of sv_call_decide after decide_call (the exec handler adds its
 * race checks before it). */
void sv_call_finish(struct call *k, struct outcome *o);
/* Decides k->q for a file call. Allowed: true, the call not answered yet
 * (*keep, if not NULL, gets the outcome to free). Otherwise the call is
 * answered: with the kernel's errno when it can have no effect, else with
 * err (-errno) and the refusal line; false. */
bool sv_call_decide_or_refuse(struct call *k, const char *verb, int err,
			      struct outcome **keep);

#ifdef TIERGATE_TEST_HOOKS
/* Crash test hook (tests/bypass): with TIERGATE_TEST_DIE_AFTER_DONE=N in
 * its environment, policyd dies after carrying out the Nth call it
 * received itself, before answering it, as a kill -9 could. */
void sv_test_die_point(bool rehandled);
/* Tests: TIERGATE_TEST_NO_GETFD=1 makes policyd act as if it could not
 * copy a caller's descriptor for a call on (fd, "", AT_EMPTY_PATH), as
 * under Yama's ptrace_scope 1 in user mode (the bypass suite checks what
 * happens then). */
bool sv_test_no_getfd(void);
#else
/* a normal build has no test hooks (make test builds with them) */
static inline void sv_test_die_point(bool rehandled)
{
	(void)rehandled;
}
static inline bool sv_test_no_getfd(void)
{
	return false;
}
#endif

#endif
