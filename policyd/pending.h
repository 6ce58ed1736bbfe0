/* SPDX-License-Identifier: MIT */
/*
 * pending: Tier 3 calls waiting for an operator, and the grants operators
 * gave. A prompt-tier decision (either path: an agent-socket DECIDE, a
 * seccomp notification) becomes a pending request with an id; its caller
 * keeps waiting (the interposer on its connection, the notification
 * parked) while the loop goes on deciding everything else. An operator
 * answers on the control socket (control.c); the waiter's request is then
 * handed in again and pending_gate() gives it the answer.
 *
 * A waiter is named by (owner, cookie): the connection (cookie 0) or the
 * supervisor and the notification's id. Identical requests of one session
 * (same kind, target, access and argv) share one prompt. A waiter that
 * goes away (its connection closes, its notification stops being valid,
 * its session ends) withdraws; a prompt with no waiter left is withdrawn.
 *
 * Lifecycle: pending_enable() once (policyd --approvals) ->
 * pending_gate() per prompt-tier decision -> pending_answer() (control)
 * / pending_tick() (timeouts) -> pending_forget_*() -> pending_reset()
 * (tests). Single-threaded: the epoll loop's thread only.
 */
#ifndef TIERGATE_PENDING_H
#define TIERGATE_PENDING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "caller.h"
#include "outcome.h"
#include "req_decode.h"

#define PENDING_MAX 1024      /* open prompts, all sessions */
#define PENDING_WAITERS_MAX 64 /* callers sharing one prompt */
#ifndef PENDING_SHOWN_MAX
#define PENDING_SHOWN_MAX 1024
#endif

enum pending_state {
	PENDING_WAITING,
	PENDING_APPROVED,
	PENDING_DENIED,
	PENDING_EXPIRED,   /* prompt_timeout passed: settings.on_timeout */
	PENDING_WITHDRAWN, /* no waiter left (events only) */
	PENDING_STATE_MAX
};

enum pending_scope {
	PENDING_ONCE,	 /* the calls waiting now */
	PENDING_SESSION, /* and the same call in this session, until it ends */
	PENDING_FOR,	 /* ... until a time */
	PENDING_ALWAYS,	 /* in every session of the policy, kept in its
			    overlay NAME.grants.yaml (overlay.h) */
	PENDING_SCOPE_MAX
};

/* What an operator sees of a prompt (a copy: events outlive entries). */
struct pending_info {
	uint32_t id;
	enum pending_state state;
	char session[32], session_name[64];
	pid_t pid;
	uid_t uid;
	char kind[16];
	char shown[PENDING_SHOWN_MAX]; /* command line, or target */
	char target[PENDING_SHOWN_MAX];
	char cwd[512];
	char rule[128];
	char message[512];
	uint64_t opened_us;   /* wall clock */
	uint64_t deadline_us; /* 0: never */
	unsigned waiters;
	/* once answered */
	uid_t by_uid;
	char by_name[64];
	enum pending_scope scope;
	uint64_t grant_until_us;
	uint32_t grant;
	char grant_name[64]; /* "grant-N", "always-N" */
	char like[512];	     /* the grant's --like pattern */
	char reason[256];
};


/* Prompts wait for operators from now on (otherwise a prompt is refused
 * at once, "approval required"). */
void pending_enable(bool on);
bool pending_enabled(void);
/* How many operators watch (control.c): prompts wait while one does. */
void pending_set_watchers(unsigned n);

/* Called between decide_call() and outcome_conclude() for caller c's
 * request q (the waiter: owner and cookie). An outcome that is not a
 * prompt is left alone. A prompt covered by a grant, or answered for this
 * waiter, becomes a log (approved: o->d.action POLICY_LOG, the rule the
 * grant's) or a deny (with the operator's reason or the timeout in its
 * message), the answer in o->detail. A prompt beyond the session's
 * max_pending_prompts is denied. Otherwise the waiter is registered (a new
 * prompt is opened, audited, and the waiting line written on the caller's
 * stderr) and -EAGAIN returned: hand the request in again later. 0 or
 * -EAGAIN. */
int pending_gate(struct caller *c, const struct req *q, struct outcome *o,
		 const void *owner, uint64_t cookie);

/* An operator's answer to prompt id (by: the control socket peer's uid):
 * approve with scope (until_us for PENDING_FOR), or deny with reason. 0,
 * -ENOENT (no such prompt), -EALREADY (answered already). */
int pending_answer(uint32_t id, bool approve, enum pending_scope scope,
		   uint64_t until_us, uid_t by, const char *reason);

struct pending_reply {
	bool approve;
	enum pending_scope scope;
	uint64_t until_us; /* PENDING_FOR */
	uid_t by;
	const char *reason; /* deny */
	/* approve: the grant covers calls like this (policy_grants.h) rather
	 * than this one only; needs a scope other than PENDING_ONCE */
	const char *like;
	bool preview; /* only check and describe the grant in *msg */
};
/* pending_answer() with a --like pattern, an --always grant (written to
 * the overlay: an error there leaves the prompt waiting) or a preview.
 * *msg: the grant made (or that would be), or why not. 0, -ENOENT,
 * -EALREADY, -EINVAL (the pattern; a prompt without a session's policy)
 * or -errno of the overlay. */
int pending_reply(uint32_t id, const struct pending_reply *r, char *msg,
		  size_t msgsz);
/* Prompts whose time is up take on_timeout. true when some prompt has an
 * answer its waiters have not collected yet (the loop then hands the
 * parked requests in again). */
bool pending_tick(void);

/* The waiters of owner (a connection that closed, a detached supervisor)
 * withdraw. */
void pending_forget_owner(const void *owner);
/* One waiter withdraws (its notification is no longer valid). */
void pending_forget_waiter(const void *owner, uint64_t cookie);
/* Session s ends: its prompts are withdrawn, its grants dropped. */
void pending_session_end(const struct session *s);

/* Listing: calls fn for each open prompt, oldest first (grants:
 * pending_grants.h). */
void pending_each(void (*fn)(const struct pending_info *, void *), void *arg);
size_t pending_count(void);

/* Events for watchers: every prompt opened, answered, timed out or
 * withdrawn, numbered from 1. pending_event(seq) gives event seq, NULL
 * when it is not kept any more (or not there yet); pending_event_last()
 * the newest number. */
const struct pending_info *pending_event(uint64_t seq);
uint64_t pending_event_last(void);

const char *pending_state_name(enum pending_state s);
const char *pending_scope_name(enum pending_scope s);

/* Tests: forget everything. */
void pending_reset(void);

#endif
