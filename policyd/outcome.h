/* SPDX-License-Identifier: MIT */
/*
 * outcome: what policyd decided about one call, and the rules by which the
 * decisions about its objects combine. Pure: no I/O. Filled in by decide.c
 * (and decide_exec.c), read by the agent-socket reply, the kernel path's
 * answer and exec_verify.
 *
 * Lifecycle: outcome_init() -> decided -> outcome_conclude() (the decision
 * and the agent's message from the policy's decision) -> read.
 */
#ifndef TIERGATE_OUTCOME_H
#define TIERGATE_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "tg_proto.h"

/* The decision. A zeroed outcome is refused: fail closed. */
enum decision {
	DECISION_REFUSED,
	DECISION_ALLOWED,
	/* kernel path: a refused call that can have no effect (a program that
	 * is not there, making a name that exists, removing one that does
	 * not) fails with outcome.absent as the kernel would fail it: no
	 * refusal line, no audit line */
	DECISION_ABSENT,
	DECISION_MAX
};

/* The audit line's word for d ("allowed", "refused", "absent"). */
const char *decision_name(enum decision d);

/* What policyd decided about one call. outcome_init() initialises it: the
 * fields before target are zeroed, the buffers from target on start
 * empty (a decision is made per request: 26 KiB were zeroed for each). */
struct outcome {
	struct policy_decision d;
	const char *kind;
	enum decision decision;
	int absent; /* -ENOENT/-ENOTDIR (exec: no such program), -EEXIST ...:
		       the errno a call that can have no effect fails with */
	bool unresolved; /* the target could not be resolved: refused */
	bool quiet;	 /* refused with no line: a link by git that a copy
			    replaces (decide_link_copyable) */
	/* exec by a notified caller: what the process must be running when
	 * the kernel has done the exec, for callers that could rewrite path
	 * or argv after policyd read them (exec_verify checks at the exec
	 * stop): the file the kernel maps (the first link of the chain that
	 * is not a script: ld.so for "ld.so PROG") and the argv it starts
	 * with, as the entries before the caller's own argv[1..]
	 * (NUL-terminated, joined, kprefix_len bytes) */
	bool exe_known;
	bool argv_dep; /* the allow held only for the argv policyd saw */
	/* an exec of git by a notified caller: the allow held only for the
	 * environment policyd read, whose variables git reads have this
	 * digest (exec_env.h); exec_verify checks it at the exec stop */
	bool env_dep;
	uint8_t env_sha[32];
	/* an exec of git: a digest of what git was read to do (each event's
	 * command, remote and its URL, branches, flags, config keys), which
	 * the repository's state decides as much as argv: part of a prompt's
	 * key (pending.c), so a grant of `git push origin main` is not one
	 * for the same command line once origin names another URL */
	bool has_git_facts;
	uint8_t git_facts[32];
	/* ... and the first URL it names (a push's, a fetch's), for the
	 * operator: the command line does not say where origin points */
	char git_url[256];
	dev_t exe_dev;
	ino_t exe_ino;
	size_t kprefix_len;
	/* from here on: strings, initialised empty */
	char target[TGP_MAX_PATH * 2 + 64];
	/* what the call acts on, symlinks resolved: the program of an exec,
	 * the (first) file of an open; empty when not resolved */
	char object[TGP_MAX_PATH];
	char object2[TGP_MAX_PATH]; /* the second name of a rename or link */
	char detail[512];
	char msg[1400]; /* for the agent's stderr */
	char kprefix[8192];
};

void outcome_init(struct outcome *o);
/* A refusal by tiergate itself, not by a rule of the policy (id is the
 * rule shown, msg the agent's message). */
void outcome_deny(struct outcome *o, const char *id, const char *msg);
/* What the call would touch could not be seen (err: -errno): refused, the
 * reason in detail and message. */
void outcome_unresolved(struct outcome *o, int err);
/* o->decision and o->msg from o->d: an allow, a refusal by a rule or the
 * default, or a prompt (a refusal until the approval workflow exists). */
void outcome_conclude(struct outcome *o);
/* A digest of what an audit record of o says (its decision, action, rule
 * and target), never 0: the same call decided the same way again has the
 * same digest. */
uint64_t outcome_digest(const struct outcome *o);

/* The decision for a call that touches several objects (an exec chain's
 * programs, a rename's two names): the strictest, a default counting with
 * its action (an object no rule covers is not allowed because another
 * one is); on a tie a rule before the default, the earlier rule first.
 * *have: acc holds one already. */
void outcome_combine(struct policy_decision *acc, bool *have,
		     const struct policy_decision *d);
/* One object under two names: the resolved name decides (real_d), and the
 * name as spelled can only make that stricter, by a rule of its own. A
 * symlink the agent made must not lend its own name's allow to its
 * target. */
void outcome_spelled(struct policy_decision *real_d,
		     const struct policy_decision *lex_d);

#endif
