/* SPDX-License-Identifier: MIT */
#include "sv_call.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chase.h"
#include "decide.h"
#include "missing.h"
#include "pending.h"
#include "procfs.h"
#include "session.h"
#include "util.h"

int sv_respond(int lfd, uint64_t id, int err, int64_t val, bool cont)
{
	struct seccomp_notif_resp r = {
	    .id = id,
	    .error = err,
	    .val = val,
	    .flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0};
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r) < 0)
		return -errno; /* ENOENT: the caller is gone (killed) */
	return 0;
}

bool sv_notif_valid(int lfd, uint64_t id)
{
	return ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

bool sv_call_valid(const struct call *k)
{
	return sv_notif_valid(k->lfd, k->n->id);
}

void sv_call_continue(struct call *k)
{
	sv_respond(k->lfd, k->n->id, 0, 0, true);
}

void sv_call_answer(struct call *k, int r)
{
	sv_respond(k->lfd, k->n->id, r, 0, false);
}

/* A call policyd carried out itself (a file operation, a descriptor put in
 * the caller) is marked done in its in-flight slot before it is answered:
 * a policyd killed in between leaves the mark, and the next one answers
 * from it instead of doing the call a second time (a second mkdir would
 * answer EEXIST, a second open leave a stray descriptor). */
void sv_call_mark(struct call *k, uint32_t state, int32_t value,
		  const struct stat *st)
{
	struct tgp_inflight *e = k->ifl;
	if (!e)
		return;
	e->value = value;
	e->dev = st ? (uint64_t)st->st_dev : 0;
	e->ino = st ? (uint64_t)st->st_ino : 0;
	__atomic_store_n(&e->state, state, __ATOMIC_RELEASE);
}

void sv_call_performed(struct call *k, int r)
{
	sv_call_mark(k, TGP_IFL_DONE, r, NULL);
	sv_test_die_point(k->rehandled);
	sv_call_answer(k, r);
}

void sv_call_tell(const struct call *k, const char *kind, const char *target,
		  const struct outcome *o)
{
	char line[2048];
	size_t n = tgp_refusal_line(line, sizeof(line), "refused", kind, target,
				    o->d.rule_id ? o->d.rule_id : "?", o->msg);
	caller_tell(k->c.pid, line, n);
}

void sv_call_refuse(struct call *k, const char *kind, const char *rule,
		    const char *target, const char *msg, int err)
{
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, err);
		return;
	}
	outcome_init(o);
	o->kind = kind;
	outcome_deny(o, rule, NULL);
	o->decision = DECISION_REFUSED;
	tg_strlcpy(o->target, sizeof(o->target), target);
	tg_strlcpy(o->msg, sizeof(o->msg), msg);
	decide_record(&k->c, NULL, o, k->t0);
	sv_call_tell(k, kind, o->target, o);
	sv_call_answer(k, err);
}

/* The errno a call about to be refused fails with when it can have no
 * effect (k->noop), or 0. Asked only for refusals, so allowed calls pay
 * nothing for it. */
static int call_noop(struct call *k)
{
	const struct call_noop *no = &k->noop;
	/* (a connect to a named Unix socket: one that is not there) */
	bool named = k->q.kind == TGPK_OPEN ||
		     (k->q.kind == TGPK_CONNECT && k->q.has_path);
	if (!named || (!no->exists && !no->missing))
		return 0;
	int t = chase_exists(&k->c, no->dirfd, k->q.path, no->follow);
	if (t == 0)
		return no->exists;
	return t < 0 && no->missing ? t : 0;
}

bool sv_call_gate(struct call *k, struct outcome *o)
{
	struct sv *sv = k->c.s ? k->c.s->sv : NULL;
	if (pending_gate(&k->c, &k->q, o, sv, k->n->id) != -EAGAIN)
		return false;
	k->waiting = true;
	return true;
}

void sv_call_finish(struct call *k, struct outcome *o)
{
	if (sv_call_gate(k, o)) {
		o->decision = DECISION_REFUSED; /* not answered: parked */
		return;
	}
	outcome_conclude(o);
	/* a refused call that can have no effect (a program that is not
	 * there, making a name that exists, removing one that does not)
	 * fails as the kernel would fail it: nothing ran, nothing to refuse
	 * or audit */
	if (o->decision != DECISION_ALLOWED) {
		int e = o->absent ? o->absent : call_noop(k);
		if (e) {
			o->absent = e;
			o->decision = DECISION_ABSENT;
			return;
		}
	}
	o->absent = 0;
	/* why: a call decided again while it waits parked (a write-open of
	 * a FIFO with no reader is retried every 5 ms) wrote an audit line
	 * at every retry: 32 writers of a FIFO named .git/config (rule
	 * git-config-file, tier 2) wrote 6,400 lines a second, until the
	 * disk was full and every session's audited allows were refused
	 * (audit-failed). Recorded once per outcome (tests/bypass/procfd.sh) */
	uint64_t sig = outcome_digest(o);
	if (k->recorded == sig)
		return;
	k->recorded = sig;
	decide_record(&k->c, &k->q, o, k->t0);
}

int sv_call_decide(struct call *k, struct outcome *o)
{
	if (decide_call(&k->c, &k->q, o) == -EAGAIN)
		return -EAGAIN;
	sv_call_finish(k, o);
	return k->waiting ? -EAGAIN : 0;
}

bool sv_call_decide_or_refuse(struct call *k, const char *verb, int err,
			      struct outcome **keep)
{
	/* initialised by the decision: no zeroing of its 26 KiB here */
	struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -ENOMEM);
		return false;
	}
	if (sv_call_decide(k, o) == -EAGAIN) {
		/* a prompt waits (parked: k->waiting); connects and binds
		 * never get here before their lookups are done */
		free(o);
		return false;
	}
	bool ok = o->decision == DECISION_ALLOWED;
	if (o->decision == DECISION_ABSENT) {
		sv_call_answer(k, o->absent);
	} else if (!ok) {
		sv_call_tell(k, verb, o->target, o);
		sv_call_answer(k, err);
	}
	if (ok && keep)
		*keep = o;
	else
		free(o);
	return ok;
}

#ifdef TIERGATE_TEST_HOOKS
void sv_test_die_point(bool rehandled)
{
	static long die_after = -1;
	if (die_after < 0) {
		const char *v = secure_getenv("TIERGATE_TEST_DIE_AFTER_DONE");
		die_after = v ? atol(v) : 0;
	}
	if (!rehandled && die_after > 0 && --die_after == 0)
		raise(SIGKILL);
}

bool sv_test_no_getfd(void)
{
	static int v = -1;
	if (v < 0)
		v = secure_getenv("TIERGATE_TEST_NO_GETFD") != NULL;
	return v == 1;
}
#endif

/* Could something rewrite the caller's argv (or path) after policyd read it? Another
 * thread of its process, or another process sharing its memory, or a
 * shared writable mapping holding argv. The filter refuses clone(CLONE_VM)
 * unless it makes a thread or a vfork child, so a process sharing the
 * caller's memory is a vfork parent up its line (suspended until the child
 * execs) or a thread of one: walk up while the memory is the same, and
 * any of them with a second thread can race. */
bool sv_caller_racy(const struct caller *c, const uint64_t *addrs, size_t n)
{
	/* whatever cannot be told is taken to race. The status this call
	 * read already stands: with one thread, that thread waits in this
	 * notification and can start no other; with more, the call counts
	 * as racy (more may have ended since: a hold it did not need). A
	 * parent that died since fails kcmp, and a pid reused by another
	 * process has other memory: the walk stops either way, as it would
	 * on a new read. */
	const pid_t pid = c->pid;
	struct proc_status st;
	if (c->have_cr)
		st = c->cr;
	else if (procfs_status(pid, &st) < 0)
		return true;
	if (st.threads > 1)
		return true;
	for (int depth = 0; st.ppid > 1; depth++) {
		pid_t up = st.ppid;
		if (syscall(SYS_kcmp, pid, up, TG_KCMP_VM, 0, 0) != 0)
			break; /* its own memory from here up */
		if (depth == 16 || procfs_status(up, &st) < 0 ||
		    st.threads > 1)
			return true;
	}
	return procfs_shared_writable(pid, addrs, n) != 0;
}
